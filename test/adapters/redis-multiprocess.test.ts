/**
 * Exactness across app instances: 4 separate Node processes (two on ioredis, two on node-redis) each fire 500
 * concurrent consumes at one key with a limit of 1000. The Redis store must admit exactly 1000 in total, for every
 * algorithm: the decision is one atomic script, so no interleaving can over- or under-admit.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIoredis, deletePrefix, redisTestsEnabled, redisUrl, uniquePrefix } from './redis/support.js';

const enabled = await redisTestsEnabled();
const worker = fileURLToPath(new URL('./redis/consume-worker.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Report {
  allowed: number;
  errors: number;
}

describe.skipIf(!enabled)('Redis store across 4 processes', () => {
  const prefix = uniquePrefix('multiprocess');
  const children: ChildProcess[] = [];
  let admin: Redis;

  beforeAll(async () => {
    admin = connectIoredis();
    const kinds = ['ioredis', 'node-redis', 'ioredis', 'node-redis'];
    await Promise.all(
      kinds.map(
        (kind) =>
          new Promise<void>((resolve, reject) => {
            const child = fork(worker, [redisUrl, prefix, kind], {
              cwd: root,
              execArgv: ['--import', 'tsx'],
              stdio: 'inherit',
            });
            children.push(child);
            child.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
            child.once('error', reject);
            child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
          }),
      ),
    );
  });

  afterAll(async () => {
    for (const child of children) {
      child.removeAllListeners('exit');
      if (child.connected) child.send('exit');
    }
    await deletePrefix(admin, prefix);
    admin.disconnect();
  });

  for (const algorithm of ['sliding-window', 'sliding-log', 'token-bucket', 'fixed-window']) {
    it(`${algorithm}: 4 × 500 concurrent requests, limit 1000, admit exactly 1000`, async () => {
      const key = `hot-${algorithm}`;
      const reports = await Promise.all(
        children.map(
          (child) =>
            new Promise<Report>((resolve) => {
              child.once('message', (m) => resolve(m as Report));
              child.send({ algorithm, key, count: 500 });
            }),
        ),
      );
      expect(reports.reduce((s, r) => s + r.errors, 0)).toBe(0);
      const total = reports.reduce((s, r) => s + r.allowed, 0);
      console.log(`${algorithm}: admitted ${total} of 2000 (per process ${reports.map((r) => r.allowed).join(', ')})`);
      expect(total).toBe(1000);
    });
  }
});
