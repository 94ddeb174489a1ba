/**
 * The shared shape of our plain-TypeScript SHA-1/256/512 and the HMAC (RFC 2104) built on it. It exists because a
 * one-time password costs a few compressions, while a platform HMAC call costs microseconds of fixed overhead
 * and, in browsers, a Promise. Everything here is synchronous and free of data-dependent branches and indexes;
 * lengths (public) are the only thing that steers control flow.
 */

/** One hash function described as data: sizes in 32-bit words, its initial state and its compression. */
export interface HashCore {
  /** Words per block: 16 (64 bytes) or 32 (128 bytes). */
  readonly blockWords: number;
  /** Words of state, which is also the digest (no truncated variants here). */
  readonly digestWords: number;
  /** Words of the length field that ends the padding: 2 (64-bit) or 4 (128-bit). */
  readonly lengthWords: number;
  /** Words of message schedule `compress` needs in `w`. */
  readonly scheduleWords: number;
  readonly initialState: Int32Array;
  /** Compresses the block loaded big-endian in `w[0..blockWords)` into `state`; overwrites the rest of `w`. */
  readonly compress: (state: Int32Array, w: Int32Array) => void;
}

/** A key made ready for HMAC: the states after the ipad and opad blocks, so each message costs no key work. */
export interface HmacKey {
  readonly core: HashCore;
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

const TWO_32 = 4294967296;
// Scratch shared by every computation: everything here is synchronous, so no two computations interleave, and
// reusing it saves typed-array allocations that would otherwise cost as much as a compression per verification.
// Large enough for SHA-512 (160 schedule words, 32 block words); each public function wipes what it used.
const SCHEDULE = new Int32Array(160);
const KEY_BLOCK = new Int32Array(32);

/** Loads `length` bytes of `bytes` from `offset` into `w[0..blockWords)` big-endian, zero-filling the rest. */
function loadBlock(w: Int32Array, blockWords: number, bytes: Uint8Array, offset: number, length: number): void {
  w.fill(0, 0, blockWords);
  for (let i = 0; i < length; i++) w[i >> 2]! |= bytes[offset + i]! << (24 - 8 * (i & 3));
}

/**
 * Hashes `message` into `state`, which already absorbed `prefixBytes` (a whole number of blocks), then pads.
 * `state` then holds the digest.
 */
function absorbAndPad(
  core: HashCore,
  state: Int32Array,
  w: Int32Array,
  message: Uint8Array,
  prefixBytes: number,
): void {
  const blockBytes = core.blockWords * 4;
  let offset = 0;
  for (; offset + blockBytes <= message.length; offset += blockBytes) {
    loadBlock(w, core.blockWords, message, offset, blockBytes);
    core.compress(state, w);
  }
  const rest = message.length - offset;
  loadBlock(w, core.blockWords, message, offset, rest);
  w[rest >> 2]! |= 0x80 << (24 - 8 * (rest & 3));
  if (rest + 1 > blockBytes - core.lengthWords * 4) {
    core.compress(state, w);
    w.fill(0, 0, core.blockWords);
  }
  const bits = (prefixBytes + message.length) * 8;
  w[core.blockWords - 2] = (bits / TWO_32) | 0;
  w[core.blockWords - 1] = bits | 0;
  core.compress(state, w);
}

/** Writes the first `length` bytes of `words` big-endian into a new array. */
function wordsToBytes(words: Int32Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = words[i >> 2]! >>> (24 - 8 * (i & 3));
  return out;
}

/** The digest of `message` (one-shot). */
export function hashBytes(core: HashCore, message: Uint8Array): Uint8Array {
  const state = core.initialState.slice();
  absorbAndPad(core, state, SCHEDULE, message, 0);
  SCHEDULE.fill(0);
  return wordsToBytes(state, core.digestWords * 4);
}

/** Prepares `key` for HMAC: longer keys are hashed first (RFC 2104 §2), then both pads are compressed once. */
export function createHmacKey(core: HashCore, key: Uint8Array): HmacKey {
  const blockBytes = core.blockWords * 4;
  const material = key.length > blockBytes ? hashBytes(core, key) : key;
  const w = SCHEDULE;
  const padded = KEY_BLOCK;
  const inner = core.initialState.slice();
  const outer = core.initialState.slice();
  loadBlock(padded, core.blockWords, material, 0, material.length);
  for (let i = 0; i < core.blockWords; i++) w[i] = padded[i]! ^ 0x36363636;
  core.compress(inner, w);
  for (let i = 0; i < core.blockWords; i++) w[i] = padded[i]! ^ 0x5c5c5c5c;
  core.compress(outer, w);
  padded.fill(0);
  w.fill(0);
  return { core, inner, outer };
}

/** HMAC of any message under a prepared key (the general path; Wycheproof-tested). */
export function hmacBytes(key: HmacKey, message: Uint8Array): Uint8Array {
  const { core } = key;
  const w = SCHEDULE;
  const blockBytes = core.blockWords * 4;
  const state = key.inner.slice();
  absorbAndPad(core, state, w, message, blockBytes);
  const innerDigest = wordsToBytes(state, core.digestWords * 4);
  state.set(key.outer);
  absorbAndPad(core, state, w, innerDigest, blockBytes);
  w.fill(0);
  return wordsToBytes(state, core.digestWords * 4);
}

/**
 * HMAC of the 8-byte big-endian counter `high·2³² + low` (the HOTP message, RFC 4226 §5.2) into `out` (digest
 * words): the padded inner and outer blocks are written straight as words, one compression each. The result
 * equals {@link hmacBytes} on those 8 bytes (a property test holds them together).
 */
export function hmacCounter(key: HmacKey, high: number, low: number, out: Int32Array): void {
  const { core } = key;
  const w = SCHEDULE;
  const last = core.blockWords - 1;
  const blockBits = core.blockWords * 32;
  w.fill(0, 0, core.blockWords);
  w[0] = high;
  w[1] = low;
  w[2] = 0x80000000;
  w[last] = blockBits + 64;
  out.set(key.inner);
  core.compress(out, w);
  w.fill(0, 0, core.blockWords);
  for (let i = 0; i < core.digestWords; i++) w[i] = out[i]!;
  w[core.digestWords] = 0x80000000;
  w[last] = blockBits + core.digestWords * 32;
  out.set(key.outer);
  core.compress(out, w);
}

/** Zeroes a prepared key's states and the shared scratch once they are no longer needed (best effort). */
export function wipeHmacKey(key: HmacKey): void {
  key.inner.fill(0);
  key.outer.fill(0);
  SCHEDULE.fill(0);
}
