/**
 * Segmentation: the plan must take the fewest bits of all ways to assign a mode to each character (checked by
 * brute force on short texts at each character count width), cover the text exactly, and only use a mode for
 * characters it can carry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../../src/encoding/index.js';
import {
  ALPHANUMERIC_VALUE,
  QR_MODES,
  type QrMode,
  type QrSegment,
  segmentsBitLength,
} from '../../src/otp/qr/segment.js';
import { planSegments } from '../../src/otp/qr/segmentation.js';

const MODES: readonly QrMode[] = [QR_MODES.byte, QR_MODES.alphanumeric, QR_MODES.numeric];

function canCarry(mode: QrMode, byte: number): boolean {
  if (mode === QR_MODES.numeric) return byte >= 0x30 && byte <= 0x39;
  if (mode === QR_MODES.alphanumeric) return ALPHANUMERIC_VALUE[byte] !== 255;
  return true;
}

/** Fewest bits over every assignment of a mode to each byte (consecutive equal modes form one segment). */
function bruteForceBits(bytes: Uint8Array, version: number): number {
  let best = Number.POSITIVE_INFINITY;
  const assign = (i: number, modes: QrMode[]): void => {
    if (i === bytes.length) {
      const segments: QrSegment[] = [];
      for (let start = 0; start < modes.length; ) {
        let end = start + 1;
        while (end < modes.length && modes[end] === modes[start]) end++;
        segments.push({ mode: modes[start]!, start, end });
        start = end;
      }
      best = Math.min(best, segmentsBitLength(segments, version));
      return;
    }
    for (const mode of MODES) if (canCarry(mode, bytes[i]!)) assign(i + 1, [...modes, mode]);
  };
  assign(0, []);
  return best;
}

describe('planSegments', () => {
  it('takes the fewest bits of all mode assignments (brute force, short texts, all three count widths)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'A', 'B', '1', '2', '3', ' ', 'é', ':'), maxLength: 9 });
    fc.assert(
      fc.property(text, fc.constantFrom(1, 10, 27), (t, version) => {
        const bytes = encodeUtf8(t);
        expect(segmentsBitLength(planSegments(bytes, version), version)).toBe(bruteForceBits(bytes, version));
      }),
      { numRuns: 300 },
    );
  });

  it('covers every byte once, in order, each with a mode that can carry it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (t, version) => {
        const bytes = encodeUtf8(t);
        const segments = planSegments(bytes, version);
        let next = 0;
        for (const { mode, start, end } of segments) {
          expect(start).toBe(next);
          expect(end).toBeGreaterThan(start);
          for (let i = start; i < end; i++) expect(canCarry(mode, bytes[i]!)).toBe(true);
          next = end;
        }
        expect(next).toBe(bytes.length);
        // Never worse than the whole text in one byte segment.
        if (bytes.length > 0) {
          expect(segmentsBitLength(segments, version)).toBeLessThanOrEqual(
            segmentsBitLength([{ mode: QR_MODES.byte, start: 0, end: bytes.length }], version),
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  it('puts an otpauth secret in alphanumeric mode and plain digits in numeric mode', () => {
    const uri = 'otpauth://totp/ACME:jane?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME';
    const bytes = encodeUtf8(uri);
    const modes = planSegments(bytes, 5).map((s) => [s.mode.name, uri.slice(s.start, s.end)]);
    expect(modes).toContainEqual(['alphanumeric', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP']);
    expect(planSegments(encodeUtf8('0123456789'), 1).map((s) => s.mode)).toEqual([QR_MODES.numeric]);
    expect(planSegments(encodeUtf8('HELLO WORLD'), 1).map((s) => s.mode)).toEqual([QR_MODES.alphanumeric]);
    expect(planSegments(new Uint8Array(0), 1)).toEqual([]);
  });
});
