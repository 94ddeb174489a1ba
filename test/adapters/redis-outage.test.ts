/**
 * Outage: a dedicated redis-server on a free port, killed mid-run and restarted on the same port. With both
 * clients, `deny` must deny and `allow` must allow (each saying `reason: 'store-error'`) within the timeout, no
 * promise may reject unhandled, and the limiter must recover by itself once the server is back.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisClientLike } from '../../adapters/redis/index.js';
import { createLoginGuard, createRateLimiter, type RateLimitResult } from '../../src/rate-limit/index.js';
import { servicesRequired } from './redis/support.js';

function redisServerPath(): string | undefined {
  try {
    return execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const serverPath = redisServerPath();
if (serverPath === undefined) {
  if (servicesRequired) throw new Error('redis-server is required (BULWARK_REQUIRE_SERVICES=1) but not on PATH');
  console.warn('[skip] Redis outage test: no redis-server binary on PATH');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    serverPath as string,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe.skipIf(serverPath === undefined)('Redis outage and recovery', () => {
  let port: number;
  let server: ChildProcess;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    port = await freePort();
    server = await startServer(port);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await stopServer(server);
  });

  const clients: Record<string, () => Promise<{ client: RedisClientLike; close: () => Promise<void> }>> = {
    ioredis: async () => {
      const client = new Redis(port, '127.0.0.1', { retryStrategy: () => 50 });
      client.on('error', () => {});
      return { client, close: async () => client.disconnect() };
    },
    'node-redis': async () => {
      const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 50 } });
      client.on('error', () => {});
      await client.connect();
      return { client, close: async () => void client.destroy() };
    },
  };

  /** Polls `probe` until it holds or `ms` pass; returns whether it held. */
  async function eventually(probe: () => Promise<boolean>, ms = 3000): Promise<boolean> {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      if (await probe()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return probe();
  }

  for (const [kind, connect] of Object.entries(clients)) {
    it(`with ${kind}: calls that time out on a paused server and run later are taken back`, async () => {
      const { client, close } = await connect();
      const admin = new Redis(port, '127.0.0.1');
      try {
        const store = createRedisStore({ client, prefix: `paused-${kind}:` });
        const limiter = createRateLimiter({ name: 'paused', limit: 3, windowMs: 3_600_000, store, timeoutMs: 50 });
        const guard = createLoginGuard({ store, name: 'paused', timeoutMs: 50, freeFailures: 0 });
        const who = { account: 'alice', ip: '192.0.2.1' };
        expect((await limiter.peek('p')).remaining).toBe(3);
        // Scripts count as writes: every call below waits for the pause to end, well after its deadline.
        await admin.call('CLIENT', 'PAUSE', '400', 'WRITE');
        const during = await Promise.all([
          limiter.consume('p'),
          limiter.consume('p'),
          limiter.consume('p'),
          guard.check(who),
          guard.check(who),
        ]);
        for (const r of during) expect(r).toMatchObject({ allowed: false, reason: 'store-error' });
        // The consumes ran after the pause and took the whole quota; each is refunded once its late answer arrives.
        expect(await eventually(async () => (await limiter.peek('p')).remaining === 3)).toBe(true);
        // Two reservations left behind would delay alice (freeFailures 0); released, they do not.
        expect(await guard.check(who)).toMatchObject({ allowed: true, reason: 'ok', failures: 0 });
        expect(unhandled).toEqual([]);
      } finally {
        await admin.call('CLIENT', 'UNPAUSE');
        admin.disconnect();
        await close();
      }
    });

    it(`with ${kind}: deny denies, allow allows, in bounded time, then recovers by itself`, async () => {
      const { client, close } = await connect();
      try {
        const store = createRedisStore({ client, prefix: `outage-${kind}:` });
        const deny = createRateLimiter({ name: 'deny', limit: 100, windowMs: 60_000, store, timeoutMs: 200 });
        const allow = createRateLimiter({
          name: 'allow',
          limit: 100,
          windowMs: 60_000,
          store,
          timeoutMs: 200,
          onStoreError: 'allow',
        });
        const guard = createLoginGuard({ store, timeoutMs: 200 });
        expect(await deny.consume('k')).toMatchObject({ allowed: true, reason: 'ok' });
        expect(await allow.consume('k')).toMatchObject({ allowed: true, reason: 'ok' });

        // Kill the server while requests are in flight.
        let stop = false;
        const inFlight: RateLimitResult[] = [];
        const loop = (async () => {
          while (!stop) inFlight.push(...(await Promise.all(Array.from({ length: 10 }, () => deny.consume('m')))));
        })();
        await new Promise((r) => setTimeout(r, 30));
        await stopServer(server);
        await new Promise((r) => setTimeout(r, 300));
        stop = true;
        await loop;
        expect(inFlight.some((r) => r.reason === 'ok')).toBe(true);
        expect(inFlight.some((r) => r.reason === 'store-error')).toBe(true);
        for (const r of inFlight) expect(r.allowed).toBe(r.reason === 'ok');

        const started = performance.now();
        const [denied, allowed, gate] = await Promise.all([
          Promise.all(Array.from({ length: 20 }, () => deny.consume('k'))),
          Promise.all(Array.from({ length: 20 }, () => allow.consume('k'))),
          guard.check({ account: 'alice', ip: '192.0.2.1' }),
        ]);
        const elapsed = performance.now() - started;
        for (const r of denied) expect(r).toMatchObject({ allowed: false, reason: 'store-error' });
        for (const r of allowed) expect(r).toMatchObject({ allowed: true, reason: 'store-error' });
        expect(gate).toMatchObject({ allowed: false, reason: 'store-error' });
        // Bounded by the 200 ms timeout (generous margin for a loaded machine): never a hang.
        expect(elapsed).toBeLessThan(5000);

        server = await startServer(port);
        let recovered = false;
        for (let i = 0; i < 100 && !recovered; i++) {
          const r = await deny.consume('k');
          recovered = r.reason === 'ok';
          if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(recovered).toBe(true);
        expect(await allow.consume('k')).toMatchObject({ allowed: true, reason: 'ok' });
        await new Promise((r) => setTimeout(r, 50));
        expect(unhandled).toEqual([]);
      } finally {
        await close();
      }
    });
  }
});
