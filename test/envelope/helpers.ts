import { createKeyring, generateEnvelopeKey, type KeyProvider, type Keyring } from 'bulwark/envelope';
import { isBulwarkError } from '../../src/errors.js';
import { concatBytes } from '../../src/internal/bytes.js';
import { importAesGcmKey, type NodeCrypto } from '../../src/runtime/index.js';

/** The two AES-GCM paths of the runtime seam: node:crypto, and WebCrypto with node:crypto hidden. */
export const CRYPTO_PATHS = [
  ['node:crypto', undefined],
  ['WebCrypto', { nodeCrypto: null }],
] as const satisfies readonly (readonly [string, { nodeCrypto?: NodeCrypto | null } | undefined])[];

/** Fixed key material so failures reproduce. */
export function keyBytes(seed: number): Uint8Array {
  return new Uint8Array(32).map((_, i) => (seed * 31 + i * 7) & 255);
}

export function singleKeyring(id = 'k1', seed = 1): Keyring {
  return createKeyring({ keys: [{ id, key: keyBytes(seed), status: 'primary' }] });
}

/** The code of the BulwarkError `fn` rejects with, or 'SUCCESS' / 'OTHER: …'. */
export async function outcome(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'SUCCESS';
  } catch (e) {
    return isBulwarkError(e) ? e.code : `OTHER: ${String(e)}`;
  }
}

/** Every chunk a stream yields, in order. */
export async function chunksOf<T>(stream: ReadableStream<T>): Promise<T[]> {
  const chunks: T[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<T>) chunks.push(chunk);
  return chunks;
}

export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return concatBytes(...(await chunksOf(stream)));
}

/**
 * A provider the way a KMS adapter would write one (key material never leaves it, wrapped keys are opaque), over
 * key `kms-1`; it records its calls, and `returned` sees every array it hands back (tests pass shared memory).
 */
export function stubKms(returned: (bytes: Uint8Array) => Uint8Array = (b) => b): KeyProvider & { calls: string[] } {
  const keys = new Map([['kms-1', importAesGcmKey(generateEnvelopeKey())]]);
  const calls: string[] = [];
  return {
    calls,
    async wrapKey(keyId, dataKey, aad) {
      calls.push(`wrap ${keyId}`);
      const iv = new Uint8Array(12).fill(calls.length);
      const sealed = await keys.get(keyId)!.seal(iv, dataKey, aad, 12);
      sealed.set(iv, 0);
      return returned(sealed);
    },
    async unwrapKey(keyId, wrapped, aad) {
      calls.push(`unwrap ${keyId}`);
      const key = await keys.get(keyId)!.open(wrapped.subarray(0, 12), wrapped.subarray(12), aad);
      return key === null ? null : returned(key);
    },
  };
}

/** A readable stream of `bytes` in chunks of `chunkBytes`. */
export function streamOf(bytes: Uint8Array, chunkBytes = 10_000): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(offset, offset + chunkBytes));
        offset += chunkBytes;
      }
    },
  });
}

/** Context encoding, from the spec: count, then sorted entries of keyLength key type value. */
export function referenceContext(entries: Record<string, string | number | boolean | null>): Buffer {
  const parts: Buffer[] = [Buffer.from([Object.keys(entries).length])];
  for (const key of Object.keys(entries).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const k = Buffer.from(key);
    const v = entries[key];
    parts.push(Buffer.from([k.length]), k);
    if (v === null) parts.push(Buffer.from([0]));
    else if (v === false) parts.push(Buffer.from([1]));
    else if (v === true) parts.push(Buffer.from([2]));
    else if (typeof v === 'number') {
      const n = Buffer.alloc(9);
      n[0] = 3;
      n.writeDoubleBE(v === 0 ? 0 : v, 1);
      parts.push(n);
    } else {
      const s = Buffer.from(v as string);
      const head = Buffer.from([4, s.length >> 8, s.length & 255]);
      parts.push(head, s);
    }
  }
  return Buffer.concat(parts);
}
