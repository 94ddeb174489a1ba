/**
 * Bytes bulwark returns are `OwnedBytes`: under TypeScript 5.7+ that is `Uint8Array<ArrayBuffer>`, which DOM APIs
 * (WebCrypto, Blob, Response) accept without a cast, where a plain `Uint8Array` (`Uint8Array<ArrayBufferLike>`)
 * is a type error. This file is type-checked with the rest (`npm run typecheck`), so the assignments below fail
 * to compile if a return type regresses; at run time it checks that the arrays really are ArrayBuffer-backed,
 * even when the caller's input lives in a SharedArrayBuffer.
 */
import {
  decodeBase32,
  decodeBase64,
  decodeBase64Url,
  decodeHex,
  decodeUtf8,
  encodeUtf8,
  type OwnedBytes,
} from 'bulwark/encoding';
import {
  createKeyring,
  decryptEnvelope,
  decryptEnvelopeFromString,
  decryptStream,
  encryptEnvelope,
  encryptEnvelopeToString,
  encryptStream,
  generateBlindIndexKey,
  generateEnvelopeKey,
  type Keyring,
} from 'bulwark/envelope';
import { afterEach, describe, expect, it } from 'vitest';
import { setRuntimeOverrideForTesting } from '../src/runtime/index.js';
import { CRYPTO_PATHS, chunksOf, singleKeyring, stubKms } from './envelope/helpers.js';

function expectOwned(bytes: OwnedBytes): void {
  expect(bytes).toBeInstanceOf(Uint8Array);
  expect(bytes.buffer).toBeInstanceOf(ArrayBuffer);
  expect(Object.prototype.toString.call(bytes.buffer)).toBe('[object ArrayBuffer]');
}

/** A copy of `bytes` in a SharedArrayBuffer: the kind of input whose views must never come back as OwnedBytes. */
function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** A keyring whose key-encryption key sits behind a provider (a stand-in KMS) that hands back shared memory. */
function providerKeyring(): Keyring {
  return createKeyring({ keys: [{ id: 'kms-1', status: 'primary' }], provider: stubKms(shared) });
}

const KEYRINGS: [string, () => Keyring][] = [
  ['a local key', () => singleKeyring()],
  ['a provider key', providerKeyring],
];

afterEach(() => setRuntimeOverrideForTesting(undefined));

describe('OwnedBytes', () => {
  it('decoders and generators return ArrayBuffer-backed arrays that WebCrypto, Blob and Response take as they are', async () => {
    const outputs: OwnedBytes[] = [
      decodeBase32('MZXW6==='),
      decodeBase64('Zm9v'),
      decodeBase64Url('Zm9v'.repeat(200)), // long enough for the platform decoder
      decodeHex('666f6f'),
      encodeUtf8('foo'),
      encodeUtf8('é'.repeat(100)), // the TextEncoder path
      generateEnvelopeKey(),
      generateBlindIndexKey(),
    ];
    for (const bytes of outputs) {
      expectOwned(bytes);
      // Each of these is a compile error for a Uint8Array<ArrayBufferLike> under TypeScript 5.7+ with DOM types.
      const source: BufferSource = bytes;
      const part: BlobPart = bytes;
      const body: BodyInit = bytes;
      expect((await crypto.subtle.digest('SHA-256', source)).byteLength).toBe(32);
      expect(new Blob([part]).size).toBe(bytes.length);
      expect((await new Response(body).arrayBuffer()).byteLength).toBe(bytes.length);
    }
  });
});

describe.each(CRYPTO_PATHS)('OwnedBytes via %s', (_path, override) => {
  it.each(KEYRINGS)('envelopes under %s, bytes and text, come back owned even from shared input', async (_k, make) => {
    setRuntimeOverrideForTesting(override);
    const keyring = make();
    const context = { table: 'users', id: 7 };
    const sealed = await encryptEnvelope(keyring, shared(encodeUtf8('alice@example.com')), { context });
    expectOwned(sealed);
    const opened = await decryptEnvelope(keyring, shared(sealed), { context });
    expectOwned(opened);
    expect(decodeUtf8(opened)).toBe('alice@example.com');
    const fromText = await decryptEnvelopeFromString(keyring, await encryptEnvelopeToString(keyring, 'x'.repeat(3000)));
    expectOwned(fromText);
    expect(new Blob([fromText]).size).toBe(3000);
  });

  it.each(KEYRINGS)('stream output chunks under %s are owned, whatever memory the input lives in', async (_k, make) => {
    setRuntimeOverrideForTesting(override);
    const keyring = make();
    const input = new Uint8Array(70_000).map((_, i) => i & 255);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(shared(input.subarray(0, 40_000)));
        controller.enqueue(shared(input.subarray(40_000)));
        controller.close();
      },
    });
    const encrypted = await chunksOf(source.pipeThrough(encryptStream(keyring)));
    for (const chunk of encrypted) expectOwned(chunk);
    const decrypted = await chunksOf(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of encrypted) controller.enqueue(shared(chunk));
          controller.close();
        },
      }).pipeThrough(decryptStream(keyring)),
    );
    for (const chunk of decrypted) expectOwned(chunk);
    const joined = new Uint8Array(await new Blob(decrypted).arrayBuffer());
    expect(joined).toEqual(input);
  });
});
