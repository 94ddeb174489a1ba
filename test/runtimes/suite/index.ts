/**
 * The every-runtime conformance suite: external vectors and round trips, run against the built package on Node,
 * Bun, Deno, workerd and Chromium by the harnesses in test/runtimes/. Each module contributes one file here that
 * exports a function returning its cases; register it in `SUITES`.
 */
import { encodingCases } from './encoding.js';

export interface ConformanceCase {
  name: string;
  run: () => void | Promise<void>;
}

export const SUITES: Record<string, () => ConformanceCase[]> = {
  encoding: encodingCases,
};

export interface ConformanceReport {
  passed: number;
  failed: number;
  failures: { name: string; error: string }[];
  bySuite: Record<string, { passed: number; failed: number }>;
}

export async function runConformance(): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: 0, failed: 0, failures: [], bySuite: {} };
  for (const [suite, cases] of Object.entries(SUITES)) {
    const counts = { passed: 0, failed: 0 };
    report.bySuite[suite] = counts;
    for (const c of cases()) {
      try {
        await c.run();
        counts.passed++;
        report.passed++;
      } catch (e) {
        counts.failed++;
        report.failed++;
        report.failures.push({ name: `${suite}: ${c.name}`, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return report;
}
