/**
 * The Redis store as the OTP replay and recovery-code store: the shared OTP store contract (test/stores/
 * otp-contract.ts) against the real server with both clients. TTLs there run on real time, so `advance` sleeps.
 */
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../../adapters/redis/index.js';
import { otpStoreContract } from '../stores/otp-contract.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { keysUnder, redisTestsEnabled, uniquePrefix, useRedisClients } from './redis/support.js';

const enabled = await redisTestsEnabled();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.skipIf(!enabled)('Redis store for OTP', () => {
  const prefix = uniquePrefix('otp');
  const redis = useRedisClients(prefix);

  otpStoreContract('redis via ioredis', () => ({
    store: createRedisStore({ client: redis.ioredis, prefix }),
    advance: sleep,
  }));
  otpStoreContract('redis via node-redis', () => ({
    store: createRedisStore({ client: redis.nodeRedis, prefix }),
    advance: sleep,
  }));

  it('gives step records and recovery marks a TTL and encoded key names', async () => {
    const p = `${prefix}ttl:`;
    const store = createRedisStore({ client: redis.ioredis, prefix: p });
    expect(await store.markOtpStepUsed('user}{1', 10, 90_000)).toBe(true);
    expect(await store.markRecoveryCodeUsed('user}{1', 'code-a')).toBe(true);
    const keys = await keysUnder(redis.admin, p);
    expect(keys).toEqual([`${p}otp:{user%7D%7B1}`, `${p}rc:{user%7D%7B1}`]);
    for (const key of keys) expect(await redis.admin.pttl(key)).toBeGreaterThan(0);
  });

  it('refuses out-of-range input like the memory OTP store', async () => {
    const store = createRedisStore({ client: redis.ioredis, prefix });
    await expectBulwarkError(() => store.markOtpStepUsed('', 1, 1000), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markOtpStepUsed('k', -1, 1000), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markOtpStepUsed('k', 1.5, 1000), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markOtpStepUsed('k', 1, 0), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markRecoveryCodeUsed('k', ''), 'INPUT_INVALID');
    expectBulwarkErrorSync(
      () => createRedisStore({ client: redis.ioredis, recoveryMarkTtlMs: 1000 }),
      'CONFIG_INVALID',
    );
  });
});
