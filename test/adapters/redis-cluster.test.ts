/**
 * Redis Cluster: a real three-primary cluster of redis-server processes on free loopback ports, built for this test
 * and torn down after. Multi-limit decisions (concurrent, on keys spread over the slots), the login guard and the
 * OTP stores must work through both cluster clients without a CROSSSLOT error, because every key one script touches
 * shares one hash tag; `batchAcrossSlots` is shown to be wrong for a cluster, as documented.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisClientLike } from '../../adapters/redis/index.js';
import { createLoginGuard, createRateLimiter } from '../../src/rate-limit/index.js';
import { servicesRequired } from './redis/support.js';

function binary(name: string): string | undefined {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const server = binary('redis-server');
const cli = binary('redis-cli');
if (server === undefined || cli === undefined) {
  if (servicesRequired) throw new Error('redis-server and redis-cli are required (BULWARK_REQUIRE_SERVICES=1)');
  console.warn('[skip] Redis Cluster test: redis-server or redis-cli not on PATH');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (+10000) is free too. */
async function clusterPort(taken: number[]): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if (taken.includes(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(server === undefined || cli === undefined)('Redis Cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-cluster-'));
  const nodes: ChildProcess[] = [];
  const ports: number[] = [];
  let io: Cluster;
  let node: ReturnType<typeof createCluster>;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) ports.push(await clusterPort(ports));
    for (const port of ports) {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'];
      args.push('--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no');
      nodes.push(spawn(server as string, args, { stdio: 'ignore' }));
    }
    for (const port of ports) {
      for (let i = 0; i < 100; i++) {
        try {
          if (execFileSync(cli as string, ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG') break;
        } catch {}
        await sleep(50);
      }
    }
    execFileSync(
      cli as string,
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      const states = ports.map((p) =>
        execFileSync(cli as string, ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' }),
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      await sleep(50);
    }
    io = new Cluster([{ host: '127.0.0.1', port: ports[0] as number }]);
    io.on('error', () => {});
    node = createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${ports[0]}` }] });
    node.on('error', () => {});
    await node.connect();
  }, 60_000);

  afterAll(async () => {
    io?.disconnect();
    await node?.quit().catch(() => {});
    for (const child of nodes) child.kill('SIGKILL');
    await sleep(100);
    rmSync(dir, { recursive: true, force: true });
  });

  const clients: Record<string, () => RedisClientLike> = {
    'ioredis Cluster': () => io,
    'node-redis createCluster': () => node as unknown as RedisClientLike,
  };

  for (const [kind, client] of Object.entries(clients)) {
    it(`${kind}: concurrent multi-limit decisions on keys across slots are exact, with no CROSSSLOT`, async () => {
      const store = createRedisStore({ client: client(), prefix: `cluster-${kind.length}:` });
      const limiter = createRateLimiter({
        limits: [
          { limit: 3, windowMs: 60_000 },
          { limit: 10, windowMs: 60_000, algorithm: 'sliding-log' },
          { limit: 50, windowMs: 60_000, algorithm: 'token-bucket' },
        ],
        store,
      });
      const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      const results = await Promise.all(
        keys.flatMap((k) => [limiter.consume(k), limiter.consume(k), limiter.consume(k), limiter.consume(k)]),
      );
      expect(results.filter((r) => r.reason === 'store-error')).toEqual([]);
      expect(results.filter((r) => r.allowed)).toHaveLength(3 * keys.length);
    });

    it(`${kind}: login guard and OTP stores work`, async () => {
      const store = createRedisStore({ client: client(), prefix: `cluster-guard-${kind.length}:` });
      const guard = createLoginGuard({ store, freeFailures: 0 });
      await guard.failure({ account: 'alice', ip: '192.0.2.1' });
      expect(await guard.check({ account: 'alice', ip: '192.0.2.1' })).toMatchObject({ allowed: false, failures: 1 });
      await guard.success({ account: 'alice', ip: '192.0.2.1' });
      expect((await guard.check({ account: 'alice', ip: '192.0.2.1' })).allowed).toBe(true);
      expect(await store.markOtpStepUsed('alice', 7, 60_000)).toBe(true);
      expect(await store.markOtpStepUsed('alice', 7, 60_000)).toBe(false);
      expect(await store.markRecoveryCodeUsed('alice', 'code-1')).toBe(true);
      expect(await store.markRecoveryCodeUsed('alice', 'code-1')).toBe(false);
    });
  }

  it('batchAcrossSlots forced on a cluster: the CROSSSLOT refusal is retried per slot, and counts stay exact', async () => {
    const store = createRedisStore({ client: io, prefix: 'cluster-across:', batchAcrossSlots: true });
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, store });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const results = await Promise.all(keys.flatMap((k) => [k, k, k, k].map((x) => limiter.consume(x))));
    expect(results.filter((r) => r.reason === 'store-error')).toEqual([]);
    expect(results.filter((r) => r.allowed)).toHaveLength(3 * keys.length);
  });
});
