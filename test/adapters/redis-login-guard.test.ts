import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../../adapters/redis/index.js';
import { createLoginGuard, DEFAULT_LOGIN_GUARD } from '../../src/rate-limit/index.js';
import {
  checkAgainstModel,
  checkDelayOutlivesCounter,
  checkInterleavings,
  concurrentBurst,
} from '../rate-limit/login-guard-scenarios.js';
import { createFakeClock, type FakeClock } from '../support/clock.js';
import { clientKinds, keysUnder, redisTestsEnabled, uniquePrefix, useRedisClients } from './redis/support.js';

const enabled = await redisTestsEnabled();

describe.skipIf(!enabled)('login guard over Redis', () => {
  const prefix = uniquePrefix('login');
  const redis = useRedisClients(prefix);
  const clients = clientKinds(redis);

  for (const [kind, client] of Object.entries(clients)) {
    describe(`with ${kind}`, () => {
      let sequence = 0;
      const fresh = (clock?: FakeClock) =>
        createRedisStore({
          client: client(),
          prefix: `${prefix}${kind}:${sequence++}:`,
          ...(clock === undefined ? {} : { unsafeNowForTesting: clock.now }),
        });

      it('500 concurrent attempts on one account and IP get no further than the free allowance', async () => {
        const { allowed, failures } = await concurrentBurst(fresh());
        expect(allowed).toBe(DEFAULT_LOGIN_GUARD.freeFailures + 1);
        expect(failures).toBe(allowed);
      });

      it('the account ceiling counts attempts in flight', async () => {
        const guard = createLoginGuard({ store: fresh(), accountMaxFailures: 10, freeFailures: 100 });
        const gates = await Promise.all(
          Array.from({ length: 200 }, (_, i) => guard.check({ account: 'carol', ip: `203.0.113.${i % 250}` })),
        );
        expect(gates.filter((g) => g.allowed)).toHaveLength(10);
      });

      it('matches the reference model step by step', async () => {
        await checkAgainstModel(() => {
          const clock = createFakeClock();
          return { clock, store: fresh(clock) };
        }, 40);
      });

      it('no interleaving of concurrent sessions gets further than the same sessions one after another', async () => {
        const clock = createFakeClock();
        await checkInterleavings(() => fresh(clock), 30);
      });

      it('the account+IP counter outlives its delay, even when maxDelayMs exceeds accountWindowMs', async () => {
        const clock = createFakeClock();
        await checkDelayOutlivesCounter(fresh(clock), clock);
      });

      it('reservations carry a TTL, and releasing creates no key', async () => {
        const store = fresh();
        const guard = createLoginGuard({ store, inFlightTtlMs: 5000 });
        await guard.success({ account: 'nobody', ip: '192.0.2.9' });
        expect(await keysUnder(redis.admin, store.prefix)).toEqual([]);
        expect((await guard.check({ account: 'alice', ip: '192.0.2.1' })).allowed).toBe(true);
        const keys = await keysUnder(redis.admin, store.prefix);
        expect(keys).toHaveLength(3);
        for (const key of keys) {
          const ttl = await redis.admin.pttl(key);
          expect(ttl, key).toBeGreaterThan(0);
          expect(ttl, key).toBeLessThanOrEqual(5000);
        }
        await guard.success({ account: 'alice', ip: '192.0.2.1' });
        const [ipKey] = await keysUnder(redis.admin, store.prefix);
        expect(await redis.admin.hget(ipKey as string, 'n')).toBe('0');
        expect(await redis.admin.pttl(ipKey as string)).toBeGreaterThan(0);
      });
    });
  }
});
