import { randomBytes } from 'node:crypto';
import {
  createKeyring,
  DEFAULT_ENVELOPE_STREAM_OPTIONS,
  decryptStream,
  encryptStream,
  type KeyProvider,
} from 'bulwark/envelope';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observeStreamKeysForTesting, segmentCipher } from '../../src/envelope/stream.js';
import { setRuntimeOverrideForTesting } from '../../src/runtime/index.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { CRYPTO_PATHS, collect, keyBytes, outcome, singleKeyring, streamOf } from './helpers.js';

const keyring = singleKeyring('k1');
const SEG = DEFAULT_ENVELOPE_STREAM_OPTIONS.segmentBytes;
const context = { file: 'report.pdf' };
afterEach(() => setRuntimeOverrideForTesting(undefined));

async function encrypt(data: Uint8Array, options = {}, chunk = 10_000): Promise<Uint8Array> {
  return collect(streamOf(data, chunk).pipeThrough(encryptStream(keyring, { context, ...options })));
}
async function decrypt(data: Uint8Array, options = {}, chunk = 7_001): Promise<Uint8Array> {
  return collect(streamOf(data, chunk).pipeThrough(decryptStream(keyring, { context, ...options })));
}

/** Splits a stream ciphertext into its header and sealed segments (layout in docs/envelope.md). */
function split(ct: Uint8Array, segmentBytes: number): { header: Uint8Array; segments: Uint8Array[] } {
  const idEnd = 2 + (ct[1] as number);
  const wrapped = ((ct[idEnd] as number) << 8) | (ct[idEnd + 1] as number);
  const headerBytes = idEnd + 2 + wrapped + 4 + 7;
  const segments: Uint8Array[] = [];
  for (let o = headerBytes; o < ct.length; o += segmentBytes + 16) segments.push(ct.subarray(o, o + segmentBytes + 16));
  return { header: ct.subarray(0, headerBytes), segments };
}
function join(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/**
 * Writes `bytes` through `stream` in chunks of `sizes` (cycled), each copied into one buffer that is reused once the
 * write resolves, as a producer recycling its buffer may: the stream must not keep a view of it.
 */
async function writeChunked(
  stream: TransformStream<Uint8Array, Uint8Array>,
  bytes: Uint8Array,
  sizes: number[],
): Promise<Uint8Array> {
  const output = collect(stream.readable);
  const writer = stream.writable.getWriter();
  const buffer = new Uint8Array(Math.max(...sizes));
  for (let o = 0, i = 0; o < bytes.length; i++) {
    const part = bytes.subarray(o, o + (sizes[i % sizes.length] as number));
    buffer.fill(0xa5).set(part);
    await writer.write(buffer.subarray(0, part.length));
    o += part.length;
  }
  buffer.fill(0x5a);
  await writer.close();
  return output;
}

describe.each(CRYPTO_PATHS)('streaming round trips via %s', (_name, override) => {
  it.each([0, 1, SEG - 1, SEG, SEG + 1, 2 * SEG, 3 * 1024 * 1024 + 5])('%i bytes', async (length) => {
    setRuntimeOverrideForTesting(override);
    const data = new Uint8Array(randomBytes(length));
    const ct = await encrypt(data);
    const segments = Math.max(1, Math.ceil(length / SEG));
    expect(ct.length).toBe(split(ct, SEG).header.length + length + 16 * segments);
    // Buffer.equals: vitest's deep equality walks typed arrays element by element, far too slowly for MiBs.
    expect(Buffer.from(await decrypt(ct)).equals(data)).toBe(true);
  });
});

describe('streaming', () => {
  it('round-trips any length and any chunking (small segments)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.integer({ min: 1, max: 1200 }),
        async (data, inChunk, outChunk) => {
          const ct = await encrypt(data, { segmentBytes: 256 }, inChunk);
          expect(await decrypt(ct, {}, outChunk)).toEqual(data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('round-trips one-byte chunks in both directions across several segments', async () => {
    const data = new Uint8Array(randomBytes(3 * 1024 + 100));
    const ct = await encrypt(data, { segmentBytes: 1024 }, 1);
    expect(ct.length).toBe(split(ct, 1024).header.length + data.length + 4 * 16);
    expect(Buffer.from(await decrypt(ct, {}, 1)).equals(data)).toBe(true);
  });

  it('round-trips any chunking, chunk sizes varying within a stream, from a producer reusing its buffer', async () => {
    const sizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 700 })), {
      minLength: 1,
      maxLength: 20,
    });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), sizes, sizes, async (data, inSizes, outSizes) => {
        const ct = await writeChunked(encryptStream(keyring, { context, segmentBytes: 256 }), data, inSizes);
        expect(await writeChunked(decryptStream(keyring, { context }), ct, outSizes)).toEqual(data);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a header asking for segments over maxSegmentBytes before buffering one', async () => {
    // A genuine header with its (not yet authenticated) segment size raised to the format's 16 MiB maximum.
    const { header } = split(await encrypt(new Uint8Array(10)), SEG);
    const patched = header.slice();
    new DataView(patched.buffer).setUint32(patched.length - 11, 16 * 1024 * 1024);
    const stream = decryptStream(keyring, { context });
    const output = collect(stream.readable);
    const writer = stream.writable.getWriter();
    const writes = [writer.write(patched), writer.write(new Uint8Array(SEG + 1))];
    await expectBulwarkError(() => Promise.all(writes), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => output, 'ENVELOPE_MALFORMED');
  });

  it('decrypts streams with larger segments once maxSegmentBytes allows them', async () => {
    const data = new Uint8Array(randomBytes(3 * SEG));
    const ct = await encrypt(data, { segmentBytes: 2 * SEG });
    await expectBulwarkError(() => decrypt(ct), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => decrypt(ct, { maxSegmentBytes: 2 * SEG - 1 }), 'ENVELOPE_MALFORMED');
    expect(Buffer.from(await decrypt(ct, { maxSegmentBytes: 2 * SEG })).equals(data)).toBe(true);
    const small = await encrypt(data, { segmentBytes: 256 });
    expect(Buffer.from(await decrypt(small, { maxSegmentBytes: 256 })).equals(data)).toBe(true);
  });

  it('detects dropped, reordered, duplicated, truncated and spliced segments', async () => {
    const data = new Uint8Array(randomBytes(256 * 4 + 100));
    const ct = await encrypt(data, { segmentBytes: 256 });
    const { header, segments } = split(ct, 256);
    expect(segments.length).toBe(5);
    const [s0, s1, s2, s3, s4] = segments as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const other = split(await encrypt(data, { segmentBytes: 256 }), 256);
    const attacks: [string, Uint8Array][] = [
      ['drop a middle segment', join([header, s0, s2, s3, s4])],
      ['drop the last segment', join([header, s0, s1, s2, s3])],
      ['drop the first segment', join([header, s1, s2, s3, s4])],
      ['swap two segments', join([header, s0, s2, s1, s3, s4])],
      ['duplicate a segment', join([header, s0, s1, s1, s2, s3, s4])],
      ['append a copy of the last segment', join([header, s0, s1, s2, s3, s4, s4])],
      ['splice a segment of another stream', join([header, s0, other.segments[1] as Uint8Array, s2, s3, s4])],
      ['another stream header', join([other.header, s0, s1, s2, s3, s4])],
      ['truncate inside the last segment', ct.subarray(0, ct.length - 1)],
      ['truncate inside the tag of the last segment', ct.subarray(0, ct.length - 17)],
      ['header only', header],
      ['half a header', header.subarray(0, 20)],
      ['nothing', new Uint8Array(0)],
      ['a one-shot envelope version byte', join([new Uint8Array([1]), ct.subarray(1)])],
      ['extra bytes after the end', join([ct, new Uint8Array(5)])],
    ];
    for (const [name, tampered] of attacks) {
      const result = await outcome(() => decrypt(tampered));
      expect(['ENVELOPE_DECRYPT_FAILED', 'ENVELOPE_MALFORMED'], name).toContain(result);
    }
    for (let cut = 0; cut < ct.length; cut += 37) {
      expect(['ENVELOPE_DECRYPT_FAILED', 'ENVELOPE_MALFORMED'], `cut ${cut}`).toContain(
        await outcome(() => decrypt(ct.subarray(0, cut))),
      );
    }
  });

  it('detects a flipped bit anywhere, a different context, a disabled or unknown key', async () => {
    const data = new Uint8Array(randomBytes(600));
    const ct = await encrypt(data, { segmentBytes: 256 });
    const idEnd = 2 + (ct[1] as number);
    for (let bit = 0; bit < ct.length * 8; bit += 7) {
      const tampered = ct.slice();
      tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
      const allowed = ['ENVELOPE_DECRYPT_FAILED', 'ENVELOPE_MALFORMED', ...(bit >> 3 < idEnd ? ['KEY_NOT_FOUND'] : [])];
      expect(allowed, `bit ${bit}`).toContain(await outcome(() => decrypt(tampered)));
    }
    await expectBulwarkError(() => decrypt(ct, { context: { file: 'other.pdf' } }), 'ENVELOPE_DECRYPT_FAILED');
    const disabled = createKeyring({
      keys: [
        { id: 'k2', key: keyBytes(2), status: 'primary' },
        { id: 'k1', key: keyBytes(1), status: 'disabled' },
      ],
    });
    await expectBulwarkError(
      () => collect(streamOf(ct).pipeThrough(decryptStream(disabled, { context }))),
      'KEY_DISABLED',
    );
    await expectBulwarkError(
      () => collect(streamOf(ct).pipeThrough(decryptStream(singleKeyring('zz'), { context }))),
      'KEY_NOT_FOUND',
    );
  });

  it('checks options and chunks', async () => {
    for (const segmentBytes of [0, 255, 16 * 1024 * 1024 + 1, 1.5]) {
      expectBulwarkErrorSync(() => encryptStream(keyring, { segmentBytes }), 'CONFIG_INVALID');
      expectBulwarkErrorSync(() => decryptStream(keyring, { maxSegmentBytes: segmentBytes }), 'CONFIG_INVALID');
    }
    const notANumber = { maxSegmentBytes: '65536' } as unknown as { maxSegmentBytes: number };
    expectBulwarkErrorSync(() => decryptStream(keyring, notANumber), 'CONFIG_INVALID');
    const bad = new ReadableStream({
      start(c) {
        c.enqueue('text');
        c.close();
      },
    });
    await expectBulwarkError(() => collect(bad.pipeThrough(encryptStream(keyring))), 'INPUT_INVALID');
  });

  it('the segment cipher takes its data key (the argument is wiped) and refuses to work once disposed', async () => {
    const dataKey = new Uint8Array(randomBytes(32));
    const copy = dataKey.slice();
    const prefix = new Uint8Array(7);
    const cipher = segmentCipher(dataKey, prefix, new Uint8Array(0));
    expect(dataKey.every((b) => b === 0)).toBe(true);
    const sealed = await cipher.seal(new Uint8Array([1, 2, 3]), true);
    // The key it used is the one it was given, not the wiped argument.
    const check = segmentCipher(copy, prefix, new Uint8Array(0));
    expect(await check.open(sealed, true)).toEqual(new Uint8Array([1, 2, 3]));
    cipher.dispose();
    await expectBulwarkError(() => cipher.seal(new Uint8Array(1), true), 'INPUT_INVALID');
    await expectBulwarkError(() => cipher.open(sealed, true), 'INPUT_INVALID');
  });

  it('zeroes its data key when a stream ends, fails or is cancelled, and a new stream still works', async () => {
    const keys: Uint8Array[] = [];
    observeStreamKeysForTesting((key) => keys.push(key));
    const zeroed = () => keys.map((k) => k.every((b) => b === 0));
    try {
      const data = new Uint8Array(randomBytes(3000));
      // Ended: both directions wipe after their last segment.
      const ct = await encrypt(data, { segmentBytes: 256 });
      expect(await decrypt(ct)).toEqual(data);
      expect(zeroed()).toEqual([true, true]);
      // Failed: a tampered segment errors with its own code and wipes the key it was opened with.
      keys.length = 0;
      const tampered = ct.slice();
      tampered[tampered.length - 300]! ^= 1;
      await expectBulwarkError(() => decrypt(tampered), 'ENVELOPE_DECRYPT_FAILED');
      expect(zeroed()).toEqual([true]);
      // Cancelled half-way by the reader: no error escapes, and the key is wiped.
      keys.length = 0;
      const reader = streamOf(data, 100)
        .pipeThrough(encryptStream(keyring, { context, segmentBytes: 256 }))
        .getReader();
      await reader.read();
      await reader.read();
      expect(zeroed()).toEqual([false]);
      await reader.cancel();
      expect(zeroed()).toEqual([true]);
      expect(await decrypt(await encrypt(data))).toEqual(data);
    } finally {
      observeStreamKeysForTesting(undefined);
    }
  });

  /**
   * Writes `fills.length` chunks through `stream`, all from one reused buffer (as a producer recycling its buffer
   * once write() resolves): before each write, `fill(buffer, i)` overwrites it.
   */
  async function writeReused(
    stream: TransformStream<Uint8Array, Uint8Array>,
    size: number,
    count: number,
    fill: (buffer: Uint8Array, i: number) => Uint8Array,
  ): Promise<Uint8Array> {
    const output = collect(stream.readable);
    const writer = stream.writable.getWriter();
    const buffer = new Uint8Array(size);
    for (let i = 0; i < count; i++) await writer.write(fill(buffer, i));
    await writer.close();
    return output;
  }

  it.each(CRYPTO_PATHS)('encryptStream owns what it holds back: a producer may reuse its buffer (%s)', async (_, o) => {
    setRuntimeOverrideForTesting(o);
    const ct = await writeReused(encryptStream(keyring, { context, segmentBytes: 256 }), 100, 3, (b, i) =>
      b.fill(i + 1),
    );
    const expected = new Uint8Array(300).map((_, j) => Math.floor(j / 100) + 1);
    expect(await decrypt(ct)).toEqual(expected);
  });

  it.each(CRYPTO_PATHS)('decryptStream owns what it holds back: a producer may reuse its buffer (%s)', async (_, o) => {
    setRuntimeOverrideForTesting(o);
    const data = new Uint8Array(300).map((_, j) => Math.floor(j / 100) + 1);
    const ct = await encrypt(data, { segmentBytes: 256 });
    const plain = await writeReused(decryptStream(keyring, { context }), 100, Math.ceil(ct.length / 100), (b, i) => {
      const part = ct.subarray(i * 100, i * 100 + 100);
      b.set(part);
      return b.subarray(0, part.length);
    });
    expect(plain).toEqual(data);
  });

  it('takes Node Buffer views as chunks (their slice is a view): input untouched, header read at its own offset', async () => {
    // Buffers carved from one larger pool, as fs streams deliver them: slice() on them shares memory.
    const pool = Buffer.alloc(4096, 0xee);
    const data = Buffer.from(new Uint8Array(1000).map((_, j) => j & 0xff));
    data.copy(pool, 100);
    const source = pool.subarray(100, 1100);
    const kept = Buffer.from(source);
    const feed = (bytes: Buffer, size: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.subarray(i, i + size));
          controller.close();
        },
      });
    const ct = await collect(feed(source, 300).pipeThrough(encryptStream(keyring, { context, segmentBytes: 256 })));
    expect(Buffer.from(source).equals(kept)).toBe(true);
    const ctPool = Buffer.alloc(ct.length + 50, 0xdd);
    ctPool.set(ct, 50);
    const plain = await collect(feed(ctPool.subarray(50), 97).pipeThrough(decryptStream(keyring, { context })));
    expect(Buffer.from(plain).equals(kept)).toBe(true);
  });
});

describe('streaming through a KeyProvider (a KMS round trip)', () => {
  const kek = keyBytes(9);
  /**
   * A stand-in KMS whose calls wait until the test calls `release()`, so the test can cancel while one is pending
   * (no timers: `entered` resolves once a call is waiting). Wrapping is a XOR with a fixed key: opaque enough here.
   */
  function slowKms() {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let enter!: () => void;
    const entered = new Promise<void>((resolve) => {
      enter = resolve;
    });
    const given: Uint8Array[] = [];
    const unwrapped: Uint8Array[] = [];
    const xor = (bytes: Uint8Array) => bytes.map((b, i) => b ^ (kek[i] as number));
    const provider: KeyProvider = {
      async wrapKey(_id, dataKey) {
        given.push(dataKey);
        enter();
        await released;
        return xor(dataKey);
      },
      async unwrapKey(_id, wrapped) {
        enter();
        await released;
        const dataKey = xor(wrapped);
        unwrapped.push(dataKey);
        return dataKey;
      },
    };
    const ring = createKeyring({ keys: [{ id: 'kms', status: 'primary' }], provider });
    return { ring, given, unwrapped, entered, release };
  }
  const zero = (bytes: Uint8Array) => bytes.every((b) => b === 0);
  /** Lets every pending promise continuation run (a macrotask runs only once the microtask queue is empty). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const keys: Uint8Array[] = [];
  beforeEach(() => observeStreamKeysForTesting((key) => keys.push(key)));
  afterEach(() => {
    observeStreamKeysForTesting(undefined);
    keys.length = 0;
  });

  async function sealed(data: Uint8Array): Promise<Uint8Array> {
    const kms = slowKms();
    kms.release();
    return collect(streamOf(data).pipeThrough(encryptStream(kms.ring, { context })));
  }

  it('zeroes the data key and its copy when a stream completes', async () => {
    const data = new Uint8Array(randomBytes(3000));
    const kms = slowKms();
    kms.release();
    const ct = await collect(streamOf(data).pipeThrough(encryptStream(kms.ring, { context, segmentBytes: 256 })));
    expect(await collect(streamOf(ct, 100).pipeThrough(decryptStream(kms.ring, { context })))).toEqual(data);
    expect(kms.given.map(zero)).toEqual([true]);
    // The provider's unwrapped array stays the provider's (it may cache it); bulwark zeroed its own copies.
    expect(kms.unwrapped.map(zero)).toEqual([false]);
    expect(keys.map(zero)).toEqual([true, true]);
  });

  it('zeroes the data key when encryption is cancelled while the wrap is pending', async () => {
    const kms = slowKms();
    const reader = encryptStream(kms.ring, { context }).readable.getReader();
    await kms.entered;
    await reader.cancel();
    kms.release();
    await settle();
    expect(kms.given.map(zero)).toEqual([true]);
    expect(keys.filter((key) => !zero(key)).length).toBe(0);
  });

  it('zeroes the data key when decryption is cancelled while the unwrap is pending', async () => {
    const ct = await sealed(new Uint8Array(randomBytes(1000)));
    const kms = slowKms();
    const stream = decryptStream(kms.ring, { context });
    const reader = stream.readable.getReader();
    // A pending read lifts the backpressure that would otherwise hold the write back from the transform.
    const read = reader.read();
    const written = stream.writable.getWriter().write(ct);
    await kms.entered;
    await reader.cancel();
    kms.release();
    await Promise.allSettled([read, written]);
    await settle();
    expect(kms.unwrapped.map(zero)).toEqual([false]);
    expect(keys.filter((key) => !zero(key)).length).toBe(0);
  });
});
