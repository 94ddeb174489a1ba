import { describe, expect, it } from 'vitest';
import { MAX_TRANSIENT_BYTES, transientBytes } from '../../src/internal/bytes.js';

describe('transientBytes', () => {
  it('hands out zeroed regions that never overlap, across many slabs, and never the same region twice', () => {
    const held: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const length = (i * 37) % 300;
      const bytes = transientBytes(length);
      expect(bytes.length).toBe(length);
      expect(bytes.every((b) => b === 0)).toBe(true);
      bytes.fill(i % 251);
      held.push(bytes);
    }
    // Every region still holds what was written into it: no later call wrote over an earlier one.
    for (const [i, bytes] of held.entries()) expect(bytes.every((b) => b === i % 251)).toBe(true);
  });

  it('gives arrays above the bound a buffer of their own', () => {
    const big = transientBytes(MAX_TRANSIENT_BYTES + 1);
    expect(big.buffer.byteLength).toBe(MAX_TRANSIENT_BYTES + 1);
    expect(transientBytes(MAX_TRANSIENT_BYTES).length).toBe(MAX_TRANSIENT_BYTES);
  });
});
