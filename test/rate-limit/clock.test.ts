import { afterEach, describe, expect, it, vi } from 'vitest';
import { coarseNow } from '../../src/rate-limit/clock.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('coarseNow (the memory store default clock)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('re-reads the system clock after 64 uses', async () => {
    await tick();
    const now = vi.spyOn(Date, 'now').mockReturnValue(1000);
    expect(coarseNow()).toBe(1000);
    now.mockReturnValue(2000);
    for (let i = 0; i < 63; i++) expect(coarseNow()).toBe(1000);
    expect(coarseNow()).toBe(2000);
  });

  it('re-reads the system clock once its 1 ms timer has fired', async () => {
    await tick();
    const now = vi.spyOn(Date, 'now').mockReturnValue(5000);
    expect(coarseNow()).toBe(5000);
    now.mockReturnValue(6000);
    expect(coarseNow()).toBe(5000);
    await tick();
    expect(coarseNow()).toBe(6000);
  });
});
