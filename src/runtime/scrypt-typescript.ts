/**
 * scrypt (RFC 7914) in TypeScript, for runtimes without node:crypto (browsers). Salsa20/8 works on 32-bit words
 * in place; V is one Uint32Array of 32·r·N words. It yields to the event loop every few milliseconds so a page
 * stays responsive while a hash is computed.
 */

type Pbkdf2 = (password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number) => Promise<Uint8Array>;

const YIELD_EVERY_MS = 8;

/**
 * Lets other tasks run. `scheduler.yield()` (Chromium) resumes without delay; nested `setTimeout(0)` is clamped to
 * 4 ms in browsers, which would waste a third of each 8 ms slice.
 */
function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Salsa20/8 core over B (16 words at offset `bo`), in place. */
function salsa208(B: Uint32Array, bo: number, x: Uint32Array): void {
  for (let i = 0; i < 16; i++) x[i] = B[bo + i] as number;
  let x0 = x[0] as number,
    x1 = x[1] as number,
    x2 = x[2] as number,
    x3 = x[3] as number;
  let x4 = x[4] as number,
    x5 = x[5] as number,
    x6 = x[6] as number,
    x7 = x[7] as number;
  let x8 = x[8] as number,
    x9 = x[9] as number,
    x10 = x[10] as number,
    x11 = x[11] as number;
  let x12 = x[12] as number,
    x13 = x[13] as number,
    x14 = x[14] as number,
    x15 = x[15] as number;
  let u: number;
  for (let i = 0; i < 8; i += 2) {
    u = (x0 + x12) | 0;
    x4 ^= (u << 7) | (u >>> 25);
    u = (x4 + x0) | 0;
    x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x4) | 0;
    x12 ^= (u << 13) | (u >>> 19);
    u = (x12 + x8) | 0;
    x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x1) | 0;
    x9 ^= (u << 7) | (u >>> 25);
    u = (x9 + x5) | 0;
    x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x9) | 0;
    x1 ^= (u << 13) | (u >>> 19);
    u = (x1 + x13) | 0;
    x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x6) | 0;
    x14 ^= (u << 7) | (u >>> 25);
    u = (x14 + x10) | 0;
    x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x14) | 0;
    x6 ^= (u << 13) | (u >>> 19);
    u = (x6 + x2) | 0;
    x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x11) | 0;
    x3 ^= (u << 7) | (u >>> 25);
    u = (x3 + x15) | 0;
    x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x3) | 0;
    x11 ^= (u << 13) | (u >>> 19);
    u = (x11 + x7) | 0;
    x15 ^= (u << 18) | (u >>> 14);
    u = (x0 + x3) | 0;
    x1 ^= (u << 7) | (u >>> 25);
    u = (x1 + x0) | 0;
    x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x1) | 0;
    x3 ^= (u << 13) | (u >>> 19);
    u = (x3 + x2) | 0;
    x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x4) | 0;
    x6 ^= (u << 7) | (u >>> 25);
    u = (x6 + x5) | 0;
    x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x6) | 0;
    x4 ^= (u << 13) | (u >>> 19);
    u = (x4 + x7) | 0;
    x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x9) | 0;
    x11 ^= (u << 7) | (u >>> 25);
    u = (x11 + x10) | 0;
    x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x11) | 0;
    x9 ^= (u << 13) | (u >>> 19);
    u = (x9 + x8) | 0;
    x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x14) | 0;
    x12 ^= (u << 7) | (u >>> 25);
    u = (x12 + x15) | 0;
    x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x12) | 0;
    x14 ^= (u << 13) | (u >>> 19);
    u = (x14 + x13) | 0;
    x15 ^= (u << 18) | (u >>> 14);
  }
  B[bo] = ((x[0] as number) + x0) | 0;
  B[bo + 1] = ((x[1] as number) + x1) | 0;
  B[bo + 2] = ((x[2] as number) + x2) | 0;
  B[bo + 3] = ((x[3] as number) + x3) | 0;
  B[bo + 4] = ((x[4] as number) + x4) | 0;
  B[bo + 5] = ((x[5] as number) + x5) | 0;
  B[bo + 6] = ((x[6] as number) + x6) | 0;
  B[bo + 7] = ((x[7] as number) + x7) | 0;
  B[bo + 8] = ((x[8] as number) + x8) | 0;
  B[bo + 9] = ((x[9] as number) + x9) | 0;
  B[bo + 10] = ((x[10] as number) + x10) | 0;
  B[bo + 11] = ((x[11] as number) + x11) | 0;
  B[bo + 12] = ((x[12] as number) + x12) | 0;
  B[bo + 13] = ((x[13] as number) + x13) | 0;
  B[bo + 14] = ((x[14] as number) + x14) | 0;
  B[bo + 15] = ((x[15] as number) + x15) | 0;
}

/** BlockMix_{Salsa20/8, r}: reads `input` (32r words at `io`), writes `output` (32r words at `oo`). */
export function blockMix(
  input: Uint32Array,
  io: number,
  output: Uint32Array,
  oo: number,
  r: number,
  X: Uint32Array,
  tmp: Uint32Array,
): void {
  // X = B[2r-1]
  for (let i = 0; i < 16; i++) X[i] = input[io + (2 * r - 1) * 16 + i] as number;
  for (let i = 0; i < 2 * r; i++) {
    for (let j = 0; j < 16; j++) X[j] = (X[j] as number) ^ (input[io + i * 16 + j] as number);
    salsa208(X, 0, tmp);
    // Even blocks go to the first half of the output, odd blocks to the second half.
    const dest = oo + ((i & 1) * r + (i >> 1)) * 16;
    for (let j = 0; j < 16; j++) output[dest + j] = X[j] as number;
  }
}

/** Salsa20/8 of one 64-byte block (RFC 7914 §8), exported for the vector tests. */
export function salsa208Bytes(block: Uint8Array): Uint8Array {
  const B = new Uint32Array(16);
  readWords(block, 0, B, 0, 16);
  salsa208(B, 0, new Uint32Array(16));
  const out = new Uint8Array(64);
  writeWords(B, 0, out, 0, 16);
  return out;
}

function readWords(bytes: Uint8Array, bo: number, words: Uint32Array, wo: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const b = bo + i * 4;
    words[wo + i] =
      ((bytes[b] as number) |
        ((bytes[b + 1] as number) << 8) |
        ((bytes[b + 2] as number) << 16) |
        ((bytes[b + 3] as number) << 24)) >>>
      0;
  }
}

function writeWords(words: Uint32Array, wo: number, bytes: Uint8Array, bo: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const w = words[wo + i] as number;
    const b = bo + i * 4;
    bytes[b] = w & 255;
    bytes[b + 1] = (w >>> 8) & 255;
    bytes[b + 2] = (w >>> 16) & 255;
    bytes[b + 3] = (w >>> 24) & 255;
  }
}

/** ROMix (RFC 7914 §5) on B in place, 32r words at `bo`; V holds 32·r·N words. Exported for the vector tests. */
export async function roMix(B: Uint32Array, bo: number, r: number, N: number, V: Uint32Array): Promise<void> {
  const words = 32 * r;
  const X = new Uint32Array(words);
  const Y = new Uint32Array(words);
  const T = new Uint32Array(16);
  const tmp = new Uint32Array(16);
  for (let i = 0; i < words; i++) X[i] = B[bo + i] as number;
  let last = Date.now();
  for (let i = 0; i < N; i++) {
    V.set(X, i * words);
    blockMix(X, 0, Y, 0, r, T, tmp);
    X.set(Y);
    if ((i & 255) === 255 && Date.now() - last >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      last = Date.now();
    }
  }
  for (let i = 0; i < N; i++) {
    // Integerify: the first word of the last 64-byte block, mod N (N ≤ 2^32 so the low word suffices).
    const j = (X[(2 * r - 1) * 16] as number) & (N - 1);
    const vo = j * words;
    for (let k = 0; k < words; k++) X[k] = (X[k] as number) ^ (V[vo + k] as number);
    blockMix(X, 0, Y, 0, r, T, tmp);
    X.set(Y);
    if ((i & 255) === 255 && Date.now() - last >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      last = Date.now();
    }
  }
  for (let i = 0; i < words; i++) B[bo + i] = X[i] as number;
}

/** scrypt (RFC 7914 §6) with a caller-supplied PBKDF2-HMAC-SHA256. Parameters are checked by the caller. */
export async function scryptTypescript(
  password: Uint8Array,
  salt: Uint8Array,
  params: { N: number; r: number; p: number; dkLen: number },
  pbkdf2: Pbkdf2,
): Promise<Uint8Array> {
  const { N, r, p, dkLen } = params;
  const blockBytes = 128 * r;
  const Bbytes = await pbkdf2(password, salt, 1, p * blockBytes);
  const B = new Uint32Array(p * 32 * r);
  readWords(Bbytes, 0, B, 0, B.length);
  const V = new Uint32Array(32 * r * N);
  for (let i = 0; i < p; i++) await roMix(B, i * 32 * r, r, N, V);
  writeWords(B, 0, Bbytes, 0, B.length);
  V.fill(0);
  return pbkdf2(password, Bbytes, 1, dkLen);
}
