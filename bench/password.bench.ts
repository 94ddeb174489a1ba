/**
 * Passwords: hashPassword at the default cost (scrypt N=2^17, r=8, p=1) against raw `crypto.scrypt` with the same
 * parameters (the target: under 2% overhead), event-loop lag while 4 hashes run, and bcrypt (cost 12) and
 * @node-rs/argon2 (defaults) for context: different algorithms, so the ratio is about cost, not implementation.
 */
import { scrypt as nodeScrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { hashPassword, verifyPassword } from 'bulwark/password';
import { setRuntimeOverrideForTesting } from '../src/runtime/index.js';
import { compare, median } from './support.js';

// bcrypt ships no types; these are the two functions used.
const bcrypt = createRequire(import.meta.url)('bcrypt') as {
  hash(password: string, rounds: number): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
};
const PASSWORD = 'violet tundra lighthouse';
const QUICK = process.env.BENCH_QUICK === '1';
const PARAMS = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 2 ** 20 };

function rawScrypt(password: string, salt: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    nodeScrypt(password, salt, 32, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

async function rawHash(): Promise<string> {
  const salt = randomBytes(16);
  const key = await rawScrypt(PASSWORD, salt);
  return `$scrypt$ln=17,r=8,p=1$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
}

interface SlowCase {
  name: string;
  fn: () => Promise<unknown>;
}

/**
 * Cases that take 0.05-1 s per call: tinybench's minimum of 64 iterations would take minutes each, so they run in
 * interleaved rounds (every case once per round, the order rotating) and report the median. The first case is ours.
 */
async function compareSlow(title: string, cases: SlowCase[], rounds: number): Promise<number[]> {
  const times: number[][] = cases.map(() => []);
  for (const c of cases) await c.fn(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const t = performance.now();
      await (cases[i] as SlowCase).fn();
      (times[i] as number[]).push(performance.now() - t);
    }
  }
  const medians = times.map(median);
  const ours = medians[0] as number;
  console.log(`\n## ${title} (median of ${rounds} interleaved rounds)`);
  const width = Math.max(...cases.map((c) => c.name.length), 10);
  console.log(`${'case'.padEnd(width)}  ${'ms/op'.padStart(9)}  ${'ops/s'.padStart(8)}  ours ÷ this`);
  cases.forEach((c, i) => {
    const ms = medians[i] as number;
    const ratio = i === 0 ? '(ours)' : `${(ms / ours).toFixed(2)}×`;
    console.log(
      `${c.name.padEnd(width)}  ${ms.toFixed(1).padStart(9)}  ${(1000 / ms).toFixed(2).padStart(8)}  ${ratio}`,
    );
  });
  return medians;
}

/**
 * Our fixed cost per hash and per verification (options, NFKC, UTF-8, salt, PHC parsing and encoding), measured
 * where scrypt is nearly free (N = 2^4) so that it is not lost in the noise of a one-second hash.
 */
async function fixedOverhead(defaultHashMs: number): Promise<void> {
  const cheap = { cost: { logN: 4, blockSize: 8, parallelism: 1 }, unsafeAllowLowCost: true };
  const params = { N: 16, r: 8, p: 1 };
  const raw = (salt: Uint8Array) =>
    new Promise<Buffer>((resolve, reject) =>
      nodeScrypt(PASSWORD, salt, 32, params, (err, key) => (err ? reject(err) : resolve(key))),
    );
  const report = (what: string, rows: { opsPerSecond: number }[]) => {
    const extraMs = 1000 / (rows[0]?.opsPerSecond ?? 1) - 1000 / (rows[1]?.opsPerSecond ?? 1);
    console.log(
      `fixed overhead per ${what}: ${(extraMs * 1000).toFixed(1)} µs = ${((extraMs / defaultHashMs) * 100).toFixed(4)}% ` +
        `of a default-cost scrypt (${defaultHashMs.toFixed(0)} ms here)`,
    );
  };
  const hashed = await compare('fixed overhead: hash at N=2^4 (scrypt nearly free)', [
    { name: 'bulwark hashPassword, N=2^4', fn: () => hashPassword(PASSWORD, cheap), ours: true },
    {
      name: 'raw crypto.scrypt + PHC string, N=2^4',
      fn: async () => {
        const salt = randomBytes(16);
        const key = await raw(salt);
        return `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
      },
    },
  ]);
  report('hash', hashed.rows);
  const stored = await hashPassword(PASSWORD, cheap);
  const [, , , salt, key] = stored.split('$');
  const saltBytes = Buffer.from(salt as string, 'base64');
  const keyBytes = Buffer.from(key as string, 'base64');
  const verified = await compare('fixed overhead: verify at N=2^4 (scrypt nearly free)', [
    { name: 'bulwark verifyPassword, N=2^4', fn: () => verifyPassword(PASSWORD, stored, cheap), ours: true },
    {
      name: 'raw crypto.scrypt + timingSafeEqual, N=2^4',
      fn: async () => timingSafeEqual(await raw(saltBytes), keyBytes),
    },
  ]);
  report('verification', verified.rows);
}

/** Event-loop delay (ms) while `count` hashes run at once. */
async function loopLag(label: string, count: number, hash: () => Promise<unknown>): Promise<void> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  // A steady timer keeps the loop ticking, as a server's I/O would; its lateness is what users feel.
  const ticker = setInterval(() => {}, 5);
  histogram.enable();
  const t = performance.now();
  await Promise.all(Array.from({ length: count }, hash));
  const elapsed = performance.now() - t;
  histogram.disable();
  clearInterval(ticker);
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    `${label}: ${count} hashes in ${elapsed.toFixed(0)} ms; event-loop delay p50 ${ms(histogram.percentile(50))} ms, ` +
      `p99 ${ms(histogram.percentile(99))} ms, max ${ms(histogram.max)} ms`,
  );
}

export async function run(): Promise<void> {
  const rounds = QUICK ? 3 : 15;
  const [oursMs, rawMs] = await compareSlow(
    'hash a password, scrypt N=2^17 r=8 p=1 (128 MiB)',
    [
      { name: 'bulwark hashPassword', fn: () => hashPassword(PASSWORD) },
      { name: 'raw crypto.scrypt + PHC string', fn: rawHash },
    ],
    rounds,
  );
  console.log(
    `overhead of hashPassword over raw crypto.scrypt: ${((((oursMs as number) - (rawMs as number)) / (rawMs as number)) * 100).toFixed(2)}% (target < 2%; at this scale machine noise dominates, see the next table)`,
  );
  await fixedOverhead(rawMs as number);

  const stored = await hashPassword(PASSWORD);
  const [, , , salt, key] = stored.split('$');
  const saltBytes = Buffer.from(salt as string, 'base64');
  const keyBytes = Buffer.from(key as string, 'base64');
  await compareSlow(
    'verify a password, scrypt N=2^17 r=8 p=1',
    [
      { name: 'bulwark verifyPassword', fn: () => verifyPassword(PASSWORD, stored) },
      {
        name: 'raw crypto.scrypt + timingSafeEqual',
        fn: async () => timingSafeEqual(await rawScrypt(PASSWORD, saltBytes), keyBytes),
      },
    ],
    rounds,
  );

  const bcryptHash = await bcrypt.hash(PASSWORD, 12);
  const argonHash = await argon2Hash(PASSWORD);
  await compareSlow(
    'context: other password hashes at their usual settings (different algorithms and costs)',
    [
      { name: 'bulwark hashPassword (scrypt 2^17, 128 MiB)', fn: () => hashPassword(PASSWORD) },
      { name: 'bcrypt hash, cost 12', fn: () => bcrypt.hash(PASSWORD, 12) },
      { name: 'bcrypt compare, cost 12', fn: () => bcrypt.compare(PASSWORD, bcryptHash) },
      { name: '@node-rs/argon2 hash (defaults: argon2id, 19 MiB, t=2)', fn: () => argon2Hash(PASSWORD) },
      { name: '@node-rs/argon2 verify (defaults)', fn: () => argon2Verify(argonHash, PASSWORD) },
    ],
    QUICK ? 2 : 8,
  );

  console.log('\n## event-loop lag while hashes run (monitorEventLoopDelay, 5 ms resolution)');
  await loopLag('baseline: a 1 s timer, nothing else', 1, () => new Promise((r) => setTimeout(r, 1000)));
  await loopLag('bulwark hashPassword, native (libuv pool)', 4, () => hashPassword(PASSWORD));
  await loopLag('bcrypt cost 12', 4, () => bcrypt.hash(PASSWORD, 12));
  setRuntimeOverrideForTesting({ nodeCrypto: null });
  try {
    // The browser path: pure TypeScript on the main thread, yielding every ~8 ms.
    await loopLag('bulwark hashPassword, pure-TypeScript fallback', QUICK ? 1 : 4, () => hashPassword(PASSWORD));
  } finally {
    setRuntimeOverrideForTesting(undefined);
  }
}
