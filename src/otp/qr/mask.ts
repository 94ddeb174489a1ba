/**
 * Data masking (ISO/IEC 18004:2015 §7.8): the eight mask patterns and the format information that names the
 * level and mask. Choosing the mask is mask-selection.ts, its penalty score penalty.ts.
 */
import type { QrTemplate } from './template.js';

/** Mask conditions of Table 10 (row i, column j): a module is inverted where the condition holds. */
export const MASK_CONDITIONS: readonly ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

/**
 * Every condition depends on row and column only modulo 2, 3, 4 or 6, so each mask repeats with period 12 in both
 * directions and one 12×12 tile describes it everywhere.
 */
export const MASK_PERIOD = 12;
const TILE = MASK_PERIOD;
const MASK_TILES: readonly Uint8Array[] = MASK_CONDITIONS.map((condition) => {
  const tile = new Uint8Array(TILE * TILE);
  for (let i = 0; i < TILE; i++) for (let j = 0; j < TILE; j++) tile[i * TILE + j] = condition(i, j) ? 1 : 0;
  return tile;
});

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

/**
 * Module indices of format bit `i` (0 = least significant) in its two copies: around the upper-left finder (down
 * column 8 skipping the timing row, then left along row 8), and split between the upper-right finder (row 8)
 * and the lower-left finder (column 8).
 */
export function formatBitPositions(size: number, i: number): [number, number] {
  const first = i < 6 ? i * size + 8 : i < 8 ? (i + 1) * size + 8 : i === 8 ? 8 * size + 7 : 8 * size + (14 - i);
  const second = i < 8 ? 8 * size + (size - 1 - i) : (size - 15 + i) * size + 8;
  return [first, second];
}

/** Draws both copies of the 15 format bits. */
export function drawFormatInformation(modules: Uint8Array, size: number, bits: number): void {
  for (let i = 0; i < 15; i++) {
    const [first, second] = formatBitPositions(size, i);
    modules[first] = (bits >>> i) & 1;
    modules[second] = (bits >>> i) & 1;
  }
}
