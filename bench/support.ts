/**
 * Shared benchmark harness: ours and peers in one process, same warm-up and duration, printed as ops/s and the
 * ratio to our first case. Benchmarks are measurements, never tests: nothing here asserts.
 */
import { Bench } from 'tinybench';

export interface Case {
  name: string;
  fn: () => unknown;
  /** Marks our own implementation; ratios are printed relative to the first case marked `ours` (or the first). */
  ours?: boolean;
}

export interface CompareResult {
  title: string;
  rows: { name: string; opsPerSecond: number; ratio: number; rme: number }[];
}

const QUICK = process.env.BENCH_QUICK === '1';

/**
 * Runs `cases` and prints a table. `timeMs` per case (default 1000, 200 with BENCH_QUICK=1); each case runs for
 * at least `timeMs` and at least `iterations` times (default 64).
 */
export async function compare(
  title: string,
  cases: Case[],
  options: { timeMs?: number; iterations?: number } = {},
): Promise<CompareResult> {
  const time = QUICK ? 200 : (options.timeMs ?? 1000);
  // Slow operations (a 0.4 s password hash) set `iterations` low; tinybench's default minimum is 64.
  const iterations = options.iterations ?? 64;
  const bench = new Bench({
    name: title,
    time,
    iterations,
    warmupTime: Math.min(200, time / 2),
    warmupIterations: Math.min(5, iterations),
  });
  for (const c of cases) bench.add(c.name, c.fn);
  await bench.run();
  const ours = cases.find((c) => c.ours) ?? cases[0];
  const rows = cases.map((c) => {
    const task = bench.getTask(c.name);
    const result = task?.result as { throughput?: { mean: number; rme: number } } | undefined;
    const ops = result?.throughput?.mean ?? 0;
    return { name: c.name, opsPerSecond: ops, ratio: 0, rme: result?.throughput?.rme ?? 0 };
  });
  const base = rows.find((r) => r.name === ours?.name)?.opsPerSecond ?? 1;
  for (const r of rows) r.ratio = base / r.opsPerSecond;
  printTable(title, rows, ours?.name);
  return { title, rows };
}

function printTable(title: string, rows: CompareResult['rows'], oursName: string | undefined): void {
  console.log(`\n## ${title}`);
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`${'case'.padEnd(width)}  ${'ops/s'.padStart(14)}  ${'±%'.padStart(6)}  ours ÷ this`);
  for (const r of rows) {
    const ratio = r.name === oursName ? '(ours)' : `${r.ratio.toFixed(2)}×`;
    console.log(
      `${r.name.padEnd(width)}  ${Math.round(r.opsPerSecond).toLocaleString('en-US').padStart(14)}  ${(Number.isNaN(r.rme) ? '' : r.rme.toFixed(1)).padStart(6)}  ${ratio}`,
    );
  }
}

/** Prints the machine line recorded with results in docs/benchmarks.md. */
export async function machine(): Promise<string> {
  const os = await import('node:os');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * The same cases in interleaved rounds: each round runs every case (the order rotating) for about `roundMs`, and
 * the ratio `ours ÷ this` is the median of the per-round ratios. A slow spell of the machine then slows every
 * library of the rounds it touches alike, where tinybench's consecutive runs let it land on one library only.
 * Each `fn` is one batch, as for {@link compare}; ops/s is batches per second.
 */
export function compareInterleaved(
  title: string,
  cases: Case[],
  options: { rounds?: number; roundMs?: number } = {},
): CompareResult {
  const rounds = QUICK ? 5 : (options.rounds ?? 25);
  const roundMs = QUICK ? 5 : (options.roundMs ?? 20);
  // Warm-up and calibration: batches per round so that each case fills about roundMs.
  const repeats = cases.map((c) => {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 50) {
      c.fn();
      n++;
    }
    return Math.max(1, Math.round((roundMs * n) / (performance.now() - start)));
  });
  const perBatch: number[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const c = cases[i] as Case;
      const n = repeats[i] as number;
      const start = performance.now();
      for (let r = 0; r < n; r++) c.fn();
      (perBatch[i] as number[]).push((performance.now() - start) / n);
    }
  }
  const oursIndex = Math.max(
    0,
    cases.findIndex((c) => c.ours),
  );
  const ourTimes = perBatch[oursIndex] as number[];
  const rows = cases.map((c, i) => {
    const times = perBatch[i] as number[];
    return {
      name: c.name,
      opsPerSecond: 1000 / median(times),
      ratio: median(times.map((t, round) => t / (ourTimes[round] as number))),
      rme: Number.NaN,
    };
  });
  printTable(`${title} (median of ${rounds} interleaved rounds)`, rows, cases[oursIndex]?.name);
  return { title, rows };
}
