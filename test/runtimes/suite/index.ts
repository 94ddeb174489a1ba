/**
 * The every-runtime conformance suite: external vectors and round trips, run against the built package on Node,
 * Bun, Deno, workerd and Chromium by the harnesses in test/runtimes/. Each module contributes one file here that
 * exports a function returning its cases; register it in `SUITES` (one import, one line).
 */
import { encodingCases } from './encoding.js';
import { envelopeCases } from './envelope.js';
import { otpCases } from './otp.js';
import { passwordCases } from './password.js';
import { policyCases } from './policy.js';
import { qrCases } from './qr.js';
import { rateLimitCases } from './rate-limit.js';
import { runtimeCases } from './runtime.js';

export interface ConformanceCase {
  name: string;
  run: () => void | Promise<void>;
}

export const SUITES: Record<string, () => ConformanceCase[]> = {
  runtime: runtimeCases,
  encoding: encodingCases,
  password: passwordCases,
  otp: otpCases,
  qr: qrCases,
  envelope: envelopeCases,
  'rate-limit': rateLimitCases,
  policy: policyCases,
};

export interface ConformanceReport {
  passed: number;
  failed: number;
  failures: { name: string; error: string }[];
  bySuite: Record<string, { passed: number; failed: number }>;
}

/** A case that neither settles nor throws within this time fails, so one hang cannot eat the runtime's budget. */
export const CASE_TIMEOUT_MS = 30_000;

function withTimeout(run: () => void | Promise<void>, name: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no result after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  return Promise.race([Promise.resolve().then(run), timeout]).finally(() => clearTimeout(timer));
}

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  const label = `${e.name === 'Error' ? '' : e.name}${typeof code === 'string' ? ` ${code}` : ''}`.trim();
  const cause =
    e.cause === undefined ? '' : ` (cause: ${e.cause instanceof Error ? e.cause.message : String(e.cause)})`;
  return `${label === '' ? '' : `${label}: `}${e.message}${cause}`;
}

/**
 * Runs every registered suite (or only those named in `only`), case by case; a suite whose case list itself
 * throws counts as one failure.
 */
export async function runConformance(only?: readonly string[]): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: 0, failed: 0, failures: [], bySuite: {} };
  for (const [suite, makeCases] of Object.entries(SUITES)) {
    if (only !== undefined && only.length > 0 && !only.includes(suite)) continue;
    const counts = { passed: 0, failed: 0 };
    report.bySuite[suite] = counts;
    let cases: ConformanceCase[];
    try {
      cases = makeCases();
    } catch (e) {
      cases = [{ name: '(building the case list)', run: () => Promise.reject(e) }];
    }
    for (const c of cases) {
      try {
        await withTimeout(c.run, c.name);
        counts.passed++;
        report.passed++;
      } catch (e) {
        counts.failed++;
        report.failed++;
        report.failures.push({ name: `${suite}: ${c.name}`, error: describeError(e) });
      }
    }
  }
  return report;
}
