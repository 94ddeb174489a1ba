/**
 * The mask penalty score (ISO/IEC 18004:2015 §7.8.3.1) against a deliberately naive reference written straight
 * from the rules, on random module grids of every symbol size: the fast run-length implementation must agree.
 *
 * Reading of the rules both implementations share (as Nayuki's reference encoder does):
 * N1, a run of n ≥ 5 same-coloured modules in a row or column costs 3 + (n − 5);
 * N2, every 2×2 same-coloured block costs 3 (overlapping blocks each count);
 * N3, dark-light-dark-light-dark runs in ratio 1:1:3:1:1 (any scale n) bounded by light runs, with at least 4n
 * light on one side and at least n on the other, cost 40 per light side of 4n (so up to 80 when both sides
 * qualify), the area beyond the symbol counting as light because it is the quiet zone;
 * N4, 10 per full 5 % step the dark share lies away from 50 %.
 */

import { createQrCode, type QrErrorCorrection } from 'bulwark/otp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { penaltyScore } from '../../src/otp/qr/penalty.js';

function naivePenalty(modules: Uint8Array, size: number): number {
  const lines: number[][] = [];
  for (let i = 0; i < size; i++) {
    lines.push(Array.from({ length: size }, (_, j) => modules[i * size + j]!));
    lines.push(Array.from({ length: size }, (_, j) => modules[j * size + i]!));
  }
  let score = 0;
  for (const line of lines) {
    // N1: maximal runs.
    let start = 0;
    for (let k = 1; k <= size; k++) {
      if (k === size || line[k] !== line[start]) {
        const length = k - start;
        if (length >= 5) score += 3 + (length - 5);
        start = k;
      }
    }
    // N3: light padding beyond both edges, then every scale and start position checked module by module.
    const padded = [...Array(size * 5).fill(0), ...line, ...Array(size * 5).fill(0)];
    const light = (from: number, to: number) => padded.slice(from, to).every((m) => m === 0);
    const dark = (from: number, to: number) => padded.slice(from, to).every((m) => m === 1);
    for (let n = 1; 7 * n <= size; n++) {
      for (let s = size * 5; s + 7 * n <= size * 6; s++) {
        const core =
          padded[s - 1] === 0 &&
          dark(s, s + n) &&
          light(s + n, s + 2 * n) &&
          dark(s + 2 * n, s + 5 * n) &&
          light(s + 5 * n, s + 6 * n) &&
          dark(s + 6 * n, s + 7 * n) &&
          padded[s + 7 * n] === 0;
        if (!core) continue;
        if (light(s - 4 * n, s) && light(s + 7 * n, s + 8 * n)) score += 40;
        if (light(s + 7 * n, s + 11 * n) && light(s - n, s)) score += 40;
      }
    }
  }
  // N2
  for (let r = 0; r + 1 < size; r++) {
    for (let c = 0; c + 1 < size; c++) {
      const a = modules[r * size + c]!;
      if (
        a === modules[r * size + c + 1] &&
        a === modules[(r + 1) * size + c] &&
        a === modules[(r + 1) * size + c + 1]
      ) {
        score += 3;
      }
    }
  }
  // N4: deviation in 5 % steps; the boundary of a step belongs to the lower step.
  const total = size * size;
  const darkCount = modules.reduce((sum, m) => sum + m, 0);
  const deviation = Math.abs(darkCount / total - 0.5) * 20;
  score += 10 * Math.max(0, Math.ceil(deviation) - 1);
  return score;
}

describe('penaltyScore', () => {
  it('equals the naive reading of the rules on random grids of every symbol size', () => {
    const grid = fc
      .integer({ min: 1, max: 40 })
      .chain((version) => {
        const size = 17 + 4 * version;
        // Biased bits, so long runs and skewed dark shares occur as well as balanced noise.
        return fc.tuple(
          fc.constant(size),
          fc.integer({ min: 1, max: 9 }),
          fc.uint8Array({ minLength: size * size, maxLength: size * size }),
        );
      })
      .map(([size, bias, noise]) => ({ size, modules: noise.map((b) => (b % 10 < bias ? 1 : 0)) }));
    fc.assert(
      fc.property(grid, ({ size, modules }) => {
        expect(penaltyScore(modules, size)).toBe(naivePenalty(modules, size));
      }),
      { numRuns: 60 },
    );
  });

  it('equals the naive reading on real symbols (where finder patterns give N3 hits)', () => {
    for (const version of [1, 2, 7, 15]) {
      for (let mask = 0; mask < 8; mask++) {
        const qr = createQrCode('penalty', { minVersion: version, mask });
        expect(penaltyScore(qr.modules, qr.size)).toBe(naivePenalty(qr.modules, qr.size));
      }
    }
  });

  it('the packed mask selection of the encoder picks the lowest score of the eight finished candidates', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom<QrErrorCorrection[]>('L', 'M', 'Q', 'H'),
        (text, minVersion, ecc) => {
          const chosen = createQrCode(text, { ecc, minVersion });
          const scores = Array.from({ length: 8 }, (_, mask) => {
            const candidate = createQrCode(text, { ecc, minVersion, mask });
            return penaltyScore(candidate.modules, candidate.size);
          });
          expect(chosen.mask).toBe(scores.indexOf(Math.min(...scores)));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('finds scaled patterns and both light sides', () => {
    // One row of a 21-wide grid: 1:1:3:1:1 at scale 2 surrounded by light, everything else checkerboard-free.
    const size = 21;
    const modules = new Uint8Array(size * size);
    const row = [0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0];
    modules.set(row);
    expect(penaltyScore(modules, size)).toBe(naivePenalty(modules, size));
  });
});
