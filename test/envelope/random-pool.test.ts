import v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetRandomPool as publicResetRandomPool } from '../../src/envelope/index.js';
import { resetRandomPool, takeRandomBytes, takeRandomBytesInto } from '../../src/runtime/index.js';
import * as random from '../../src/runtime/random.js';

afterEach(() => vi.restoreAllMocks());

/** Lengths of the arrays handed to the CSPRNG while `draw` runs: 4096 is a pool refill. */
function refills(draw: () => void): number[] {
  const spy = vi.spyOn(random, 'fillRandom');
  try {
    draw();
    return spy.mock.calls.map(([buffer]) => buffer.length);
  } finally {
    spy.mockRestore();
  }
}

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

  it('takeRandomBytesInto writes fresh pool bytes where asked, touches nothing else and zeroes the pool copy', () => {
    resetRandomPool();
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const target = new Uint8Array(48).fill(0xaa);
      const at = i % 17;
      takeRandomBytesInto(target, at, 16 + (i % 3) * 8);
      const drawn = target.subarray(at, at + 16 + (i % 3) * 8);
      const hex = Buffer.from(drawn.subarray(0, 16)).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
      expect([...target.subarray(0, at)].every((b) => b === 0xaa)).toBe(true);
      expect([...target.subarray(at + drawn.length)].every((b) => b === 0xaa)).toBe(true);
    }
    // Bounds are checked before any byte is drawn or written.
    const small = new Uint8Array(8);
    for (const [at, length] of [
      [0, 9],
      [1, 8],
      [-1, 4],
      [0.5, 4],
      [0, 257],
      [0, -1],
    ] as const) {
      expect(() => takeRandomBytesInto(small, at, length)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
    expect([...small].every((b) => b === 0)).toBe(true);
    // Up to 256 bytes come from the pool: one refill, then none for the next draw.
    resetRandomPool();
    expect(refills(() => takeRandomBytesInto(new Uint8Array(256), 0, 256))).toEqual([4096]);
    expect(refills(() => takeRandomBytesInto(new Uint8Array(256), 0, 256))).toEqual([]);
    // The pool keeps no copy of what it handed out: the drawn regions are zero, the rest still random.
    resetRandomPool();
    const spy = vi.spyOn(random, 'fillRandom');
    const target = new Uint8Array(100);
    takeRandomBytesInto(target, 0, 60);
    takeRandomBytesInto(target, 60, 40);
    const pool = spy.mock.calls[0]?.[0] as Uint8Array;
    expect(pool.length).toBe(4096);
    expect(pool.subarray(0, 100).every((b) => b === 0)).toBe(true);
    expect(pool.subarray(100).some((b) => b !== 0)).toBe(true);
    expect(target.some((b) => b !== 0)).toBe(true);
  });

  it('looks uniform (a coarse byte-frequency check)', () => {
    const counts = new Array(256).fill(0);
    for (let i = 0; i < 2000; i++) for (const b of takeRandomBytes(64)) counts[b]++;
    const mean = (2000 * 64) / 256;
    for (const c of counts) expect(Math.abs(c - mean)).toBeLessThan(mean * 0.3);
  });

  it('drops a pool filled under another pid (a restored snapshot or cloned process)', () => {
    takeRandomBytes(16);
    expect(refills(() => takeRandomBytes(16))).toEqual([]);
    const pid = Object.getOwnPropertyDescriptor(process, 'pid') as PropertyDescriptor;
    Object.defineProperty(process, 'pid', { ...pid, value: process.pid + 1 });
    try {
      expect(refills(() => takeRandomBytes(16))).toEqual([4096]);
      expect(refills(() => takeRandomBytes(16))).toEqual([]);
    } finally {
      Object.defineProperty(process, 'pid', pid);
    }
    expect(refills(() => takeRandomBytes(16))).toEqual([4096]);
  });

  it('resetRandomPool (public in bulwark/envelope) drops the bytes left in the pool', () => {
    takeRandomBytes(16);
    expect(refills(() => takeRandomBytes(16))).toEqual([]);
    publicResetRandomPool();
    expect(refills(() => takeRandomBytes(16))).toEqual([4096]);
  });

  it('one reset clears the pool of every copy of the module (the ESM and CJS builds loaded side by side)', async () => {
    // A second instance of the module, as a second build of bulwark in the same process would be.
    const path = '../../src/runtime/random-pool.js?second-copy';
    const other = (await import(/* @vite-ignore */ path)) as typeof import('../../src/runtime/random-pool.js');
    other.takeRandomBytes(16);
    takeRandomBytes(16);
    expect(refills(() => other.takeRandomBytes(16))).toEqual([]);
    publicResetRandomPool();
    expect(refills(() => other.takeRandomBytes(16))).toEqual([4096]);
    expect(refills(() => takeRandomBytes(16))).toEqual([4096]);
    // And the other way round.
    other.resetRandomPool();
    expect(refills(() => takeRandomBytes(16))).toEqual([4096]);
  });

  it('keeps no pool while Node builds a startup snapshot: each draw comes straight from the CSPRNG', () => {
    resetRandomPool();
    takeRandomBytes(16); // looks up node:v8 once
    resetRandomPool();
    vi.spyOn(v8.startupSnapshot, 'isBuildingSnapshot').mockReturnValue(true);
    expect(refills(() => takeRandomBytes(16))).toEqual([16]);
    expect(refills(() => takeRandomBytes(12))).toEqual([12]);
    // Into a target, the CSPRNG writes straight into it: no temporary copy of a data key is left unwiped.
    const spy = vi.spyOn(random, 'fillRandom');
    const target = new Uint8Array(new ArrayBuffer(40));
    takeRandomBytesInto(target, 4, 32);
    expect(spy.mock.calls.map(([b]) => [b.buffer === target.buffer, b.byteOffset, b.length])).toEqual([[true, 4, 32]]);
    vi.restoreAllMocks();
    expect(refills(() => takeRandomBytes(16))).toEqual([4096]);
  });
});
