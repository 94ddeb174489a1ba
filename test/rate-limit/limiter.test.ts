import { describe, expect, it } from 'vitest';
import {
  createRateLimiter,
  createRateLimitMemoryStore,
  DEFAULT_RATE_LIMITER,
  type RateLimitStore,
  rateLimitHeaders,
  rebuildRateLimitRule,
} from '../../src/rate-limit/index.js';
import { createFakeClock } from '../support/clock.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { createLateAnswers } from '../support/later.js';

const failing: RateLimitStore = {
  applyRateLimit: async () => {
    throw new Error('ECONNREFUSED');
  },
  resetRateLimit: async () => {
    throw new Error('ECONNREFUSED');
  },
};

describe('createRateLimiter', () => {
  it('defaults to a sliding window in memory, fail closed', () => {
    expect(DEFAULT_RATE_LIMITER).toMatchObject({ algorithm: 'sliding-window', onStoreError: 'deny' });
    expect(Object.isFrozen(DEFAULT_RATE_LIMITER)).toBe(true);
    const limiter = createRateLimiter({ limit: 2, windowMs: 1000 });
    expect(limiter.rules).toHaveLength(1);
    expect(limiter.rules[0]).toMatchObject({ algorithm: 'sliding-window', limit: 2, windowMs: 1000, burst: 2 });
  });

  it('refuses bad configuration before any work', () => {
    const bad: unknown[] = [
      undefined,
      {},
      { limit: 0, windowMs: 1000 },
      { limit: 1.5, windowMs: 1000 },
      { limit: 10, windowMs: 0 },
      { limit: 10, windowMs: 1000, algorithm: 'leaky' },
      { limit: 10, windowMs: 1000, burst: 5 },
      { limit: 20_000, windowMs: 1000, algorithm: 'sliding-log' },
      { algorithm: 'token-bucket', limit: 10, windowMs: 366 * 86_400_000, burst: 1e9 },
      { limit: 10, windowMs: 1000, limits: [{ limit: 1, windowMs: 1 }] },
      { limits: [] },
      {
        limits: [
          { limit: 1, windowMs: 10 },
          { limit: 1, windowMs: 10 },
        ],
      },
      { limit: 1, windowMs: 10, onStoreError: 'ignore' },
      { limit: 1, windowMs: 10, timeoutMs: 0 },
      { limit: 1, windowMs: 10, name: '' },
      { limit: 1, windowMs: 10, name: 'n'.repeat(129) },
      { limit: 1, windowMs: 10, name: 42 },
      { limit: 1, windowMs: 10, store: {} },
      { limit: 1, windowMs: 10, blockCache: { maxKeys: 0 } },
    ];
    for (const options of bad) expectBulwarkErrorSync(() => createRateLimiter(options as never), 'CONFIG_INVALID');
  });

  it('refuses bad keys and costs as INPUT_INVALID, and a limit is never an exception', async () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000 });
    await expectBulwarkError(() => limiter.consume(''), 'INPUT_INVALID');
    await expectBulwarkError(() => limiter.consume(42 as never), 'INPUT_INVALID');
    await expectBulwarkError(() => limiter.consume('x'.repeat(1025)), 'INPUT_INVALID');
    await expectBulwarkError(() => limiter.consume('k', { cost: 0 }), 'INPUT_INVALID');
    await expectBulwarkError(() => limiter.consume('k', { cost: 4 }), 'INPUT_INVALID');
    await expectBulwarkError(() => limiter.consume('k', { cost: 1.5 }), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => limiter.consumeSync('k', { cost: -1 }), 'INPUT_INVALID');
    for (let i = 0; i < 10; i++) await limiter.consume('k');
    expect((await limiter.consume('k')).reason).toBe('limit');
  });

  it('reports limit, remaining, reset and retry for a fixed window', async () => {
    const clock = createFakeClock(1_000_000);
    const limiter = createRateLimiter({ algorithm: 'fixed-window', limit: 2, windowMs: 1000, now: clock.now });
    clock.advance(250);
    expect(await limiter.consume('k')).toEqual({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetMs: 750,
      retryAfterMs: 0,
      windowMs: 1000,
      reason: 'ok',
    });
    await limiter.consume('k');
    expect(await limiter.consume('k')).toMatchObject({
      allowed: false,
      remaining: 0,
      retryAfterMs: 750,
      reason: 'limit',
    });
    clock.advance(750);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it('peek consumes nothing; refund gives back; reset forgets', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, now: clock.now });
    expect(await limiter.peek('k')).toMatchObject({ allowed: true, remaining: 3 });
    await limiter.consume('k', { cost: 3 });
    expect(await limiter.peek('k')).toMatchObject({ allowed: false, remaining: 0 });
    expect(await limiter.refund('k', { cost: 2 })).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.refund('k', { cost: 3 })).toMatchObject({ remaining: 3 });
    await limiter.consume('k', { cost: 3 });
    await limiter.reset('k');
    expect(await limiter.peek('k')).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('token bucket: refills at limit per window up to burst, refund restores tokens', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({
      algorithm: 'token-bucket',
      limit: 10,
      windowMs: 1000,
      burst: 20,
      now: clock.now,
    });
    expect((await limiter.consume('k', { cost: 20 })).remaining).toBe(0);
    const denied = await limiter.consume('k', { cost: 2 });
    expect(denied).toMatchObject({ allowed: false, retryAfterMs: 200, resetMs: 2000 });
    clock.advance(200);
    expect(await limiter.consume('k', { cost: 2 })).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.refund('k', { cost: 5 })).toMatchObject({ remaining: 5 });
    clock.advance(10_000);
    expect(await limiter.peek('k')).toMatchObject({ remaining: 20, resetMs: 0 });
  });

  it('several limits are all-or-nothing: a denial by one consumes from none', async () => {
    const clock = createFakeClock();
    const limiter = createRateLimiter({
      limits: [
        { limit: 5, windowMs: 60_000 },
        { limit: 7, windowMs: 86_400_000, algorithm: 'fixed-window' },
      ],
      now: clock.now,
    });
    for (let i = 0; i < 5; i++) expect((await limiter.consume('k')).allowed).toBe(true);
    const denied = await limiter.consume('k');
    expect(denied).toMatchObject({ allowed: false, limit: 5, windowMs: 60_000 });
    clock.advance(120_000);
    // The daily limit saw only the 5 admitted requests: 2 more fit, then the daily limit binds.
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, limit: 7, remaining: 1 });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, limit: 7, remaining: 0 });
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, limit: 7 });
  });

  it('consumeSync works with the memory store and refuses other stores', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000 });
    expect(limiter.consumeSync('k').allowed).toBe(true);
    expect(limiter.consumeSync('k').allowed).toBe(false);
    const remote = createRateLimiter({ limit: 1, windowMs: 1000, store: failing });
    expectBulwarkErrorSync(() => remote.consumeSync('k'), 'CONFIG_INVALID');
  });

  it('limiters sharing a store never share counters', async () => {
    const store = createRateLimitMemoryStore();
    const a = createRateLimiter({ name: 'a', limit: 1, windowMs: 1000, store });
    const b = createRateLimiter({ name: 'b', limit: 1, windowMs: 1000, store });
    const c = createRateLimiter({ name: 'a', limit: 2, windowMs: 1000, store });
    expect((await a.consume('k')).allowed).toBe(true);
    expect((await b.consume('k')).allowed).toBe(true);
    expect((await c.consume('k')).remaining).toBe(1);
  });

  it('on store failure: deny by default, allow when asked, reason store-error, never a rejection', async () => {
    const deny = createRateLimiter({ limit: 5, windowMs: 1000, store: failing });
    const denied = await deny.consume('k');
    expect(denied).toMatchObject({ allowed: false, reason: 'store-error', limit: 5 });
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect((denied.error as { code: string }).code).toBe('STORE_UNAVAILABLE');
    expect((denied.error as Error).cause).toBeInstanceOf(Error);
    const allow = createRateLimiter({ limit: 5, windowMs: 1000, store: failing, onStoreError: 'allow' });
    expect(await allow.consume('k')).toMatchObject({ allowed: true, reason: 'store-error' });
    expect(await allow.peek('k')).toMatchObject({ allowed: true, reason: 'store-error' });
    await expectBulwarkError(() => allow.reset('k'), 'STORE_UNAVAILABLE');
  });

  it('a synchronous throw or a hanging store are handled the same way', async () => {
    const throwing: RateLimitStore = {
      applyRateLimit: () => {
        throw new TypeError('client is closed');
      },
      resetRateLimit: () => {},
    };
    expect(await createRateLimiter({ limit: 1, windowMs: 1, store: throwing }).consume('k')).toMatchObject({
      allowed: false,
      reason: 'store-error',
    });
    let settle: (v: unknown) => void = () => {};
    const hanging: RateLimitStore = {
      applyRateLimit: () =>
        new Promise((_resolve, reject) => {
          settle = reject;
        }),
      resetRateLimit: () => {},
    };
    const result = await createRateLimiter({ limit: 1, windowMs: 1, store: hanging, timeoutMs: 10 }).consume('k');
    expect(result).toMatchObject({ allowed: false, reason: 'store-error' });
    expect((result.error as { code: string }).code).toBe('STORE_TIMEOUT');
    // The late rejection is observed by the limiter: no unhandled rejection reaches the process.
    settle(new Error('late'));
    await new Promise((r) => setTimeout(r, 10));
  });

  it('misuse errors from a store reach the caller', async () => {
    const picky: RateLimitStore = {
      applyRateLimit: async () => {
        const { BulwarkError } = await import('../../src/errors.js');
        throw new BulwarkError('INPUT_INVALID', 'bad key');
      },
      resetRateLimit: () => {},
    };
    await expectBulwarkError(
      () => createRateLimiter({ limit: 1, windowMs: 1, store: picky }).consume('k'),
      'INPUT_INVALID',
    );
  });

  it('the block cache denies known-blocked keys locally until their retry time', async () => {
    const clock = createFakeClock(0);
    const store = createRateLimitMemoryStore({ now: clock.now });
    let calls = 0;
    const counting: RateLimitStore = {
      applyRateLimit: (...args) => {
        calls++;
        return store.applyRateLimit(...args);
      },
      resetRateLimit: (...args) => store.resetRateLimit(...args),
    };
    const limiter = createRateLimiter({
      algorithm: 'fixed-window',
      limit: 1,
      windowMs: 1000,
      store: counting,
      blockCache: true,
      now: clock.now,
    });
    await limiter.consume('k');
    await limiter.consume('k');
    expect(calls).toBe(2);
    clock.advance(400);
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, retryAfterMs: 600, reason: 'limit' });
    expect(limiter.consumeSync === undefined).toBe(false);
    expect(calls).toBe(2);
    clock.advance(600);
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect(calls).toBe(3);
    // A reset clears the cached block too.
    await limiter.consume('k');
    await limiter.reset('k');
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it('a cached denial reports the rule that denied, not the first one', async () => {
    const clock = createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 30));
    const limiter = createRateLimiter({
      limits: [
        { limit: 5, windowMs: 60_000 },
        { limit: 10, windowMs: 86_400_000, algorithm: 'fixed-window' },
      ],
      blockCache: true,
      now: clock.now,
    });
    for (let i = 0; i < 5; i++) await limiter.consume('k');
    clock.advance(120_000);
    for (let i = 0; i < 5; i++) await limiter.consume('k');
    clock.advance(120_000);
    const fromStore = await limiter.consume('k');
    expect(fromStore).toMatchObject({ allowed: false, limit: 10, windowMs: 86_400_000 });
    const cached = await limiter.consume('k');
    expect(cached).toEqual(fromStore);
    expect(rateLimitHeaders(cached)['RateLimit-Policy']).toBe('"default";q=10;w=86400');
    clock.advance(1000);
    expect(await limiter.consume('k')).toMatchObject({
      allowed: false,
      limit: 10,
      windowMs: 86_400_000,
      retryAfterMs: fromStore.retryAfterMs - 1000,
      resetMs: fromStore.resetMs - 1000,
    });
  });

  it('a denial still in flight when the key is reset or refunded is not cached afterwards', async () => {
    const memory = createRateLimitMemoryStore();
    let gate: Promise<void> = Promise.resolve();
    const slow: RateLimitStore = {
      applyRateLimit: async (...args) => {
        const result = memory.applyRateLimit(...args);
        await gate;
        return result;
      },
      resetRateLimit: (...args) => memory.resetRateLimit(...args),
    };
    const limiter = createRateLimiter({ limit: 1, windowMs: 3_600_000, store: slow, blockCache: true });
    for (const undo of [(key: string) => limiter.reset(key), (key: string) => limiter.refund(key)]) {
      const key = `k${Math.random()}`;
      expect((await limiter.consume(key)).allowed).toBe(true);
      let open!: () => void;
      gate = new Promise((resolve) => {
        open = resolve;
      });
      const denied = limiter.consume(key);
      // The undo forgets the cached state at once, before the store answers either call.
      const undone = undo(key);
      open();
      expect((await denied).allowed).toBe(false);
      await undone;
      gate = Promise.resolve();
      // The store has room again (reset, or the first request refunded): the old denial must not be replayed.
      expect((await limiter.consume(key)).allowed).toBe(true);
    }
  });

  it('a consume that times out and lands later gives its quota back under deny, keeps it under allow', async () => {
    for (const onStoreError of ['deny', 'allow'] as const) {
      const memory = createRateLimitMemoryStore();
      const answers = createLateAnswers(30);
      const late: RateLimitStore = {
        applyRateLimit: (key, rules, cost, mode) =>
          mode === 'consume'
            ? answers.later(() => memory.applyRateLimit(key, rules, cost, mode))
            : memory.applyRateLimit(key, rules, cost, mode),
        resetRateLimit: (...args) => memory.resetRateLimit(...args),
      };
      const limiter = createRateLimiter({ limit: 3, windowMs: 3_600_000, store: late, timeoutMs: 5, onStoreError });
      const results = await Promise.all([limiter.consume('k'), limiter.consume('k')]);
      expect(results.map((r) => [r.allowed, r.reason])).toEqual([
        [onStoreError === 'allow', 'store-error'],
        [onStoreError === 'allow', 'store-error'],
      ]);
      while (answers.state.landed < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 10));
      // Refused requests left the counter as it was; admitted ones (allow) counted.
      expect((await limiter.peek('k')).remaining).toBe(onStoreError === 'deny' ? 3 : 1);
    }
  });

  it('the block cache is bounded', async () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, blockCache: { maxKeys: 2 } });
    for (const key of ['a', 'b', 'c']) {
      await limiter.consume(key);
      await limiter.consume(key);
    }
    expect((await limiter.consume('a')).allowed).toBe(false);
  });
});

describe('rebuildRateLimitRule', () => {
  const [sliding, bucket] = createRateLimiter({
    name: 'api',
    limits: [
      { limit: 5, windowMs: 60_000 },
      { algorithm: 'token-bucket', limit: 2, windowMs: 1000, burst: 10 },
    ],
  }).rules;

  it("rebuilds a limiter's own rules as equal copies", () => {
    for (const rule of [sliding, bucket]) {
      const again = rebuildRateLimitRule(rule);
      expect(again).toEqual(rule);
      expect(again).not.toBe(rule);
      expect(rebuildRateLimitRule({ ...rule })).toEqual(rule);
    }
  });

  it('refuses anything a limiter could not have made', () => {
    for (const value of [
      undefined,
      null,
      'rule',
      { ...sliding, limit: '5' },
      { ...sliding, limit: 0 },
      { ...sliding, limit: 6 }, // the id says 5
      { ...sliding, windowMs: 1.5 },
      { ...sliding, algorithm: 'nope' },
      { ...sliding, algorithm: 'toString' }, // inherited, not an algorithm
      { ...sliding, burst: 10 }, // burst is the limit outside token-bucket
      { ...sliding, scope: 7 },
      { ...sliding, id: 'forged' },
      { ...bucket, burst: 11 },
      { ...bucket, burst: undefined },
    ]) {
      expect(rebuildRateLimitRule(value)).toBeUndefined();
    }
  });

  it('reads each parameter once, so a getter cannot answer differently later', () => {
    let reads = 0;
    const tricky = {
      ...sliding,
      get limit() {
        reads++;
        return reads === 1 ? 5 : 1e9;
      },
    };
    expect(rebuildRateLimitRule(tricky)?.limit).toBe(5);
    expect(reads).toBe(1);
  });
});
