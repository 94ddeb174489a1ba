/**
 * Splits the data codewords into blocks, appends each block's Reed–Solomon codewords, and interleaves the result
 * into the final codeword sequence (ISO/IEC 18004:2015 §7.5.2, §7.6).
 */
import { generatorPolynomialLogs, writeReedSolomonRemainder } from './reed-solomon.js';
import type { QrBlockLayout } from './tables.js';

/**
 * The final `layout.totalCodewords` codewords: data codewords of all blocks taken column by column, then error
 * correction codewords the same way. Short blocks come first and lack the last data column.
 */
export function interleaveCodewords(data: Uint8Array, layout: QrBlockLayout): Uint8Array {
  const { blocks, eccPerBlock, totalCodewords, dataCodewords } = layout;
  const shortData = Math.floor(dataCodewords / blocks);
  const longBlocks = dataCodewords % blocks;
  const shortBlocks = blocks - longBlocks;
  const generator = generatorPolynomialLogs(eccPerBlock);
  const out = new Uint8Array(totalCodewords);
  const ecc = new Uint8Array(eccPerBlock);
  let start = 0;
  for (let b = 0; b < blocks; b++) {
    const length = b < shortBlocks ? shortData : shortData + 1;
    // Data column i of block b lands at i·blocks + b; the last column exists in long blocks only.
    for (let i = 0; i < shortData; i++) out[i * blocks + b] = data[start + i]!;
    if (length > shortData) out[shortData * blocks + (b - shortBlocks)] = data[start + shortData]!;
    writeReedSolomonRemainder(data, start, start + length, generator, ecc, 0);
    for (let i = 0; i < eccPerBlock; i++) out[dataCodewords + i * blocks + b] = ecc[i]!;
    start += length;
  }
  return out;
}
