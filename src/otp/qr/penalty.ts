/**
 * The mask penalty score of ISO/IEC 18004:2015 §7.8.3.1, on rows and columns packed 32 modules to a word: 2×2
 * blocks and the dark count become word operations and population counts, and runs are found by jumping from one
 * colour change to the next instead of visiting every module. It runs eight times per symbol, so it is most of
 * the encoder's time.
 */
import { QR_MAX_VERSION, qrSize } from './tables.js';

/** Penalty weights N1–N4. */
const PENALTY_RUN = 3;
const PENALTY_BLOCK = 3;
const PENALTY_FINDER_LIKE = 40;
const PENALTY_BALANCE = 10;

const MAX_SIZE = qrSize(QR_MAX_VERSION);
/** Words per packed line of the largest symbol. */
export const QR_MAX_LINE_WORDS = Math.ceil(MAX_SIZE / 32);
/** Run lengths of the line being scored: at most one run per module plus the two quiet-zone runs. */
const runs = new Int32Array(MAX_SIZE + 2);

/**
 * The penalty score of a complete symbol (format information drawn):
 * N1, 3 + (n − 5) for each run of n ≥ 5 same-coloured modules in a row or column;
 * N2, 3 for each 2×2 block of one colour (overlapping blocks counted);
 * N3, 40 for each 1:1:3:1:1 dark-light-dark-light-dark pattern (at any scale n) with 4n light modules on one
 * side and n on the other, once per qualifying side, the area beyond the symbol edge counting as light (it is
 * the quiet zone);
 * N4, 10 for each full 5 % step the dark share lies away from 50 %.
 */
export function penaltyScore(modules: Uint8Array, size: number): number {
  const words = (size + 31) >>> 5;
  const rowBits = new Int32Array(size * words);
  const columnBits = new Int32Array(size * words);
  packLines(modules, size, rowBits, columnBits);
  return packedPenaltyScore(rowBits, columnBits, size);
}

/**
 * Packs a row-major module grid into row lines and column lines of `(size + 31) >> 5` words each: module c of a
 * line is bit c % 32 of word c / 32. The outputs must be zero-filled.
 */
export function packLines(modules: Uint8Array, size: number, rowBits: Int32Array, columnBits: Int32Array): void {
  const words = (size + 31) >>> 5;
  for (let row = 0, index = 0; row < size; row++) {
    const rowBase = row * words;
    const columnWord = row >>> 5;
    const columnBit = 1 << (row & 31);
    for (let column = 0; column < size; column++, index++) {
      if (modules[index] === 1) {
        rowBits[rowBase + (column >>> 5)]! |= 1 << (column & 31);
        columnBits[column * words + columnWord]! |= columnBit;
      }
    }
  }
}

/** {@link penaltyScore} of a symbol already packed by {@link packLines}. */
export function packedPenaltyScore(rowBits: Int32Array, columnBits: Int32Array, size: number): number {
  const words = (size + 31) >>> 5;
  // Bits of the last word at positions 0…size−2: where "this module and the next" both exist.
  const pairBits = size - 1 - ((words - 1) << 5);
  const lastPairMask = pairBits <= 0 ? 0 : pairBits >= 32 ? -1 : (1 << pairBits) - 1;

  let score = 0;
  let dark = 0;
  for (let line = 0; line < size; line++) {
    score += linePenalty(rowBits, line * words, words, size, lastPairMask);
    score += linePenalty(columnBits, line * words, words, size, lastPairMask);
    for (let w = 0; w < words; w++) dark += bitCount(rowBits[line * words + w]!);
  }
  for (let row = 0; row + 1 < size; row++) {
    const top = row * words;
    for (let w = 0; w < words; w++) {
      const a = rowBits[top + w]!;
      const same = ~(a ^ rowBits[top + words + w]!);
      const last = w + 1 === words;
      const nextA = last ? 0 : rowBits[top + w + 1]!;
      const nextSame = last ? -1 : ~(nextA ^ rowBits[top + words + w + 1]!);
      // Module c equals the one below, c + 1 equals the one below it, and c equals c + 1.
      const blocks = same & ((same >>> 1) | (nextSame << 31)) & ~(a ^ ((a >>> 1) | (nextA << 31)));
      score += PENALTY_BLOCK * bitCount(last ? blocks & lastPairMask : blocks);
    }
  }
  const total = size * size;
  // Deviation from 50 % in 5 % units is |dark/total − 1/2| · 20; an odd total never hits exactly 50 %.
  const steps = Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1;
  return score + steps * PENALTY_BALANCE;
}

/**
 * N1 and N3 along one packed line. The line is cut into runs of one colour, alternating light and dark, starting
 * and ending with a light run that includes the quiet zone beyond the edge (counted as `size` modules, more than
 * any pattern needs). A finder-like pattern is seven runs ending in a light one.
 */
function linePenalty(bits: Int32Array, offset: number, words: number, size: number, lastPairMask: number): number {
  let count = 0;
  let pending = size;
  if ((bits[offset]! & 1) === 1) {
    runs[count++] = size;
    pending = 0;
  }
  let previous = -1;
  for (let w = 0; w < words; w++) {
    const word = bits[offset + w]!;
    const last = w + 1 === words;
    const next = last ? 0 : bits[offset + w + 1]!;
    // Bit c set where module c and module c + 1 differ: a run ends at c.
    let changes = word ^ ((word >>> 1) | (next << 31));
    if (last) changes &= lastPairMask;
    while (changes !== 0) {
      const lowest = changes & -changes;
      const position = (w << 5) + 31 - Math.clz32(lowest);
      runs[count++] = position - previous + pending;
      pending = 0;
      previous = position;
      changes ^= lowest;
    }
  }
  const final = size - 1 - previous + pending;
  if (((bits[offset + ((size - 1) >>> 5)]! >>> ((size - 1) & 31)) & 1) === 1) {
    runs[count++] = final;
    runs[count++] = size;
  } else {
    runs[count++] = final + size;
  }

  let score = 0;
  for (let i = 0; i < count; i++) {
    const length = runs[i]! - (i === 0 ? size : 0) - (i === count - 1 ? size : 0);
    if (length >= 5) score += PENALTY_RUN + length - 5;
  }
  for (let i = 6; i < count; i += 2) {
    score +=
      finderLikeCount(runs[i]!, runs[i - 1]!, runs[i - 2]!, runs[i - 3]!, runs[i - 4]!, runs[i - 5]!, runs[i - 6]!) *
      PENALTY_FINDER_LIKE;
  }
  return score;
}

/** Counts 1:1:3:1:1 patterns in runs (newest first: light, dark, light, dark×3, light, dark, light). */
function finderLikeCount(h0: number, h1: number, h2: number, h3: number, h4: number, h5: number, h6: number): number {
  const n = h1;
  if (n === 0 || h2 !== n || h3 !== n * 3 || h4 !== n || h5 !== n) return 0;
  return (h0 >= n * 4 && h6 >= n ? 1 : 0) + (h6 >= n * 4 && h0 >= n ? 1 : 0);
}

/** Population count of a 32-bit word. */
function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
