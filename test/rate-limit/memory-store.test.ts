import { describe, expect, it } from 'vitest';
import { createRateLimiter, createRateLimitMemoryStore } from '../../src/rate-limit/index.js';
import { createFakeClock } from '../support/clock.js';
import { expectBulwarkErrorSync } from '../support/errors.js';

describe('memory store', () => {
  it('bounds keys per rule, evicting the least recently used', async () => {
    const store = createRateLimitMemoryStore({ maxKeys: 3 });
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, store });
    for (const k of ['a', 'b', 'c']) limiter.consumeSync(k);
    limiter.consumeSync('a'); // touches a (denied, but used)
    limiter.consumeSync('d'); // evicts b, the least recently used
    expect(store.size).toBe(3);
    expect(limiter.consumeSync('a').allowed).toBe(false);
    expect(limiter.consumeSync('c').allowed).toBe(false);
    expect(limiter.consumeSync('b').allowed).toBe(true); // forgotten, so fresh (and evicts d)
  });

  it('grows past its initial capacity and keeps every counter', () => {
    const store = createRateLimitMemoryStore({ maxKeys: 5000 });
    const limiter = createRateLimiter({ algorithm: 'token-bucket', limit: 2, windowMs: 60_000, store });
    for (let i = 0; i < 5000; i++) limiter.consumeSync(`k${i}`);
    for (let i = 0; i < 5000; i++) expect(limiter.consumeSync(`k${i}`).remaining).toBe(0);
    expect(store.size).toBe(5000);
  });

  it('expires lazily: an old counter reads as fresh, with no timers', () => {
    const clock = createFakeClock();
    const store = createRateLimitMemoryStore({ now: clock.now });
    for (const algorithm of ['sliding-window', 'sliding-log', 'token-bucket', 'fixed-window'] as const) {
      const limiter = createRateLimiter({ name: algorithm, algorithm, limit: 1, windowMs: 1000, store });
      expect(limiter.consumeSync('k').allowed).toBe(true);
      expect(limiter.consumeSync('k').allowed).toBe(false);
      clock.advance(2000);
      expect(limiter.consumeSync('k')).toMatchObject({ allowed: true, remaining: 0 });
    }
  });

  it('reset frees the slot for reuse', async () => {
    const store = createRateLimitMemoryStore({ maxKeys: 2 });
    const limiter = createRateLimiter({ algorithm: 'sliding-log', limit: 2, windowMs: 60_000, store });
    limiter.consumeSync('a');
    limiter.consumeSync('b');
    await limiter.reset('a');
    expect(store.size).toBe(1);
    limiter.consumeSync('c');
    expect(limiter.consumeSync('b').remaining).toBe(0);
    expect(limiter.consumeSync('c').remaining).toBe(0);
  });

  it('login-guard counters are bounded too', async () => {
    const store = createRateLimitMemoryStore({ maxKeys: 2 });
    const rule = { ttlMs: 60_000, maxAttempts: 0, freeAttempts: 0, baseDelayMs: 0, maxDelayMs: 0 };
    await store.recordLoginFailure('g', ['a'], [rule]);
    await store.recordLoginFailure('g', ['b'], [rule]);
    await store.recordLoginFailure('g', ['c'], [rule]);
    const { counts } = await store.reserveLoginAttempt('g', ['a', 'b', 'c'], [rule, rule, rule], 60_000);
    expect(counts.map((c) => c.failures)).toEqual([0, 1, 1]);
  });

  it('refuses bad options', () => {
    expectBulwarkErrorSync(() => createRateLimitMemoryStore({ maxKeys: 0 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createRateLimitMemoryStore({ now: 5 as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createRateLimitMemoryStore('x' as never), 'CONFIG_INVALID');
  });
});
