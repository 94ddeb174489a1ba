/**
 * SHA-1 compression (FIPS 180-4 §6.1) in plain TypeScript, for HMAC-SHA1 in HOTP/TOTP only: RFC 4226 fixes the
 * hash, and HMAC-SHA1 stays sound although SHA-1 collisions are practical. No branch or index depends on data.
 */
import type { HashCore } from './sha-core.js';

/**
 * Compresses one block, already loaded as 16 big-endian words in `w[0..16)`, into `state` (5 words). One loop with
 * the schedule computed in it measured faster in V8 than four loops after a separate schedule pass; its branches
 * depend on the round number only.
 */
function compressSha1(state: Int32Array, w: Int32Array): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  for (let i = 0; i < 80; i++) {
    if (i >= 16) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let f: number;
    let k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = -0x70e44324; // 0x8f1bbcdc as a signed 32-bit integer
    } else {
      f = b ^ c ^ d;
      k = -0x359d3e2a; // 0xca62c1d6
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + w[i]! + k) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

/** SHA-1 described once: sizes, initial state and compression. */
export const SHA1_CORE: HashCore = Object.freeze({
  blockWords: 16,
  digestWords: 5,
  lengthWords: 2,
  scheduleWords: 80,
  initialState: Int32Array.from([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]),
  compress: compressSha1,
});
