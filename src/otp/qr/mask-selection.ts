/**
 * Chooses the data mask (ISO/IEC 18004:2015 §7.8.3): each of the eight candidates is scored with its format
 * information drawn, and the first lowest score wins. Candidates are built on packed lines (32 modules a word):
 * the unmasked symbol, the data region and the mask patterns are packed once, so a candidate costs a few word
 * operations per line instead of a pass over every module.
 */
import { formatBitPositions, formatInformationBits, MASK_CONDITIONS, MASK_PERIOD } from './mask.js';
import { packedPenaltyScore, packLines, QR_MAX_LINE_WORDS } from './penalty.js';
import type { QrTemplate } from './template.js';

/**
 * For mask m and residue k (0–11), the packed line of the mask pattern along row k (bits over columns) and along
 * column k (bits over rows), for the widest symbol: `[mask][k]` → QR_MAX_LINE_WORDS words.
 */
const ROW_PATTERNS: Int32Array[][] = [];
const COLUMN_PATTERNS: Int32Array[][] = [];
for (const condition of MASK_CONDITIONS) {
  const rows: Int32Array[] = [];
  const columns: Int32Array[] = [];
  for (let k = 0; k < MASK_PERIOD; k++) {
    const row = new Int32Array(QR_MAX_LINE_WORDS);
    const column = new Int32Array(QR_MAX_LINE_WORDS);
    for (let i = 0; i < QR_MAX_LINE_WORDS * 32; i++) {
      if (condition(k, i)) row[i >>> 5]! |= 1 << (i & 31);
      if (condition(i, k)) column[i >>> 5]! |= 1 << (i & 31);
    }
    rows.push(row);
    columns.push(column);
  }
  ROW_PATTERNS.push(rows);
  COLUMN_PATTERNS.push(columns);
}

/** Packed data region (modules the mask applies to) per template, rows then columns. */
const dataRegions = new WeakMap<QrTemplate, [Int32Array, Int32Array]>();

function packedDataRegion(template: QrTemplate): [Int32Array, Int32Array] {
  let region = dataRegions.get(template);
  if (region === undefined) {
    const { size, reserved } = template;
    const words = (size + 31) >>> 5;
    const free = reserved.map((r) => r ^ 1);
    region = [new Int32Array(size * words), new Int32Array(size * words)];
    packLines(free, size, region[0], region[1]);
    dataRegions.set(template, region);
  }
  return region;
}

/** The mask (0–7) with the lowest penalty for the codeword-filled, unmasked symbol. */
export function selectMask(template: QrTemplate, unmasked: Uint8Array, levelIndicator: number): number {
  const { size } = template;
  const words = (size + 31) >>> 5;
  const length = size * words;
  const plainRows = new Int32Array(length);
  const plainColumns = new Int32Array(length);
  packLines(unmasked, size, plainRows, plainColumns);
  const [dataRows, dataColumns] = packedDataRegion(template);
  const rows = new Int32Array(length);
  const columns = new Int32Array(length);

  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 8; mask++) {
    const rowPatterns = ROW_PATTERNS[mask]!;
    const columnPatterns = COLUMN_PATTERNS[mask]!;
    for (let line = 0, k = 0; line < size; line++) {
      const rowPattern = rowPatterns[k]!;
      const columnPattern = columnPatterns[k]!;
      const base = line * words;
      for (let w = 0; w < words; w++) {
        rows[base + w] = plainRows[base + w]! ^ (rowPattern[w]! & dataRows[base + w]!);
        columns[base + w] = plainColumns[base + w]! ^ (columnPattern[w]! & dataColumns[base + w]!);
      }
      if (++k === MASK_PERIOD) k = 0;
    }
    const format = formatInformationBits(levelIndicator, mask);
    for (let i = 0; i < 15; i++) {
      const dark = (format >>> i) & 1;
      for (const index of formatBitPositions(size, i)) {
        setBit(rows, words, Math.floor(index / size), index % size, dark);
        setBit(columns, words, index % size, Math.floor(index / size), dark);
      }
    }
    const score = packedPenaltyScore(rows, columns, size);
    if (score < bestScore) {
      bestScore = score;
      best = mask;
    }
  }
  return best;
}

function setBit(lines: Int32Array, words: number, line: number, position: number, value: number): void {
  const index = line * words + (position >>> 5);
  const bit = 1 << (position & 31);
  lines[index] = value === 1 ? lines[index]! | bit : lines[index]! & ~bit;
}
