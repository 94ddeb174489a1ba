import { BulwarkError } from '../errors.js';
import { readOptions, withoutPrototype } from '../internal/assert.js';
import { assertBytes, concatBytes, type OwnedBytes, wipe } from '../internal/bytes.js';
import { type AesGcmKey, importAesGcmKey, takeRandomBytes } from '../runtime/index.js';
import { type EncryptionContext, encodeContext } from './context.js';
import {
  DATA_KEY_BYTES,
  decryptFailed,
  findKey,
  keyAadFor,
  keyHeaderLength,
  MAX_WRAPPED_KEY_BYTES,
  malformedEnvelope,
  readKeyHeader,
  STREAM_VERSION,
  TAG_BYTES,
  unwrapDataKey,
  writeKeyHeader,
} from './format.js';
import { type Keyring, keyringState } from './keyring.js';

/** Options of {@link encryptStream} and {@link decryptStream}. */
export interface EnvelopeStreamOptions {
  /** Bound to every segment, as for one-shot envelopes. */
  context?: EncryptionContext;
  /** Plaintext bytes per segment when encrypting, 256..16 MiB (default 64 KiB); recorded in the header. */
  segmentBytes?: number;
  /**
   * When decrypting, the largest segment a stream header may ask for, 256..16 MiB (default 64 KiB): the header is not
   * authenticated until its first segment is, and each segment is held in memory whole, so this bounds what any
   * sender can make the stream buffer. Raise it to the `segmentBytes` the streams were encrypted with.
   */
  maxSegmentBytes?: number;
}

/** Defaults of {@link EnvelopeStreamOptions}. */
export const DEFAULT_ENVELOPE_STREAM_OPTIONS = Object.freeze({ segmentBytes: 64 * 1024, maxSegmentBytes: 64 * 1024 });
const MIN_SEGMENT = 256;
const MAX_SEGMENT = 16 * 1024 * 1024;
const NONCE_PREFIX_BYTES = 7;
const MAX_SEGMENTS = 2 ** 32 - 1;
/** version, id length, id ≤ 255, wrapped length, wrapped ≤ 1024, segment size, nonce prefix. */
const MAX_HEADER_BYTES = 4 + 255 + MAX_WRAPPED_KEY_BYTES + 4 + NONCE_PREFIX_BYTES;

/**
 * A FIFO of bytes that hands out exact-length pieces. Bytes held back between steps live in one owned buffer
 * (`held`), reused from segment to segment: a producer may reuse its chunk once `write()` resolves, and an array
 * per chunk would cost an object (and a quadratic `shift`) per byte when a peer sends one-byte chunks. The chunk
 * pushed during a step is only borrowed: pieces are cut from it in place while `held` is empty, and what is left
 * of it is copied into `held` by {@link ByteQueue.own} at the end of the step, so each byte is copied at most once.
 * Exported for tests only (not part of the module's face).
 */
export class ByteQueue {
  private held = new Uint8Array(0);
  /** The live bytes of `held`. */
  private start = 0;
  private end = 0;
  /** The caller's chunk pushed during this step and how much of it is consumed, until `own` copies the rest. */
  private borrowed: Uint8Array | undefined;
  private borrowedHead = 0;
  /** Pieces of `held` handed out by `take` (plaintext, when `secret`), zeroed by `wipeSpent`. */
  private spent: Uint8Array[] = [];
  length = 0;
  /**
   * `secret`: the bytes are plaintext, so what `held` no longer needs is zeroed. `bound`: the most bytes ever held
   * at once (raise it with {@link ByteQueue.expect}), so growing by doubling does not overshoot one segment.
   */
  constructor(
    private readonly secret: boolean,
    private bound: number,
  ) {}
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.borrowed = chunk;
    this.borrowedHead = 0;
    this.length += chunk.length;
  }
  /** The next `n` bytes (`n` ≤ `length`): valid until the next `take`, `own` or `clear`. */
  take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    this.length -= n;
    if (this.start === this.end) return this.takeBorrowed(n);
    const missing = n - (this.end - this.start);
    // A piece spanning both: only the borrowed part is copied, and `held` ends up empty again.
    if (missing > 0) this.append(this.takeBorrowed(missing));
    const piece = this.held.subarray(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    if (this.secret) this.spent.push(piece);
    return piece;
  }
  /** A copy of the first `n` bytes (fewer if fewer are queued), not consumed. */
  peek(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.length));
    const fromHeld = Math.min(out.length, this.end - this.start);
    out.set(this.held.subarray(this.start, this.start + fromHeld));
    if (fromHeld < out.length && this.borrowed !== undefined) {
      out.set(this.borrowed.subarray(this.borrowedHead, this.borrowedHead + out.length - fromHeld), fromHeld);
    }
    return out;
  }
  /** Raises the bound on held bytes: decryption learns the segment size from the header. */
  expect(bound: number): void {
    this.bound = Math.max(this.bound, bound);
  }
  /** Copies the unconsumed part of this step's chunk into `held`: the caller may reuse the chunk from now on. */
  own(): void {
    const chunk = this.borrowed;
    if (chunk === undefined) return;
    this.append(chunk.subarray(this.borrowedHead));
    this.borrowed = undefined;
  }
  /** Zeroes the plaintext that `take` has handed out from `held`, once the caller is done with those pieces. */
  wipeSpent(): void {
    for (const piece of this.spent) wipe(piece);
    this.spent.length = 0;
  }
  /** Empties the queue and frees `held`, zeroing it (never the caller's chunk): the stream is over. */
  clear(): void {
    this.wipeSpent();
    if (this.secret) wipe(this.held);
    this.held = new Uint8Array(0);
    this.start = this.end = 0;
    this.length = 0;
    this.borrowed = undefined;
  }
  private takeBorrowed(n: number): Uint8Array {
    const piece = (this.borrowed as Uint8Array).subarray(this.borrowedHead, this.borrowedHead + n);
    this.borrowedHead += n;
    return piece;
  }
  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const live = this.end - this.start;
    if (this.end + bytes.length > this.held.length) {
      const need = live + bytes.length;
      if (need <= this.held.length) {
        // Room at the front (a take left part of `held`): one move of what is held, no new buffer.
        this.held.copyWithin(0, this.start, this.end);
        if (this.secret) this.held.fill(0, live, this.end);
      } else {
        // Doubling keeps one-byte chunks linear; the bound only trims the last doubling to what a segment needs.
        const doubled = Math.max(2 * this.held.length, 1024);
        const grown = new Uint8Array(Math.max(need, need > this.bound ? doubled : Math.min(doubled, this.bound)));
        grown.set(this.held.subarray(this.start, this.end));
        if (this.secret) wipe(this.held);
        this.held = grown;
      }
      this.start = 0;
      this.end = live;
    }
    this.held.set(bytes, this.end);
    this.end += bytes.length;
  }
}

/**
 * Per-segment state shared by both directions: nonce = prefix(7) ‖ counter(u32be) ‖ last(1). Moves `dataKey` into
 * a private copy (the argument is wiped) that the key handle reads in place, and `dispose()` zeroes that copy once
 * the stream has ended, failed or been cancelled, so a finished stream leaves no copy of its data key behind (the
 * WebCrypto `CryptoKey`, where used, is non-extractable and only dropped). After `dispose()` every call throws
 * rather than use a zeroed key.
 */
export function segmentCipher(dataKey: Uint8Array, prefix: Uint8Array, aad: Uint8Array) {
  const key = new Uint8Array(dataKey);
  wipe(dataKey);
  let aes: AesGcmKey | undefined;
  try {
    aes = importAesGcmKey(key, true);
  } catch (error) {
    wipe(key);
    throw error;
  }
  observeKey?.(key);
  let counter = 0;
  const live = (): AesGcmKey => {
    if (aes === undefined) throw new BulwarkError('INPUT_INVALID', 'this stream has already ended');
    return aes;
  };
  const nonce = (last: boolean) => {
    if (counter >= MAX_SEGMENTS) throw new BulwarkError('ENVELOPE_TOO_LARGE', 'stream exceeds 2^32 - 1 segments');
    const iv = new Uint8Array(12);
    iv.set(prefix, 0);
    new DataView(iv.buffer).setUint32(NONCE_PREFIX_BYTES, counter++);
    iv[11] = last ? 1 : 0;
    return iv;
  };
  // Both return what the platform cipher allocated (never a view of the caller's chunk): owned arrays.
  return {
    seal: (plaintext: Uint8Array, last: boolean) => live().seal(nonce(last), plaintext, aad) as Promise<OwnedBytes>,
    async open(sealed: Uint8Array, last: boolean): Promise<OwnedBytes> {
      const plaintext = await live().open(nonce(last), sealed, aad);
      if (plaintext === null) throw decryptFailed();
      return plaintext as OwnedBytes;
    },
    dispose(): void {
      aes = undefined;
      wipe(key);
    },
  };
}

type SegmentCipher = ReturnType<typeof segmentCipher>;

let observeKey: ((key: Uint8Array) => void) | undefined;

/**
 * Tests only: `observe` receives each stream's private data-key copy when the stream sets it up, so a test can check
 * that the copy is zeroed once the stream has ended, failed or been cancelled. `undefined` stops observing.
 */
export function observeStreamKeysForTesting(observe: ((key: Uint8Array) => void) | undefined): void {
  observeKey = observe;
}

/**
 * Runs one stream step; on failure the data key (read through `current`: the step may be the one that set it up) and
 * the queued bytes the stream owns are wiped before the stream errors, since no later step will run.
 */
async function guarded(
  current: () => SegmentCipher | undefined,
  queue: ByteQueue,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    current()?.dispose();
    queue.clear();
    throw error;
  }
}

function readSegmentBytes(value: unknown, parameter: 'segmentBytes' | 'maxSegmentBytes'): number {
  const n = value ?? DEFAULT_ENVELOPE_STREAM_OPTIONS[parameter];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_SEGMENT || n > MAX_SEGMENT) {
    throw new BulwarkError('CONFIG_INVALID', `${parameter} must be an integer from ${MIN_SEGMENT} to ${MAX_SEGMENT}`, {
      details: { parameter },
    });
  }
  return n;
}

/**
 * A TransformStream that encrypts bytes of any length with bounded memory (one segment): a header carrying the
 * wrapped data key, then 64 KiB segments each sealed with AES-256-GCM under a nonce made of a random prefix, the
 * segment number and a last-segment flag, so dropped, reordered, duplicated, spliced or truncated segments are
 * detected. Uses the global TransformStream (Node, Bun, Deno, workerd, browsers).
 * @throws BulwarkError CONFIG_INVALID, INPUT_INVALID (synchronously, before any data)
 * @example
 * await file.stream().pipeThrough(encryptStream(keyring, { context: { file: 'report.pdf' } })).pipeTo(sink);
 */
export function encryptStream(
  keyring: Keyring,
  optionsArg: EnvelopeStreamOptions = {},
): TransformStream<Uint8Array, OwnedBytes> {
  const options = readOptions<EnvelopeStreamOptions>(optionsArg);
  const { primary } = keyringState(keyring);
  const segmentBytes = readSegmentBytes(options.segmentBytes, 'segmentBytes');
  const context = encodeContext(options.context);
  const queue = new ByteQueue(true, segmentBytes);
  let cipher: SegmentCipher | undefined;
  // `cancel` may run while `start` awaits the wrap (a KMS round trip); `start` then has to clean up after itself.
  let cancelled = false;
  // No prototype: the stream reads `start`, `flush` and `cancel` from its transformer, and an inherited one
  // (a polluted Object.prototype) would run inside the stream.
  return new TransformStream<Uint8Array, OwnedBytes>(
    withoutPrototype({
      async start(controller) {
        const fresh = takeRandomBytes(DATA_KEY_BYTES + NONCE_PREFIX_BYTES);
        const dataKey = fresh.subarray(0, DATA_KEY_BYTES);
        try {
          const keyAad = keyAadFor(STREAM_VERSION, primary);
          const wrapped = await primary.wrap(dataKey, keyAad);
          if (cancelled) return; // `finally` wipes the data key; no cipher, so no copy of it.
          const header = new Uint8Array(keyHeaderLength(primary, wrapped) + 4 + NONCE_PREFIX_BYTES);
          const at = writeKeyHeader(header, keyAad, wrapped);
          new DataView(header.buffer).setUint32(at, segmentBytes);
          header.set(fresh.subarray(DATA_KEY_BYTES), at + 4);
          // Copies of the prefix and header: the consumer owns the chunk we enqueue and may reuse its memory.
          cipher = segmentCipher(dataKey, header.slice(at + 4), concatBytes(header, context));
          controller.enqueue(header);
        } catch (error) {
          // A failed start never reaches flush or cancel, so the key copy the cipher took must be zeroed here.
          cipher?.dispose();
          throw error;
        } finally {
          wipe(fresh);
        }
      },
      transform: (chunk, controller) =>
        guarded(
          () => cipher,
          queue,
          async () => {
            queue.push(assertBytes(chunk, 'chunk'));
            // Keep at least one byte back: only flush knows which segment is the last.
            while (queue.length > segmentBytes) {
              controller.enqueue(await cipher!.seal(queue.take(segmentBytes), false));
              queue.wipeSpent();
            }
            queue.own();
          },
        ),
      flush: (controller) =>
        guarded(
          () => cipher,
          queue,
          async () => {
            controller.enqueue(await cipher!.seal(queue.take(queue.length), true));
            queue.clear();
            cipher!.dispose();
          },
        ),
      // Where the runtime supports it (the Streams spec's transformer cancel): the reader or writer gave up.
      cancel: async () => {
        cancelled = true;
        cipher?.dispose();
        queue.clear();
      },
    } as Transformer<Uint8Array, OwnedBytes>),
  );
}

/** Bytes of a stream header, if `queue` holds it all yet (undefined to wait for more). */
function headerLength(peek: Uint8Array): number | undefined {
  if (peek.length < 2) return undefined;
  const idEnd = 2 + (peek[1] as number);
  if (peek.length < idEnd + 2) return undefined;
  const wrapped = ((peek[idEnd] as number) << 8) | (peek[idEnd + 1] as number);
  if (wrapped === 0 || wrapped > MAX_WRAPPED_KEY_BYTES) throw malformedEnvelope();
  return idEnd + 2 + wrapped + 4 + NONCE_PREFIX_BYTES;
}

/**
 * A TransformStream that decrypts what {@link encryptStream} wrote, with the same context. Plaintext is released
 * segment by segment as each authenticates; a truncated stream is only known at the end, so act on the output
 * only once the stream has finished without error. A header asking for segments over `maxSegmentBytes` (default
 * 64 KiB) is refused before any of its data is buffered: pass the `segmentBytes` the streams were encrypted with.
 * @throws BulwarkError CONFIG_INVALID (synchronously); (as a stream error) ENVELOPE_MALFORMED, ENVELOPE_DECRYPT_FAILED,
 * KEY_NOT_FOUND, KEY_DISABLED
 * @example
 * const plain = encrypted.pipeThrough(decryptStream(keyring, { context: { file: 'report.pdf' } }));
 */
export function decryptStream(
  keyring: Keyring,
  optionsArg: EnvelopeStreamOptions = {},
): TransformStream<Uint8Array, OwnedBytes> {
  const options = readOptions<EnvelopeStreamOptions>(optionsArg);
  keyringState(keyring);
  const maxSegmentBytes = readSegmentBytes(options.maxSegmentBytes, 'maxSegmentBytes');
  const context = encodeContext(options.context);
  const queue = new ByteQueue(false, MAX_HEADER_BYTES);
  let cipher: SegmentCipher | undefined;
  let sealedBytes = 0;
  // `cancel` may run while readHeader awaits the unwrap (a KMS round trip); readHeader then owns the data key.
  let cancelled = false;
  async function readHeader(): Promise<void> {
    const peek = queue.peek(MAX_HEADER_BYTES);
    if (peek.length > 0 && peek[0] !== STREAM_VERSION) throw malformedEnvelope();
    const length = headerLength(peek);
    if (length === undefined || queue.length < length) return;
    // A copy into a fresh array (a Buffer's `slice` would be a view): the DataView below reads from offset 0.
    const header = concatBytes(queue.take(length));
    const key = readKeyHeader(header, STREAM_VERSION);
    const segmentBytes = new DataView(header.buffer).getUint32(key.end);
    if (segmentBytes < MIN_SEGMENT || segmentBytes > MAX_SEGMENT) throw malformedEnvelope();
    // Before anything is unwrapped or buffered: the size is not authenticated yet, so anyone could have raised it.
    if (segmentBytes > maxSegmentBytes) {
      throw new BulwarkError('ENVELOPE_MALFORMED', 'stream segment size exceeds maxSegmentBytes', {
        details: { parameter: 'maxSegmentBytes' },
      });
    }
    const dataKey = await unwrapDataKey(findKey(keyring, key.keyId), key);
    if (cancelled) {
      wipe(dataKey);
      return;
    }
    cipher = segmentCipher(dataKey, header.subarray(key.end + 4), concatBytes(header, context));
    sealedBytes = segmentBytes + TAG_BYTES;
    queue.expect(sealedBytes);
  }
  // No prototype: the stream reads `start`, `flush` and `cancel` from its transformer, and an inherited one
  // (a polluted Object.prototype) would run inside the stream.
  return new TransformStream<Uint8Array, OwnedBytes>(
    withoutPrototype({
      transform: (chunk, controller) =>
        guarded(
          () => cipher,
          queue,
          async () => {
            queue.push(assertBytes(chunk, 'chunk'));
            if (cipher === undefined) await readHeader();
            // Keep the final segment back until flush: only then is it known to be the last.
            while (cipher !== undefined && queue.length > sealedBytes) {
              controller.enqueue(await cipher.open(queue.take(sealedBytes), false));
            }
            queue.own();
          },
        ),
      flush: (controller) =>
        guarded(
          () => cipher,
          queue,
          async () => {
            if (cipher === undefined) await readHeader();
            if (cipher === undefined) throw malformedEnvelope();
            if (queue.length < TAG_BYTES) throw malformedEnvelope();
            controller.enqueue(await cipher.open(queue.take(queue.length), true));
            queue.clear();
            cipher.dispose();
          },
        ),
      cancel: async () => {
        cancelled = true;
        cipher?.dispose();
        queue.clear();
      },
    } as Transformer<Uint8Array, OwnedBytes>),
  );
}
