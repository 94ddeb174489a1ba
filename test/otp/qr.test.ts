/**
 * Unit tests of the QR Code encoder against ISO/IEC 18004:2015: symbol sizes, capacities (Table 7), the format
 * and version information codes (Annex C, D), the worked example of Annex I, structure of the function patterns,
 * option checks and the QR_DATA_TOO_LONG bound.
 */

import { createQrCode, type QrErrorCorrection } from 'bulwark/otp';
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../../src/encoding/index.js';
import { interleaveCodewords } from '../../src/otp/qr/codewords.js';
import { formatInformationBits, MASK_CONDITIONS, MASK_PERIOD } from '../../src/otp/qr/mask.js';
import { encodeDataCodewords, QR_MODES } from '../../src/otp/qr/segment.js';
import { blockLayout, formatIndicator, rawDataModules } from '../../src/otp/qr/tables.js';
import { qrTemplate, versionInformationBits } from '../../src/otp/qr/template.js';
import { expectBulwarkErrorSync } from '../support/errors.js';
import { byteCapacity } from './qr/capacity.js';

const LEVELS: readonly QrErrorCorrection[] = ['L', 'M', 'Q', 'H'];
const VERSIONS = Array.from({ length: 40 }, (_, i) => i + 1);

/** Table 1, remainder bits after the last codeword. */
function remainderBits(version: number): number {
  if (version === 1) return 0;
  if (version <= 6) return 7;
  if (version <= 13) return 0;
  if (version <= 20) return 3;
  if (version <= 27) return 4;
  if (version <= 34) return 3;
  return 0;
}

function hamming(a: number, b: number): number {
  let x = a ^ b;
  let count = 0;
  for (; x !== 0; x &= x - 1) count++;
  return count;
}

/** Reads the two 15-bit format information copies of a symbol, bit 14 first along each path. */
function readFormatCopies(modules: Uint8Array, size: number): [number, number] {
  const at = (row: number, column: number) => modules[row * size + column]!;
  let first = 0;
  let second = 0;
  const firstPath: [number, number][] = [
    ...[0, 1, 2, 3, 4, 5, 7, 8].map((r): [number, number] => [r, 8]),
    ...[7, 5, 4, 3, 2, 1, 0].map((c): [number, number] => [8, c]),
  ];
  firstPath.forEach(([r, c], i) => {
    first |= at(r, c) << i;
  });
  for (let i = 0; i < 8; i++) second |= at(8, size - 1 - i) << i;
  for (let i = 8; i < 15; i++) second |= at(size - 15 + i, 8) << i;
  return [first, second];
}

describe('symbol structure', () => {
  it('size is 17 + 4·version for every version and level', () => {
    for (const version of VERSIONS) {
      for (const ecc of LEVELS) {
        const qr = createQrCode('a', { ecc, minVersion: version, maxVersion: version });
        expect(qr.version).toBe(version);
        expect(qr.size).toBe(17 + 4 * version);
        expect(qr.modules.length).toBe(qr.size * qr.size);
        expect(qr.ecc).toBe(ecc);
        expect(qr.modules.every((m) => m === 0 || m === 1)).toBe(true);
      }
    }
  });

  it('codeword bits fill exactly the modules left by the function patterns', () => {
    for (const version of VERSIONS) {
      const template = qrTemplate(version);
      const free = template.reserved.reduce((n, r) => n + (r ^ 1), 0);
      expect(free).toBe(rawDataModules(version));
      expect(new Set(template.dataOrder).size).toBe(free);
      expect(template.dataOrder.every((i) => template.reserved[i] === 0)).toBe(true);
      expect(free % 8, `remainder bits of version ${version}`).toBe(remainderBits(version));
    }
  });

  it('finder patterns, timing patterns and the dark module are where Figure 2 puts them', () => {
    const qr = createQrCode('hello', { ecc: 'Q', minVersion: 7, maxVersion: 7 });
    const { size, modules } = qr;
    const at = (row: number, column: number) => modules[row * size + column];
    for (const [top, left] of [
      [0, 0],
      [0, size - 7],
      [size - 7, 0],
    ] as const) {
      for (let r = 0; r < 7; r++) {
        for (let c = 0; c < 7; c++) {
          const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
          expect(at(top + r, left + c)).toBe(ring === 2 ? 0 : 1);
        }
      }
    }
    for (let i = 8; i < size - 8; i++) {
      expect(at(6, i)).toBe(i % 2 === 0 ? 1 : 0);
      expect(at(i, 6)).toBe(i % 2 === 0 ? 1 : 0);
    }
    expect(at(size - 8, 8)).toBe(1);
  });
});

describe('masks', () => {
  it('every mask condition repeats with the period the encoder tiles it by, across the largest symbol', () => {
    let mismatches = 0;
    for (const condition of MASK_CONDITIONS) {
      for (let i = 0; i < 177; i++) {
        for (let j = 0; j < 177; j++) if (condition(i, j) !== condition(i % MASK_PERIOD, j % MASK_PERIOD)) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });
});

describe('format and version information', () => {
  it('known format words (Annex C): M/mask 0 is 0x5412, L/mask 0 is 0x77C4', () => {
    expect(formatInformationBits(formatIndicator('M'), 0)).toBe(0x5412);
    expect(formatInformationBits(formatIndicator('L'), 0)).toBe(0x77c4);
  });

  it('the 32 format words are at Hamming distance ≥ 7 from each other (BCH(15,5))', () => {
    const words = Array.from({ length: 32 }, (_, i) => formatInformationBits(i >> 3, i & 7));
    for (let i = 0; i < 32; i++)
      for (let j = i + 1; j < 32; j++) expect(hamming(words[i]!, words[j]!)).toBeGreaterThanOrEqual(7);
  });

  it('both copies in a symbol decode back to its level and mask', () => {
    for (const ecc of LEVELS) {
      for (let mask = 0; mask < 8; mask++) {
        const qr = createQrCode('format check', { ecc, mask, minVersion: 2 + mask });
        const [first, second] = readFormatCopies(qr.modules, qr.size);
        expect(first).toBe(second);
        // Decode: the nearest valid word (distance 0 here), unmasked, gives level indicator and mask.
        const data = Array.from({ length: 32 }, (_, i) => i).find(
          (i) => formatInformationBits(i >> 3, i & 7) === first,
        );
        expect(data).toBeDefined();
        expect(data! >> 3).toBe(formatIndicator(ecc));
        expect(data! & 7).toBe(mask);
      }
    }
  });

  it('known version words (Annex D) and Hamming distance ≥ 8 between all of them', () => {
    expect(versionInformationBits(7)).toBe(0x07c94);
    expect(versionInformationBits(8)).toBe(0x085bc);
    expect(versionInformationBits(9)).toBe(0x09a99);
    expect(versionInformationBits(40)).toBe(0x28c69);
    for (let a = 7; a <= 40; a++) {
      for (let b = a + 1; b <= 40; b++) {
        expect(hamming(versionInformationBits(a), versionInformationBits(b))).toBeGreaterThanOrEqual(8);
      }
    }
  });

  it('version information appears in both blocks from version 7, and only there', () => {
    for (const version of [6, 7, 21, 40]) {
      const { size, modules } = createQrCode('v', { minVersion: version, maxVersion: version });
      let upperRight = 0;
      let lowerLeft = 0;
      for (let i = 0; i < 18; i++) {
        upperRight |= modules[Math.floor(i / 3) * size + size - 11 + (i % 3)]! << i;
        lowerLeft |= modules[(size - 11 + (i % 3)) * size + Math.floor(i / 3)]! << i;
      }
      if (version >= 7) {
        expect(upperRight).toBe(versionInformationBits(version));
        expect(lowerLeft).toBe(upperRight);
      } else expect(qrTemplate(version).reserved[size - 11]).toBe(0);
    }
  });
});

describe('data and error correction', () => {
  it('Annex I example: "01234567" at 1-M gives the published data and error correction codewords', () => {
    const layout = blockLayout(1, 'M');
    const data = encodeDataCodewords(encodeUtf8('01234567'), [{ mode: QR_MODES.numeric, start: 0, end: 8 }], 1, 16);
    expect(Array.from(data)).toEqual([16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]);
    expect(Array.from(interleaveCodewords(data, layout).subarray(16))).toEqual([
      165, 36, 212, 193, 237, 54, 199, 135, 44, 85,
    ]);
  });

  it('data codewords per version (Table 7): corners of the table', () => {
    const expected: [number, QrErrorCorrection, number][] = [
      [1, 'L', 19],
      [1, 'M', 16],
      [1, 'Q', 13],
      [1, 'H', 9],
      [40, 'L', 2956],
      [40, 'M', 2334],
      [40, 'Q', 1666],
      [40, 'H', 1276],
    ];
    for (const [version, ecc, data] of expected) expect(blockLayout(version, ecc).dataCodewords).toBe(data);
    expect(blockLayout(40, 'L').totalCodewords).toBe(3706);
  });

  it('capacity in characters (Table 7): byte, alphanumeric and numeric at the extremes', () => {
    const fits = (text: string, ecc: QrErrorCorrection, version: number) =>
      createQrCode(text, { ecc, maxVersion: version }).version === version;
    expect(fits('a'.repeat(17), 'L', 1)).toBe(true);
    expect(fits('a'.repeat(7), 'H', 1)).toBe(true);
    expect(fits('A'.repeat(10), 'H', 1)).toBe(true);
    expect(fits('1'.repeat(17), 'H', 1)).toBe(true);
    expect(fits('a'.repeat(2953), 'L', 40)).toBe(true);
    expect(fits('a'.repeat(1273), 'H', 40)).toBe(true);
    expect(fits('A'.repeat(4296), 'L', 40)).toBe(true);
    expect(fits('1'.repeat(7089), 'L', 40)).toBe(true);
    for (const [text, ecc] of [
      ['a'.repeat(18), 'L'],
      ['a'.repeat(8), 'H'],
      ['A'.repeat(11), 'H'],
      ['1'.repeat(18), 'H'],
    ] as const) {
      expect(createQrCode(text, { ecc }).version).toBe(2);
    }
  });

  it('picks the smallest version: exactly at capacity stays, one byte more moves up', () => {
    for (const version of [1, 2, 9, 10, 26, 27, 39]) {
      for (const ecc of LEVELS) {
        const capacity = byteCapacity(version, ecc);
        expect(createQrCode('b'.repeat(capacity), { ecc }).version).toBe(version);
        expect(createQrCode('b'.repeat(capacity + 1), { ecc }).version).toBe(version + 1);
      }
    }
  });

  it('respects minVersion even when a smaller symbol would do', () => {
    expect(createQrCode('hi', { minVersion: 5 }).version).toBe(5);
  });

  it('empty text is a valid symbol of version 1', () => {
    expect(createQrCode('').version).toBe(1);
  });
});

describe('failures', () => {
  it('QR_DATA_TOO_LONG past version 40 at the level, or past maxVersion', () => {
    expectBulwarkErrorSync(() => createQrCode('a'.repeat(2954), { ecc: 'L' }), 'QR_DATA_TOO_LONG');
    expectBulwarkErrorSync(() => createQrCode('a'.repeat(1274), { ecc: 'H' }), 'QR_DATA_TOO_LONG');
    expectBulwarkErrorSync(() => createQrCode('a'.repeat(2332)), 'QR_DATA_TOO_LONG');
    expectBulwarkErrorSync(() => createQrCode('1'.repeat(7090), { ecc: 'L' }), 'QR_DATA_TOO_LONG');
    expectBulwarkErrorSync(() => createQrCode('a'.repeat(18), { ecc: 'L', maxVersion: 1 }), 'QR_DATA_TOO_LONG');
    const error = expectBulwarkErrorSync(() => createQrCode('é'.repeat(1200), { ecc: 'Q' }), 'QR_DATA_TOO_LONG');
    expect(error.message).not.toContain('é');
  });

  it('refuses huge text by its length before encoding it', () => {
    // 2^24 code units of lone surrogates would fail UTF-8 encoding; the length bound must answer first.
    expectBulwarkErrorSync(() => createQrCode('\ud800'.repeat(1 << 24)), 'QR_DATA_TOO_LONG');
  });

  it('CONFIG_INVALID for bad options', () => {
    const bad: unknown[] = [
      null,
      'M',
      [],
      { ecc: 'X' },
      { ecc: 'm' },
      { ecc: 1 },
      { minVersion: 0 },
      { minVersion: 41 },
      { minVersion: 1.5 },
      { minVersion: '3' },
      { maxVersion: 0 },
      { maxVersion: 41 },
      { minVersion: 10, maxVersion: 9 },
      { mask: -1 },
      { mask: 8 },
      { mask: 0.5 },
      { mask: Number.NaN },
    ];
    for (const options of bad) {
      expectBulwarkErrorSync(() => createQrCode('x', options as never), 'CONFIG_INVALID');
    }
  });

  it('INPUT_INVALID when text is not a string; ENCODING_INVALID for a lone surrogate', () => {
    for (const text of [undefined, null, 42, new Uint8Array(2), ['a']]) {
      expectBulwarkErrorSync(() => createQrCode(text as never), 'INPUT_INVALID');
    }
    expectBulwarkErrorSync(() => createQrCode('a\ud800b'), 'ENCODING_INVALID');
  });
});
