/**
 * Connects the Redis tests to the real server at BULWARK_REDIS_URL (default redis://127.0.0.1:6379) with both
 * common clients. Without a server the tests skip with a message; with BULWARK_REQUIRE_SERVICES=1 (CI) they fail.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';

export const redisUrl = process.env.BULWARK_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const servicesRequired = process.env.BULWARK_REQUIRE_SERVICES === '1';

export type NodeRedisClient = Awaited<ReturnType<typeof connectNodeRedisRaw>>;

function connectNodeRedisRaw(url: string) {
  return createClient({ url });
}

/** True when a Redis server answers PING at `url`. */
export async function redisAvailable(url = redisUrl): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Decides whether this file's tests run: throws under BULWARK_REQUIRE_SERVICES=1 when the server is missing. */
export async function redisTestsEnabled(): Promise<boolean> {
  if (await redisAvailable()) return true;
  if (servicesRequired)
    throw new Error(`Redis is required (BULWARK_REQUIRE_SERVICES=1) but not reachable at ${redisUrl}`);
  console.warn(
    `[skip] Redis tests: no server at ${redisUrl} (set BULWARK_REDIS_URL, or BULWARK_REQUIRE_SERVICES=1 to fail)`,
  );
  return false;
}

export function connectIoredis(url = redisUrl): Redis {
  const client = new Redis(url, { lazyConnect: false });
  client.on('error', () => {});
  return client;
}

export async function connectNodeRedis(url = redisUrl): Promise<NodeRedisClient> {
  const client = connectNodeRedisRaw(url);
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** The connections {@link useRedisClients} opens: `admin` for inspecting keys, and one store client of each kind. */
export interface RedisTestClients {
  admin: Redis;
  ioredis: Redis;
  nodeRedis: NodeRedisClient;
}

/**
 * Opens the clients before the enclosing describe's tests and, after them, deletes every key under `prefix` and
 * closes the clients. The fields are set in `beforeAll`: read them inside tests or store factories, not at definition.
 */
export function useRedisClients(prefix: string): RedisTestClients {
  const clients = {} as RedisTestClients;
  beforeAll(async () => {
    clients.admin = connectIoredis();
    clients.ioredis = connectIoredis();
    clients.nodeRedis = await connectNodeRedis();
  });
  afterAll(async () => {
    await deletePrefix(clients.admin, prefix);
    clients.admin.disconnect();
    clients.ioredis.disconnect();
    await clients.nodeRedis.quit();
  });
  return clients;
}

/** Each client library under test, by name, read lazily (the clients connect in beforeAll). */
export function clientKinds(redis: RedisTestClients): Record<'ioredis' | 'node-redis', () => Redis | NodeRedisClient> {
  return { ioredis: () => redis.ioredis, 'node-redis': () => redis.nodeRedis };
}

/** A key prefix unique to this test run, so parallel runs on one server never meet. */
export function uniquePrefix(label: string): string {
  return `bulwark-test:${label}:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}:`;
}

/** Deletes every key under `prefix`. */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out.sort();
}
