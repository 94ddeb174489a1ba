import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../../adapters/redis/index.js';
import {
  createLoginGuard,
  createRateLimiter,
  type RateLimitAlgorithm,
  type RateLimitRule,
} from '../../src/rate-limit/index.js';
import { loginGuardStoreContract } from '../stores/contract.js';
import { rateLimitStoreContract } from '../stores/rate-limit-contract.js';
import { expectBulwarkErrorSync } from '../support/errors.js';
import { clientKinds, keysUnder, redisTestsEnabled, redisUrl, uniquePrefix, useRedisClients } from './redis/support.js';

const enabled = await redisTestsEnabled();
const ALGORITHMS: RateLimitAlgorithm[] = ['sliding-window', 'sliding-log', 'token-bucket', 'fixed-window'];

describe.skipIf(!enabled)('Redis store', () => {
  const prefix = uniquePrefix('store');
  const redis = useRedisClients(prefix);
  const clients = clientKinds(redis);

  for (const [kind, client] of Object.entries(clients)) {
    const kindPrefix = `${prefix}${kind}:`;
    rateLimitStoreContract(
      `redis via ${kind}`,
      (clock) => createRedisStore({ client: client(), prefix: kindPrefix, unsafeNowForTesting: clock.now }),
      { numRuns: 25 },
    );
    loginGuardStoreContract(`redis via ${kind}`, (clock) =>
      createRedisStore({ client: client(), prefix: kindPrefix, unsafeNowForTesting: clock.now }),
    );

    describe(`with ${kind}`, () => {
      it('decides with server time and gives every key a TTL', async () => {
        const p = `${kindPrefix}ttl:`;
        const store = createRedisStore({ client: client(), prefix: p });
        for (const algorithm of ALGORITHMS) {
          const limiter = createRateLimiter({ name: algorithm, algorithm, limit: 2, windowMs: 60_000, store });
          expect((await limiter.consume('k')).allowed).toBe(true);
          expect((await limiter.consume('k')).allowed).toBe(true);
          const denied = await limiter.consume('k');
          expect(denied).toMatchObject({ allowed: false, reason: 'limit' });
          expect(denied.retryAfterMs).toBeGreaterThan(0);
          expect(denied.retryAfterMs).toBeLessThanOrEqual(120_000);
        }
        const guard = createLoginGuard({ store });
        await guard.failure({ account: 'alice', ip: '192.0.2.1' });
        const keys = await keysUnder(redis.admin, p);
        expect(keys).toHaveLength(ALGORITHMS.length + 3);
        for (const key of keys) {
          const ttl = await redis.admin.pttl(key);
          expect(ttl, key).toBeGreaterThan(0);
        }
      });

      it('uses exactly one command per decision, even for several limits', async () => {
        const p = `${kindPrefix}roundtrip:`;
        const store = createRedisStore({ client: client(), prefix: p });
        const limiter = createRateLimiter({
          limits: [
            { limit: 5, windowMs: 60_000 },
            { algorithm: 'token-bucket', limit: 100, windowMs: 86_400_000 },
          ],
          store,
        });
        await limiter.consume('warm-up'); // the first call may need EVAL after NOSCRIPT
        const monitor = await redis.admin.monitor();
        const seen: string[] = [];
        monitor.on('monitor', (_time: string, args: string[], source: string) => {
          if (args.some((a) => a.startsWith(p))) seen.push(`${source} ${args[0]}`);
        });
        await new Promise((r) => setTimeout(r, 50));
        for (let i = 0; i < 8; i++) await limiter.consume(`user-${i % 2}`);
        await new Promise((r) => setTimeout(r, 200));
        monitor.disconnect();
        const fromClients = seen.filter((s) => !s.includes('lua'));
        expect(fromClients).toHaveLength(8);
        expect(fromClients.every((s) => s.toLowerCase().endsWith('evalsha'))).toBe(true);
      });

      it('recovers from a flushed script cache (NOSCRIPT → EVAL)', async () => {
        const store = createRedisStore({ client: client(), prefix: `${kindPrefix}noscript:` });
        const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, store });
        expect((await limiter.consume('k')).remaining).toBe(2);
        await redis.admin.script('FLUSH');
        expect((await limiter.consume('k')).remaining).toBe(1);
        expect((await limiter.consume('k')).remaining).toBe(0);
      });

      it('puts every key of one decision under one hash tag, with client input encoded', async () => {
        const p = `${kindPrefix}tags:`;
        const store = createRedisStore({ client: client(), prefix: p });
        const limiter = createRateLimiter({
          name: 'api{v1}',
          limits: [
            { limit: 5, windowMs: 1000 },
            { algorithm: 'sliding-log', limit: 50, windowMs: 60_000 },
            { algorithm: 'fixed-window', limit: 500, windowMs: 3_600_000 },
          ],
          store,
        });
        await limiter.consume('a}{b:c d\u00e9\n');
        await limiter.consume('a}{b:c d\u00e9');
        const keys = await keysUnder(redis.admin, p);
        expect(keys).toHaveLength(6);
        const tags = keys.map((k) => k.slice(k.indexOf('{') + 1, k.indexOf('}')));
        expect(new Set(tags).size).toBe(2);
        for (const k of keys) {
          expect(k.split('{')).toHaveLength(2);
          expect(k.split('}')).toHaveLength(2);
          expect(k).not.toMatch(/[\s\u00e9]/);
        }
      });

      it('keeps limiters and keys apart', async () => {
        const store = createRedisStore({ client: client(), prefix: `${kindPrefix}apart:` });
        const a = createRateLimiter({ name: 'a', limit: 1, windowMs: 60_000, store });
        const b = createRateLimiter({ name: 'b', limit: 1, windowMs: 60_000, store });
        expect((await a.consume('x:y')).allowed).toBe(true);
        expect((await b.consume('x:y')).allowed).toBe(true);
        expect((await a.consume('x%3Ay')).allowed).toBe(true);
        expect((await a.consume('x:y')).allowed).toBe(false);
        await a.reset('x:y');
        expect((await a.consume('x:y')).allowed).toBe(true);
      });

      it('admits exactly the limit under 300 concurrent requests from one process', async () => {
        const store = createRedisStore({ client: client(), prefix: `${kindPrefix}burst:` });
        for (const algorithm of ALGORITHMS) {
          const limiter = createRateLimiter({ name: algorithm, algorithm, limit: 100, windowMs: 86_400_000, store });
          const results = await Promise.all(Array.from({ length: 300 }, () => limiter.consume('hot')));
          expect(
            results.filter((r) => r.allowed),
            algorithm,
          ).toHaveLength(100);
        }
      });
    });
  }

  it('refuses a client without a known eval shape, and a prefix that would break hash tags', () => {
    expectBulwarkErrorSync(() => createRedisStore({ client: {} as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createRedisStore({ client: { eval() {} } as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createRedisStore({ client: redis.ioredis, prefix: 'a{b}' }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createRedisStore(undefined as never), 'CONFIG_INVALID');
  });

  it('an option left out stays out under a polluted Object.prototype (no inherited clock)', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    let called = 0;
    let store: ReturnType<typeof createRedisStore>;
    try {
      proto.unsafeNowForTesting = () => {
        called++;
        return 0;
      };
      store = createRedisStore({ client: redis.ioredis, prefix: `${prefix}pollution:` });
    } finally {
      delete proto.unsafeNowForTesting;
    }
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, store });
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);
    expect(called).toBe(0);
  });

  it('a polluted evalSha never answers for an ioredis client', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    let forged = 0;
    let store: ReturnType<typeof createRedisStore>;
    try {
      proto.evalSha = async () => {
        forged++;
        return [1, 0, 0, 0, 0];
      };
      // ioredis has evalsha; node-redis has evalSha: detection must not find the inherited one first.
      store = createRedisStore({ client: redis.ioredis, prefix: `${prefix}evalsha-pollution:` });
      const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, store });
      expect((await limiter.consume('k')).allowed).toBe(true);
      expect((await limiter.consume('k')).allowed).toBe(false);
    } finally {
      delete proto.evalSha;
    }
    expect(forged).toBe(0);
  });

  it('fails a direct decision with bad inputs alone: the rest of its batch decides and is charged once', async () => {
    const p = `${prefix}direct-bad:`;
    const store = createRedisStore({ client: redis.ioredis, prefix: p });
    const limiter = createRateLimiter({ limit: 5, windowMs: 60_000, store });
    const rule = limiter.rules[0] as RateLimitRule;
    const bad: [string, () => unknown][] = [
      ['rules', () => store.applyRateLimit('B', [], 1, 'consume')],
      ['cost', () => store.applyRateLimit('C', limiter.rules, -3, 'consume')],
      ['mode', () => store.applyRateLimit('D', limiter.rules, 1, 'take' as never)],
      ['key', () => store.applyRateLimit(7 as never, limiter.rules, 1, 'consume')],
      // Rules no limiter could have made: each would stop the script on the server, halfway through the batch.
      ['rules', () => store.applyRateLimit('F', [{ ...rule, limit: 'x' as never }], 1, 'consume')],
      ['rules', () => store.applyRateLimit('G', [{ ...rule, algorithm: 'nope' as never }], 1, 'consume')],
      ['rules', () => store.applyRateLimit('H', [{ ...rule, limit: 1000 }], 1, 'consume')], // id says 5
      ['rules', () => store.applyRateLimit('I', [null as never], 1, 'consume')],
      ['rules', () => store.applyRateLimit('J', Array(17).fill(rule), 1, 'consume')],
    ];
    const outcomes = await Promise.allSettled([
      store.applyRateLimit('A', limiter.rules, 1, 'consume'),
      ...bad.map(([, call]) => call()),
      store.applyRateLimit('E', limiter.rules, 1, 'consume'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', ...bad.map(() => 'rejected'), 'fulfilled']);
    bad.forEach(([parameter], i) => {
      const o = outcomes[i + 1] as PromiseRejectedResult;
      expect(o.reason).toMatchObject({ code: 'INPUT_INVALID', details: { parameter } });
    });
    expect((await limiter.peek('A')).remaining).toBe(4);
    expect((await limiter.peek('C')).remaining).toBe(5);
    expect((await limiter.peek('E')).remaining).toBe(4);
    await expect(store.resetRateLimit('A', [{ ...rule, windowMs: -1 }])).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
    expect((await limiter.peek('A')).remaining).toBe(4);
  });

  it('reads integer replies given as strings (ioredis stringNumbers) on every script', async () => {
    const client = new Redis(redisUrl, { stringNumbers: true });
    client.on('error', () => {});
    try {
      const store = createRedisStore({ client, prefix: `${prefix}string-numbers:` });
      const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, store });
      expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 0, reason: 'ok' });
      expect(await limiter.consume('k')).toMatchObject({ allowed: false, reason: 'limit' });
      const guard = createLoginGuard({ store, freeFailures: 1 });
      const attempt = { account: 'alice', ip: '192.0.2.1' };
      expect((await guard.check(attempt)).allowed).toBe(true);
      await guard.failure(attempt);
      await guard.failure(attempt);
      expect(await guard.check(attempt)).toMatchObject({ allowed: false, reason: 'delay' });
      expect(await store.markOtpStepUsed('u', 5, 90_000)).toBe(true);
      expect(await store.markOtpStepUsed('u', 5, 90_000)).toBe(false);
      expect(await store.markRecoveryCodeUsed('u', 'c1')).toBe(true);
      expect(await store.markRecoveryCodeUsed('u', 'c1')).toBe(false);
    } finally {
      client.disconnect();
    }
  });

  it('treats a reply of the wrong shape as an outage, never as a decision or a replay', async () => {
    for (const bad of [
      null,
      'OK',
      [null, null, null, null, null],
      [1, 0, 1.5, 0, 0],
      [2, 0, 0, 0, 0],
      [1, 0, -1, 0, 0],
    ]) {
      const client = {
        evalsha: async () => bad,
        eval: async () => bad,
        script: async () => 'sha',
      };
      const store = createRedisStore({ client: client as never, prefix: `${prefix}bad-reply:` });
      const limiter = createRateLimiter({ limit: 5, windowMs: 60_000, store });
      expect(await limiter.consume('k'), JSON.stringify(bad)).toMatchObject({ reason: 'store-error' });
      const guard = createLoginGuard({ store });
      expect((await guard.check({ account: 'a', ip: '192.0.2.1' })).reason, JSON.stringify(bad)).toBe('store-error');
      await expect(store.markOtpStepUsed('u', 1, 1000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.markRecoveryCodeUsed('u', 'c')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    }
  });

  it('does nothing on construction', () => {
    const calls: string[] = [];
    const spy = new Proxy(
      {},
      {
        get: (_t, name) => {
          if (name === 'then') return undefined;
          return (...args: unknown[]) => {
            calls.push(`${String(name)}(${args.length})`);
            return Promise.resolve([1, 0, 0, 0, 0]);
          };
        },
      },
    );
    createRedisStore({ client: spy as never });
    expect(calls).toEqual([]);
  });
});
