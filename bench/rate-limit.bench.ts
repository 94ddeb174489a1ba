/**
 * Rate limiting: ours against rate-limiter-flexible (RateLimiterMemory, RateLimiterRedis on ioredis) and
 * express-rate-limit's MemoryStore, in one process.
 *
 * - Memory, 1 key and 100k keys, through the Promise API (every library's normal path) and through our
 *   `consumeSync`. Each case runs 100 decisions per sample so the harness's own await does not dominate. Every
 *   store is pre-filled with the same key strings before timing, so all cases start from the same state. A
 *   reference row (a bare `Map` lookup and counter, async and not) shows the floor under every library.
 * - Heap bytes per tracked key: a child process with --expose-gc inserts 100k address-like keys (made on the fly and
 *   kept only by the store, so the key strings count, as they would in an app) and reports the growth of heap + array buffers, after GC, divided by
 *   100k.
 * - Redis: decisions per second with 50 requests in flight on one connection, on one hot key and on 1,000 keys:
 *   ours (sliding window, at most one EVALSHA per decision, concurrent decisions sharing calls of at most 8) with
 *   the default for a standalone ioredis client (batches across slots) and with the per-slot batching that cluster
 *   clients get, against rate-limiter-flexible's RateLimiterRedis (fixed window, one EVALSHA per decision).
 *
 * Run alone: `node --expose-gc --import tsx bench/rate-limit.bench.ts --heap <library>` prints one heap figure.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRedisStore } from 'bulwark/adapters/redis';
import { createRateLimiter } from 'bulwark/rate-limit';
import { MemoryStore } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { compare } from './support.js';

const BATCH = 100;
const KEY_COUNT = 100_000;
const LIMIT = 1_000_000_000; // never reached: every library measures an admitted request
const WINDOW_MS = 60_000;

function makeErl(): MemoryStore {
  const store = new MemoryStore();
  store.init({ windowMs: WINDOW_MS } as never);
  return store;
}

/**
 * The floor of any limiter over a `Map`: one lookup, one counter bump and a fresh result, with no clock, no
 * algorithm, no input checks and no eviction bound. Not a product (it never forgets a key): it shows what is
 * structural, as the bare four-call row does for envelopes. `consume` is the same through an async function.
 */
function bareMapLookup() {
  const counts = new Map<string, { hits: number }>();
  const decide = (key: string) => {
    let entry = counts.get(key);
    if (entry === undefined) counts.set(key, (entry = { hits: 0 }));
    entry.hits++;
    return { allowed: true, limit: LIMIT, remaining: LIMIT - entry.hits, resetMs: 0, retryAfterMs: 0 };
  };
  return { decide, consume: async (key: string) => decide(key) };
}

async function memoryCases(label: string, keys: readonly string[]): Promise<void> {
  const ours = createRateLimiter({ limit: LIMIT, windowMs: WINDOW_MS });
  const oursSync = createRateLimiter({ limit: LIMIT, windowMs: WINDOW_MS });
  const rlf = new RateLimiterMemory({ points: LIMIT, duration: WINDOW_MS / 1000 });
  const erl = makeErl();
  const bare = bareMapLookup();
  // Every store starts the measurement holding every key, so no case pays for first inserts the others skipped
  // (the synchronous comparison would otherwise pit a cold store of ours against peers warmed by the first table).
  for (const key of keys) {
    await ours.consume(key);
    oursSync.consumeSync(key);
    await rlf.consume(key);
    await erl.increment(key);
    bare.decide(key);
  }
  const count = keys.length;
  const keyOf = (i: number) => keys[i % count] as string;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let e = 0;
  let f = 0;
  await compare(`memory, ${label}: Promise API (${BATCH} decisions per sample)`, [
    {
      name: 'bulwark consume (sliding window)',
      ours: true,
      fn: async () => {
        for (let i = 0; i < BATCH; i++) await ours.consume(keyOf(a++));
      },
    },
    {
      name: 'rate-limiter-flexible RateLimiterMemory',
      fn: async () => {
        for (let i = 0; i < BATCH; i++) await rlf.consume(keyOf(b++));
      },
    },
    {
      name: 'express-rate-limit MemoryStore.increment',
      fn: async () => {
        for (let i = 0; i < BATCH; i++) await erl.increment(keyOf(c++));
      },
    },
    {
      name: 'reference: async Map lookup, no algorithm',
      fn: async () => {
        for (let i = 0; i < BATCH; i++) await bare.consume(keyOf(e++));
      },
    },
  ]);
  await compare(`memory, ${label}: our synchronous path against the Promise APIs`, [
    {
      name: 'bulwark consumeSync (sliding window)',
      ours: true,
      fn: () => {
        for (let i = 0; i < BATCH; i++) oursSync.consumeSync(keyOf(d++));
      },
    },
    {
      name: 'express-rate-limit MemoryStore.increment',
      fn: async () => {
        for (let i = 0; i < BATCH; i++) await erl.increment(keyOf(c++));
      },
    },
    {
      name: 'rate-limiter-flexible RateLimiterMemory',
      fn: async () => {
        for (let i = 0; i < BATCH; i++) await rlf.consume(keyOf(b++));
      },
    },
    {
      name: 'reference: Map lookup, no algorithm',
      fn: () => {
        for (let i = 0; i < BATCH; i++) bare.decide(keyOf(f++));
      },
    },
  ]);
  erl.shutdown();
}

/**
 * An IPv4-address-like key for client `i`, built by `join` so it is one flat string, as an address read from a socket
 * is (a template literal would leave a rope that costs more memory than the key itself).
 */
function ipv4Key(i: number): string {
  return ['10', String((i >> 16) & 0xff), String((i >> 8) & 0xff), String(i & 0xff)].join('.');
}

/** Child-process body: bytes of heap + array buffers per tracked key for one library. */
async function measureHeap(library: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const usage = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const algorithm = library.startsWith('bulwark-') ? library.slice('bulwark-'.length) : 'sliding-window';
  const ours = createRateLimiter({ algorithm: algorithm as never, limit: 1000, windowMs: WINDOW_MS });
  const rlf = new RateLimiterMemory({ points: 1000, duration: WINDOW_MS / 1000 });
  const erl = makeErl();
  await ours.consume('warm');
  await rlf.consume('warm');
  await erl.increment('warm');
  const before = usage();
  for (let i = 0; i < KEY_COUNT; i++) {
    const key = ipv4Key(i);
    if (library.startsWith('bulwark')) ours.consumeSync(key);
    else if (library === 'rate-limiter-flexible') await rlf.consume(key);
    else await erl.increment(key);
  }
  const after = usage();
  // Touch every store after measuring so none of them is collected before the second reading.
  const alive = [
    ours.consumeSync('warm').limit,
    (await rlf.get('warm'))?.consumedPoints,
    (await erl.get('warm'))?.totalHits,
  ];
  console.log(JSON.stringify({ library, bytesPerKey: (after - before) / KEY_COUNT, alive: alive.length }));
  erl.shutdown();
  process.exit(0);
}

async function heapTable(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const root = fileURLToPath(new URL('..', import.meta.url));
  console.log(
    `\n## memory: heap + array-buffer bytes per tracked key (${KEY_COUNT.toLocaleString('en-US')} keys, after GC)`,
  );
  for (const library of [
    'bulwark-sliding-window',
    'bulwark-fixed-window',
    'bulwark-token-bucket',
    'express-rate-limit',
    'rate-limiter-flexible',
  ]) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--heap', library], {
      cwd: root,
      encoding: 'utf8',
    });
    const line = out.trim().split('\n').pop() as string;
    const { bytesPerKey } = JSON.parse(line) as { bytesPerKey: number };
    console.log(`${library.padEnd(26)}  ${bytesPerKey.toFixed(0).padStart(6)} bytes/key`);
  }
}

/** Decisions per second with `concurrency` requests always in flight, for `durationMs`. */
async function throughput(
  fn: (i: number) => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  let done = 0;
  let next = 0;
  const end = performance.now() + durationMs;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn(next++);
        done++;
      }
    }),
  );
  return (done / (performance.now() - start)) * 1000;
}

async function redisTable(): Promise<void> {
  const url = process.env.BULWARK_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    console.log(`\n## redis: skipped (no server at ${url})`);
    return;
  }
  const prefix = `bench:${Date.now()}:`;
  const ours = createRateLimiter({ limit: LIMIT, windowMs: WINDOW_MS, store: createRedisStore({ client, prefix }) });
  // Per slot, as under Redis Cluster: the default for cluster clients, forced here on a standalone one.
  const oursPerSlot = createRateLimiter({
    limit: LIMIT,
    windowMs: WINDOW_MS,
    store: createRedisStore({ client, prefix: `${prefix}x:`, batchAcrossSlots: false }),
  });
  const rlf = new RateLimiterRedis({
    storeClient: client,
    points: LIMIT,
    duration: WINDOW_MS / 1000,
    keyPrefix: `${prefix}rlf`,
  });
  const durationMs = process.env.BENCH_QUICK === '1' ? 500 : 3000;
  const cases: [string, (key: string) => Promise<unknown>][] = [
    ['bulwark sliding window', (k) => ours.consume(k)],
    ['bulwark sliding window, batchAcrossSlots: false (per slot, as on Cluster)', (k) => oursPerSlot.consume(k)],
    ['rate-limiter-flexible RateLimiterRedis', (k) => rlf.consume(k)],
  ];
  for (const [label, keyOf] of [
    ['1 hot key', () => 'hot'],
    ['1,000 keys', (i: number) => `user-${i % 1000}`],
  ] as const) {
    for (const [, fn] of cases) await throughput((i) => fn(keyOf(i)), 50, 200);
    const rates = new Map<string, number>();
    for (let round = 0; round < 2; round++) {
      for (const [name, fn] of cases) {
        const rate = await throughput((i) => fn(keyOf(i)), 50, durationMs);
        rates.set(name, Math.max(rates.get(name) ?? 0, rate));
      }
    }
    const base = rates.get('bulwark sliding window') as number;
    console.log(`\n## redis, ${label}: decisions/s, 50 in flight on one ioredis connection (best of 2 rounds)`);
    for (const [name, rate] of rates) {
      const ratio = name === 'bulwark sliding window' ? '(ours)' : `${(base / rate).toFixed(2)}×`;
      console.log(`${name.padEnd(72)}  ${Math.round(rate).toLocaleString('en-US').padStart(10)}  ${ratio}`);
    }
  }
  let cursor = '0';
  do {
    const [nextCursor, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
  client.disconnect();
}

export async function run(): Promise<void> {
  await memoryCases('1 key', ['client-1']);
  // The same key strings for every library, so each pays the same hashing and string comparison.
  const keys = Array.from({ length: KEY_COUNT }, (_, i) => ipv4Key(i));
  await memoryCases(`${KEY_COUNT.toLocaleString('en-US')} keys`, keys);
  await heapTable();
  await redisTable();
}

const heapIndex = process.argv.indexOf('--heap');
if (heapIndex >= 0) await measureHeap(process.argv[heapIndex + 1] as string);
