import { describe, expect, it } from 'vitest';
import { resetRandomPool, takeRandomBytes } from '../../src/runtime/index.js';

describe('takeRandomBytes (pooled CSPRNG)', () => {
  it('never hands out the same bytes twice across refills', () => {
    resetRandomPool();
    const seen = new Set<string>();
    // 16-byte draws: a repeat would mean reused pool bytes (a chance collision is 2^-128).
    for (let i = 0; i < 3000; i++) {
      const draw = takeRandomBytes(16 + (i % 3) * 13);
      const hex = Buffer.from(draw.subarray(0, 16)).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });

  it('returns copies: changing a draw does not touch later ones; big draws bypass the pool', () => {
    const a = takeRandomBytes(32);
    a.fill(0);
    const b = takeRandomBytes(32);
    expect(b.some((x) => x !== 0)).toBe(true);
    expect(takeRandomBytes(4096).length).toBe(4096);
    expect(takeRandomBytes(0).length).toBe(0);
    expect(() => takeRandomBytes(-1)).toThrow();
  });

  it('looks uniform (a coarse byte-frequency check)', () => {
    const counts = new Array(256).fill(0);
    for (let i = 0; i < 2000; i++) for (const b of takeRandomBytes(64)) counts[b]++;
    const mean = (2000 * 64) / 256;
    for (const c of counts) expect(Math.abs(c - mean)).toBeLessThan(mean * 0.3);
  });
});
