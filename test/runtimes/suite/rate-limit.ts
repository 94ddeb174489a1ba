import {
  createLoginGuard,
  createRateLimiter,
  createRateLimitMemoryStore,
  ipKey,
  type RateLimitAlgorithm,
  rateLimitHeaders,
} from 'bulwark/rate-limit';
import { equal, ok, throwsCode } from './assert.js';
import type { ConformanceCase } from './index.js';

const START = Date.UTC(2026, 0, 1);
const ALGORITHMS: RateLimitAlgorithm[] = ['sliding-window', 'sliding-log', 'token-bucket', 'fixed-window'];

export function rateLimitCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = ALGORITHMS.map((algorithm) => ({
    name: `${algorithm}: admits the limit, denies without consuming, recovers after retryAfterMs`,
    run: async () => {
      let now = START + 123;
      const limiter = createRateLimiter({ algorithm, limit: 3, windowMs: 1000, now: () => now });
      for (let i = 0; i < 3; i++) equal((await limiter.consume('k')).allowed, true, `request ${i + 1}`);
      const denied = await limiter.consume('k');
      equal(denied.allowed, false, 'fourth request');
      equal(denied.reason, 'limit', 'reason');
      ok(denied.retryAfterMs > 0, 'retryAfterMs > 0');
      equal(limiter.consumeSync('k').retryAfterMs, denied.retryAfterMs, 'a denial consumed nothing');
      now += denied.retryAfterMs;
      equal((await limiter.consume('k')).allowed, true, 'allowed after retryAfterMs');
    },
  }));
  cases.push(
    {
      name: 'the default memory store and clock work here (promise and sync paths)',
      run: async () => {
        const limiter = createRateLimiter({ limit: 5, windowMs: 60_000 });
        equal((await limiter.consume('k')).remaining, 4, 'first');
        equal(limiter.consumeSync('k').remaining, 3, 'second');
        equal((await limiter.peek('k')).remaining, 3, 'peek');
      },
    },
    {
      name: 'several limits are all-or-nothing',
      run: async () => {
        let now = START;
        const limiter = createRateLimiter({
          limits: [
            { limit: 2, windowMs: 1000 },
            { limit: 3, windowMs: 60_000, algorithm: 'fixed-window' },
          ],
          now: () => now,
        });
        await limiter.consume('k');
        await limiter.consume('k');
        equal((await limiter.consume('k')).limit, 2, 'short limit binds');
        now += 2000;
        equal((await limiter.consume('k')).remaining, 0, 'daily limit saw only 2');
        equal((await limiter.consume('k')).allowed, false, 'daily limit binds');
      },
    },
    {
      name: 'ipKey normalizes addresses and refuses garbage',
      run: async () => {
        equal(ipKey('::ffff:192.0.2.1'), '192.0.2.1', 'IPv4-mapped');
        equal(ipKey('2001:DB8::1%eth0'), '2001:db8::/56', 'IPv6 prefix, zone id');
        equal(ipKey('2001:db8:0:1:2:3:4:5', { ipv6Prefix: 128 }), '2001:db8:0:1:2:3:4:5', 'full address');
        await throwsCode(() => ipKey('999.1.1.1'), 'INPUT_INVALID', 'bad IPv4');
      },
    },
    {
      name: 'rateLimitHeaders writes the IETF structured fields',
      run: () => {
        const h = rateLimitHeaders(
          {
            allowed: false,
            limit: 10,
            remaining: 0,
            resetMs: 4500,
            retryAfterMs: 2100,
            windowMs: 60_000,
            reason: 'limit',
          },
          'api',
        );
        equal(h['RateLimit-Policy'], '"api";q=10;w=60', 'RateLimit-Policy');
        equal(h.RateLimit, '"api";r=0;t=5', 'RateLimit');
        equal(h['Retry-After'], '3', 'Retry-After');
      },
    },
    {
      name: 'store failure follows onStoreError and never rejects',
      run: async () => {
        const store = {
          applyRateLimit: () => Promise.reject(new Error('down')),
          resetRateLimit: () => Promise.resolve(),
        };
        const deny = await createRateLimiter({ limit: 1, windowMs: 1000, store }).consume('k');
        equal(deny.allowed, false, 'deny');
        equal(deny.reason, 'store-error', 'deny reason');
        const allow = await createRateLimiter({ limit: 1, windowMs: 1000, store, onStoreError: 'allow' }).consume('k');
        equal(allow.allowed, true, 'allow');
      },
    },
    {
      name: 'login guard: progressive delay on one IP, other IPs unaffected',
      run: async () => {
        let now = START;
        const guard = createLoginGuard({ store: createRateLimitMemoryStore({ now: () => now }) });
        const attacker = { account: 'a@example.com', ip: '203.0.113.1' };
        for (let i = 0; i < 5; i++) {
          const gate = await guard.check(attacker);
          if (!gate.allowed) now += gate.retryAfterMs;
          await guard.failure(attacker);
        }
        const gate = await guard.check(attacker);
        equal(gate.reason, 'delay', 'attacker delayed');
        equal(gate.retryAfterMs, 2000, 'delay doubled');
        equal((await guard.check({ account: 'a@example.com', ip: '198.51.100.2' })).allowed, true, 'user allowed');
      },
    },
  );
  return cases;
}
