/**
 * Batching in the Redis store: concurrent decisions in one hash slot share a script call and stay exact; decisions
 * alone go alone; a failed or malformed batch reply reaches every decision in it as a store error, and so does a
 * malformed login-counter reply. The parts that need no server use a scripted fake client; the rest run against
 * the real server.
 */
import { Cluster, Redis as IoRedis, type Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterSlot } from '../../adapters/redis/batch.js';
import { isSingleServerClient } from '../../adapters/redis/client.js';
import { createRedisStore } from '../../adapters/redis/index.js';
import { createLoginGuard, createRateLimiter } from '../../src/rate-limit/index.js';
import { connectIoredis, deletePrefix, redisTestsEnabled, uniquePrefix } from './redis/support.js';

describe('clusterSlot', () => {
  it('matches Redis CLUSTER KEYSLOT (CRC16/XMODEM mod 16384)', () => {
    expect(clusterSlot('123456789')).toBe(0x31c3);
    expect(clusterSlot('foo')).toBe(12182);
    expect(clusterSlot('')).toBe(0);
  });
});

describe('isSingleServerClient', () => {
  it('recognises the standalone clients of ioredis and node-redis, and nothing else', () => {
    const io = new IoRedis({ lazyConnect: true });
    const ioCluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    expect(isSingleServerClient(io)).toBe(true);
    expect(isSingleServerClient(ioCluster)).toBe(false);
    expect(isSingleServerClient(createClient())).toBe(true);
    expect(isSingleServerClient(createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] }))).toBe(false);
    for (const other of [null, undefined, {}, { select() {} }, 'redis'])
      expect(isSingleServerClient(other)).toBe(false);
    io.disconnect();
    ioCluster.disconnect();
  });
});

describe('batching without a server', () => {
  function fakeClient(reply: (numKeys: number, args: string[]) => Promise<unknown>) {
    const calls: number[] = [];
    return {
      calls,
      client: {
        evalsha: (_sha: string, numKeys: number, ...rest: string[]) => {
          calls.push(numKeys);
          return reply(numKeys, rest.slice(numKeys));
        },
        eval: () => Promise.reject(new Error('not used')),
      },
    };
  }

  it('sends decisions of one job on one key in one call, and a lone decision alone', async () => {
    const { client, calls } = fakeClient(async (_n, args) => {
      const decisions = Number(args[1]);
      return Array.from({ length: decisions }, () => [1, 0, 5, 0, 0]).flat();
    });
    const limiter = createRateLimiter({ limit: 10, windowMs: 1000, store: createRedisStore({ client }) });
    await Promise.all(Array.from({ length: 5 }, () => limiter.consume('same')));
    expect(calls).toEqual([5]);
    await limiter.consume('same');
    expect(calls).toEqual([5, 1]);
  });

  it('keeps different slots apart unless batchAcrossSlots is set', async () => {
    const ok = async (_n: number, args: string[]) =>
      Array.from({ length: Number(args[1]) }, () => [1, 0, 5, 0, 0]).flat();
    const slotted = fakeClient(ok);
    const limiter = createRateLimiter({
      limit: 10,
      windowMs: 1000,
      store: createRedisStore({ client: slotted.client }),
    });
    await Promise.all(['a', 'b', 'c'].map((k) => limiter.consume(k)));
    expect(slotted.calls).toEqual([1, 1, 1]);
    const shared = fakeClient(ok);
    const across = createRateLimiter({
      limit: 10,
      windowMs: 1000,
      store: createRedisStore({ client: shared.client, batchAcrossSlots: true }),
    });
    await Promise.all(['a', 'b', 'c'].map((k) => across.consume(k)));
    expect(shared.calls).toEqual([3]);
  });

  it('sends a full batch at once: 20 decisions on one key go as 8 + 8 + 4', async () => {
    const { client, calls } = fakeClient(async (_n, args) =>
      Array.from({ length: Number(args[1]) }, () => [1, 0, 5, 0, 0]).flat(),
    );
    const limiter = createRateLimiter({ limit: 100, windowMs: 1000, store: createRedisStore({ client }) });
    await Promise.all(Array.from({ length: 20 }, () => limiter.consume('same')));
    expect(calls).toEqual([8, 8, 4]);
  });

  it('batches across slots by default only for clients that say they talk to one server', async () => {
    const ok = async (_n: number, args: string[]) =>
      Array.from({ length: Number(args[1]) }, () => [1, 0, 5, 0, 0]).flat();
    const run = async (extra: object, options: { batchAcrossSlots?: boolean } = {}) => {
      const fake = fakeClient(ok);
      const client = Object.assign(fake.client, extra);
      const limiter = createRateLimiter({
        limit: 10,
        windowMs: 1000,
        store: createRedisStore({ client, ...options }),
      });
      await Promise.all(['a', 'b', 'c'].map((k) => limiter.consume(k)));
      return fake.calls;
    };
    expect(await run({ isCluster: false })).toEqual([3]); // ioredis Redis
    expect(await run({ isCluster: true })).toEqual([1, 1, 1]); // ioredis Cluster
    expect(await run({})).toEqual([1, 1, 1]); // unrecognised: assume a cluster
    expect(await run({ isCluster: false }, { batchAcrossSlots: false })).toEqual([1, 1, 1]);
    expect(() => createRedisStore({ client: fakeClient(ok).client, batchAcrossSlots: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('retries a call refused with CROSSSLOT one slot per call, then batches per slot', async () => {
    // A proxy that refuses keys of several hash tags in one call, as a cluster-aware proxy would.
    const { client, calls } = fakeClient(async (_n, args) => {
      return Array.from({ length: Number(args[1]) }, () => [1, 0, 5, 0, 0]).flat();
    });
    const evalsha = client.evalsha;
    client.evalsha = (sha: string, numKeys: number, ...rest: string[]) => {
      const tags = new Set(rest.slice(0, numKeys).map((k) => /\{(.*)\}/.exec(k)?.[1]));
      if (tags.size > 1) {
        calls.push(-numKeys);
        return Promise.reject(new Error("CROSSSLOT Keys in request don't hash to the same slot"));
      }
      return evalsha(sha, numKeys, ...rest);
    };
    const limiter = createRateLimiter({
      limit: 10,
      windowMs: 1000,
      store: createRedisStore({ client: Object.assign(client, { isCluster: false }) }),
    });
    const first = await Promise.all(['a', 'b', 'c'].map((k) => limiter.consume(k)));
    for (const r of first) expect(r).toMatchObject({ allowed: true, reason: 'ok' });
    expect(calls).toEqual([-3, 1, 1, 1]);
    await Promise.all(['a', 'b'].map((k) => limiter.consume(k)));
    expect(calls).toEqual([-3, 1, 1, 1, 1, 1]);
  });

  it('a failed or malformed batch becomes a store error for every decision in it', async () => {
    const failing = fakeClient(() => Promise.reject(new Error('READONLY')));
    const deny = createRateLimiter({ limit: 10, windowMs: 1000, store: createRedisStore({ client: failing.client }) });
    const results = await Promise.all([deny.consume('k'), deny.consume('k')]);
    for (const r of results) expect(r).toMatchObject({ allowed: false, reason: 'store-error' });
    const malformed = fakeClient(async () => [1, 0]);
    const limiter = createRateLimiter({
      limit: 10,
      windowMs: 1000,
      store: createRedisStore({ client: malformed.client }),
    });
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, reason: 'store-error' });
    const badIndex = fakeClient(async () => [1, 7, 0, 0, 0]);
    const other = createRateLimiter({
      limit: 10,
      windowMs: 1000,
      store: createRedisStore({ client: badIndex.client }),
    });
    expect(await other.consume('k')).toMatchObject({ allowed: false, reason: 'store-error' });
  });

  it('a client that throws synchronously is a store error for every decision, never an uncaught exception', async () => {
    const uncaught: unknown[] = [];
    const record = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', record);
    try {
      for (const method of ['evalsha', 'evalSha'] as const) {
        const client: Record<string, unknown> = {
          [method]: () => {
            throw new Error('Connection is closed');
          },
          eval: () => {
            throw new Error('Connection is closed');
          },
        };
        const limiter = createRateLimiter({
          limit: 3,
          windowMs: 1000,
          store: createRedisStore({ client: client as never }),
        });
        const results = await Promise.all(Array.from({ length: 9 }, (_, i) => limiter.consume(`k${i % 3}`)));
        for (const r of results) {
          expect(r).toMatchObject({ allowed: false, reason: 'store-error' });
          expect((r.error as { code?: string }).code).toBe('STORE_UNAVAILABLE');
        }
      }
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
  });

  it('a malformed login-counter reply is a store error, and the guard fails closed on it', async () => {
    const malformed = fakeClient(async () => [0]);
    const guard = createLoginGuard({ store: createRedisStore({ client: malformed.client }) });
    const result = await guard.check({ account: 'alice', ip: '192.0.2.1' });
    expect(result).toMatchObject({ allowed: false, reason: 'store-error' });
    expect((result.error as { code: string }).code).toBe('STORE_UNAVAILABLE');
    expect(await guard.failure({ account: 'alice', ip: '192.0.2.1' })).toMatchObject({
      allowed: false,
      reason: 'store-error',
    });
  });
});

const enabled = await redisTestsEnabled();

describe.skipIf(!enabled)('batching against Redis', () => {
  const prefix = uniquePrefix('batch');
  let admin: Redis;
  let client: Redis;
  beforeAll(() => {
    admin = connectIoredis();
    client = connectIoredis();
  });
  afterAll(async () => {
    await deletePrefix(admin, prefix);
    admin.disconnect();
    client.disconnect();
  });

  it('200 concurrent decisions on a hot key take fewer calls and admit exactly the limit', async () => {
    const store = createRedisStore({ client, prefix });
    const limiter = createRateLimiter({ limit: 120, windowMs: 60_000, store });
    const before = await evalshaCalls(admin);
    const results = await Promise.all(Array.from({ length: 200 }, () => limiter.consume('hot')));
    const calls = (await evalshaCalls(admin)) - before;
    expect(results.filter((r) => r.allowed)).toHaveLength(120);
    // Another process may share the server: only check that batching happened, not an exact count.
    expect(calls).toBeLessThan(200);
    const remaining = results.filter((r) => r.allowed).map((r) => r.remaining);
    expect(new Set(remaining).size).toBe(120); // each admitted decision saw its own count
  });

  it('mixed keys across slots with batchAcrossSlots on a single server stay exact', async () => {
    const store = createRedisStore({ client, prefix: `${prefix}across:`, batchAcrossSlots: true });
    const limiter = createRateLimiter({ algorithm: 'sliding-log', limit: 7, windowMs: 60_000, store });
    const keys = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => limiter.consume(keys[i % 4] as string)));
    for (const k of keys) {
      expect(results.filter((r, i) => i % 4 === keys.indexOf(k) && r.allowed)).toHaveLength(7);
    }
  });
});

async function evalshaCalls(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
}
