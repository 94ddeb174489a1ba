/**
 * Round trips through a real decoder: random text (ASCII and full Unicode) at random versions and every level,
 * up to each version's capacity, encoded by us, painted to pixels and read back by jsQR. The decoded bytes must
 * equal the UTF-8 of the input. The exhaustive sweep of every version and level is in qr.slow.test.ts.
 */

import { createQrCode, type QrErrorCorrection } from 'bulwark/otp';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../../src/encoding/index.js';
import { byteCapacity, truncateUtf8 } from './qr/capacity.js';
import { decodeSymbol, KNOWN_JSQR_BROKEN_VERSIONS } from './qr/decode.js';

let decoded = 0;
afterAll(() => console.info(`qr.prop: ${decoded} symbols decoded by jsQR with the exact input bytes`));

const LEVELS: readonly QrErrorCorrection[] = ['L', 'M', 'Q', 'H'];
const level = fc.constantFrom(...LEVELS);
/** Mostly small versions (what OTP URIs use), with a share of large ones up to 40; never jsQR's broken 23. */
const version = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 9 }) },
    { weight: 2, arbitrary: fc.integer({ min: 10, max: 40 }) },
  )
  .filter((v) => !KNOWN_JSQR_BROKEN_VERSIONS.includes(v));

/** A version, a level and a text that fits that version in byte mode, often close to full. */
function fittingText(unit: 'binary-ascii' | 'binary' | 'grapheme') {
  return fc.tuple(version, level).chain(([v, ecc]) => {
    const capacity = byteCapacity(v, ecc);
    const maxLength = unit === 'binary-ascii' ? capacity : Math.ceil(capacity / 2);
    return fc.record({
      version: fc.constant(v),
      ecc: fc.constant(ecc),
      text: fc.string({ unit, maxLength, size: 'max' }).map((t) => truncateUtf8(t, capacity)),
    });
  });
}

function expectRoundTrip(text: string, ecc: QrErrorCorrection, v: number): void {
  const qr = createQrCode(text, { ecc, minVersion: v, maxVersion: v });
  expect(qr.version).toBe(v);
  expect(qr.size).toBe(17 + 4 * v);
  const result = decodeSymbol(qr);
  expect(result, `jsQR found no code (version ${v}, ${ecc}, ${encodeUtf8(text).length} bytes)`).not.toBeNull();
  expect(result!.version).toBe(v);
  expect(result!.bytes).toEqual(encodeUtf8(text));
  decoded++;
  // Without a forced version the encoder picks a version no larger.
  expect(createQrCode(text, { ecc }).version).toBeLessThanOrEqual(v);
}

function fitsVersion(text: string, ecc: QrErrorCorrection, v: number): boolean {
  try {
    return createQrCode(text, { ecc, maxVersion: v }).version <= v;
  } catch {
    return false;
  }
}

describe('jsQR reads back what we encode', () => {
  it('ASCII (all 256 single-byte code points below U+0100) at random versions and levels', () => {
    fc.assert(
      fc.property(fittingText('binary-ascii'), ({ text, ecc, version: v }) => expectRoundTrip(text, ecc, v)),
      { numRuns: 45 },
    );
  });

  it('full Unicode (1–4 byte UTF-8) at random versions and levels', () => {
    fc.assert(
      fc.property(fittingText('binary'), ({ text, ecc, version: v }) => expectRoundTrip(text, ecc, v)),
      { numRuns: 45 },
    );
  });

  it('printable graphemes, emoji and combining sequences included', () => {
    fc.assert(
      fc.property(fittingText('grapheme'), ({ text, ecc, version: v }) => expectRoundTrip(text, ecc, v)),
      { numRuns: 20 },
    );
  });

  it('digits (numeric mode) and the alphanumeric set fill random versions exactly', () => {
    const digits = fc.array(fc.constantFrom(...'0123456789'), { minLength: 1, maxLength: 40 });
    const alphanumerics = fc.array(fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.oneof(digits, alphanumerics), version, level, (chars, v, ecc) => {
        // The longest repetition of the characters that still fits version v (binary search on the length).
        const repeated = (length: number) => Array.from({ length }, (_, i) => chars[i % chars.length]).join('');
        let low = 1;
        let high = 7089;
        while (low < high) {
          const middle = (low + high + 1) >>> 1;
          if (fitsVersion(repeated(middle), ecc, v)) low = middle;
          else high = middle - 1;
        }
        const text = repeated(low);
        expectRoundTrip(text, ecc, v);
        expect(createQrCode(text, { ecc }).version).toBe(v);
      }),
      { numRuns: 12 },
    );
  });

  it('every level and every forced mask, for a typical otpauth URI', () => {
    const uri =
      'otpauth://totp/Example%20Corp:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example%20Corp';
    for (const ecc of LEVELS) {
      for (let mask = 0; mask < 8; mask++) {
        const qr = createQrCode(uri, { ecc, mask });
        expect(qr.mask).toBe(mask);
        expect(decodeSymbol(qr)?.text).toBe(uri);
        decoded++;
      }
    }
  });

  it('exactly full symbols: the capacity in bytes at versions 1, 7, 10, 27 and 40', () => {
    for (const v of [1, 7, 10, 27, 40]) {
      for (const ecc of LEVELS) {
        const text = 'é'.repeat(byteCapacity(v, ecc) >> 1) + (byteCapacity(v, ecc) & 1 ? '!' : '');
        expect(encodeUtf8(text).length).toBe(byteCapacity(v, ecc));
        expect(createQrCode(text, { ecc }).version).toBe(v);
        expectRoundTrip(text, ecc, v);
      }
    }
  });
});
