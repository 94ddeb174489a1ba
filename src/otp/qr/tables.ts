/**
 * The QR Code symbol tables of ISO/IEC 18004:2015, each described once. Everything else about a version (its
 * size, how many modules carry data, where the alignment patterns sit) follows from these by arithmetic.
 */
import type { QrErrorCorrection } from './types.js';

/** The smallest and largest symbol versions (21×21 to 177×177 modules). */
export const QR_MIN_VERSION = 1;
export const QR_MAX_VERSION = 40;

/** Error correction levels in the order the tables below use, with their 2-bit format indicator (Table 12). */
export const QR_ERROR_CORRECTION_LEVELS: readonly QrErrorCorrection[] = Object.freeze(['L', 'M', 'Q', 'H']);
const FORMAT_INDICATOR: Readonly<Record<QrErrorCorrection, number>> = Object.freeze({ L: 1, M: 0, Q: 3, H: 2 });
const LEVEL_INDEX: Readonly<Record<QrErrorCorrection, number>> = Object.freeze({ L: 0, M: 1, Q: 2, H: 3 });

/**
 * Table 9, error correction codewords per block, one row per level (L, M, Q, H), one column per version 1–40.
 * All blocks of one symbol carry the same number of error correction codewords.
 */
// biome-ignore format: one table row per level reads best
const ECC_CODEWORDS_PER_BLOCK: readonly (readonly number[])[] = [
  [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];

/**
 * Table 9, number of error correction blocks, rows and columns as above. When the codewords do not divide evenly,
 * the first blocks are one data codeword shorter than the rest.
 */
// biome-ignore format: one table row per level reads best
const ERROR_CORRECTION_BLOCKS: readonly (readonly number[])[] = [
  [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

/** The block structure of one version at one level (Table 9). */
export interface QrBlockLayout {
  /** Number of blocks the data is split into. */
  blocks: number;
  /** Error correction codewords appended to each block. */
  eccPerBlock: number;
  /** All codewords in the symbol, data and error correction together (Table 1). */
  totalCodewords: number;
  /** Data codewords in the symbol: `totalCodewords - blocks * eccPerBlock`. */
  dataCodewords: number;
}

/** Side length in modules: 21 for version 1, four more per version. */
export function qrSize(version: number): number {
  return 17 + 4 * version;
}

/** The 2-bit error correction indicator carried in the format information. */
export function formatIndicator(ecc: QrErrorCorrection): number {
  return FORMAT_INDICATOR[ecc];
}

/**
 * Modules left for codewords once the function patterns are placed: the symbol area minus finders with separators
 * and format areas (225 modules with the dark module), timing patterns, alignment patterns, and from version 7
 * the two version information blocks. May include up to 7 remainder bits.
 */
export function rawDataModules(version: number): number {
  const size = qrSize(version);
  let modules = size * size - 3 * 64 - 31 - 2 * (size - 16);
  const count = alignmentCount(version);
  if (count > 0) {
    // count² patterns minus the three under the finders; those crossing the timing lines share 5 modules each
    modules -= 25 * (count * count - 3) - 10 * (count - 2);
  }
  if (version >= 7) modules -= 36;
  return modules;
}

/** The block structure for `version` at level `ecc`. */
export function blockLayout(version: number, ecc: QrErrorCorrection): QrBlockLayout {
  const level = LEVEL_INDEX[ecc];
  const blocks = ERROR_CORRECTION_BLOCKS[level]![version - 1]!;
  const eccPerBlock = ECC_CODEWORDS_PER_BLOCK[level]![version - 1]!;
  const totalCodewords = rawDataModules(version) >>> 3;
  return { blocks, eccPerBlock, totalCodewords, dataCodewords: totalCodewords - blocks * eccPerBlock };
}

function alignmentCount(version: number): number {
  return version === 1 ? 0 : Math.floor(version / 7) + 2;
}

/**
 * Row/column coordinates of the alignment pattern centres (Annex E): the first is 6, the last `size - 7`, and the
 * ones between are evenly spaced by an even step, counted back from the last. Version 32 is the one irregular
 * entry of the annex (step 26 where the rule gives 28).
 */
export function alignmentPositions(version: number): number[] {
  const count = alignmentCount(version);
  if (count === 0) return [];
  const last = qrSize(version) - 7;
  const step = version === 32 ? 26 : Math.ceil((last - 6) / (count - 1) / 2) * 2;
  const positions = [6];
  for (let i = count - 1; i >= 1; i--) positions.push(last - (i - 1) * step);
  return positions;
}
