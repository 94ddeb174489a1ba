/**
 * Data masking (ISO/IEC 18004:2015 §7.8): the eight mask patterns, format information, and the penalty score
 * that picks the mask leaving the fewest features a reader could mistake for a finder pattern or lose contrast on.
 */
import { QR_MAX_VERSION, qrSize } from './tables.js';
import type { QrTemplate } from './template.js';

/** Mask conditions of Table 10 (row i, column j): a module is inverted where the condition holds. */
const MASK_CONDITIONS: readonly ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

/** Every mask repeats with period 12 in both directions, so one 12×12 tile per mask describes it everywhere. */
const TILE = 12;
const MASK_TILES: readonly Uint8Array[] = MASK_CONDITIONS.map((condition) => {
  const tile = new Uint8Array(TILE * TILE);
  for (let i = 0; i < TILE; i++) for (let j = 0; j < TILE; j++) tile[i * TILE + j] = condition(i, j) ? 1 : 0;
  return tile;
});

/** Penalty weights N1–N4 of §7.8.3.1. */
const PENALTY_RUN = 3;
const PENALTY_BLOCK = 3;
const PENALTY_FINDER_LIKE = 40;
const PENALTY_BALANCE = 10;

/**
 * Format information (§7.9): 2-bit level indicator and 3-bit mask, a (15, 5) BCH code with generator 0x537, then
 * XOR 0x5412 so that no valid format word is all zeros.
 */
export function formatInformationBits(levelIndicator: number, mask: number): number {
  const data = (levelIndicator << 3) | mask;
  let remainder = data;
  for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | (remainder & 0x3ff)) ^ 0x5412;
}

/** Writes `template`'s modules with `mask` applied to every non-reserved module into `out`. */
export function applyMask(template: QrTemplate, unmasked: Uint8Array, mask: number, out: Uint8Array): void {
  const { size, reserved } = template;
  const tile = MASK_TILES[mask]!;
  for (let row = 0, index = 0; row < size; row++) {
    const tileRow = (row % TILE) * TILE;
    for (let column = 0, tileColumn = 0; column < size; column++, index++) {
      out[index] = unmasked[index]! ^ (tile[tileRow + tileColumn]! & (reserved[index]! ^ 1));
      if (++tileColumn === TILE) tileColumn = 0;
    }
  }
}

/** Draws both copies of the 15 format bits (bit 14 first along each copy's reading path). */
export function drawFormatInformation(modules: Uint8Array, size: number, bits: number): void {
  for (let i = 0; i < 15; i++) {
    const bit = (bits >>> i) & 1;
    // Copy around the upper-left finder: down column 8 (skipping the timing row), then left along row 8.
    const a = i < 6 ? i * size + 8 : i < 8 ? (i + 1) * size + 8 : i === 8 ? 8 * size + 7 : 8 * size + (14 - i);
    // Copy split between the upper-right finder (row 8) and the lower-left finder (column 8).
    const b = i < 8 ? 8 * size + (size - 1 - i) : (size - 15 + i) * size + 8;
    modules[a] = bit;
    modules[b] = bit;
  }
}

/**
 * The penalty score of §7.8.3.1 for a complete symbol (format information included):
 * N1, 3 + (n − 5) for each run of n ≥ 5 same-coloured modules in a row or column;
 * N2, 3 for each 2×2 block of one colour (overlapping blocks counted);
 * N3, 40 for each 1:1:3:1:1 dark-light-dark-light-dark pattern with 4 light units on one side, counted once per
 * light side, the area beyond the symbol edge counting as light (it is the quiet zone);
 * N4, 10 for each full 5 % step the dark share deviates from 50 %.
 */
export function penaltyScore(modules: Uint8Array, size: number): number {
  let score = 0;
  for (let i = 0; i < size; i++) {
    score += linePenalty(modules, size, i * size, 1);
    score += linePenalty(modules, size, i, size);
  }
  let dark = 0;
  for (let row = 0; row < size; row++) {
    let index = row * size;
    const end = index + size;
    for (; index < end; index++) dark += modules[index]!;
  }
  for (let row = 0; row + 1 < size; row++) {
    const top = row * size;
    const bottom = top + size;
    for (let column = 0; column + 1 < size; column++) {
      const sum =
        modules[top + column]! + modules[top + column + 1]! + modules[bottom + column]! + modules[bottom + column + 1]!;
      if (sum === 0 || sum === 4) score += PENALTY_BLOCK;
    }
  }
  const total = size * size;
  // Deviation from 50 % in 5 % units is |dark/total − 1/2| · 20; an odd total never hits exactly 50 %.
  const steps = Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1;
  return score + steps * PENALTY_BALANCE;
}

/** Run lengths of the line being scored: at most one run per module plus the two quiet-zone runs. */
const runs = new Int32Array(qrSize(QR_MAX_VERSION) + 2);

/**
 * N1 and N3 along one row or column. The line is cut into runs of one colour, alternating light and dark and
 * starting and ending with a light run that includes the quiet zone beyond the edge (counted as `size` modules,
 * more than any pattern needs). A finder-like pattern is seven runs ending in a light one.
 */
function linePenalty(modules: Uint8Array, size: number, start: number, stride: number): number {
  let count = 0;
  let color = 0;
  let run = size;
  for (let k = 0, index = start; k < size; k++, index += stride) {
    const module = modules[index]!;
    if (module === color) {
      run++;
    } else {
      runs[count++] = run;
      color = module;
      run = 1;
    }
  }
  if (color === 1) {
    runs[count++] = run;
    run = 0;
  }
  runs[count++] = run + size;

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
