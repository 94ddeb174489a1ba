/**
 * The bundle's entry: every harness imports `run` from the single ESM file that run.mjs builds from here, with
 * `bulwark/*` resolved to the built dist/ and the vectors inlined.
 */
import { describeRuntime } from '../../../src/runtime/index.js';
import { type ConformanceReport, runConformance } from '../suite/index.js';

/** Suite names to run (empty: all), set by run.mjs through esbuild's `define`. */
declare const BULWARK_CONFORMANCE_SUITES: readonly string[];

export interface HarnessResult {
  version: string;
  runtime: ReturnType<typeof describeRuntime>;
  report: ConformanceReport;
}

/** Which runtime this is, for the report line only (the library itself detects capabilities, never names). */
function runtimeVersion(): string {
  const g = globalThis as {
    Bun?: { version: string };
    Deno?: { version: { deno: string } };
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`;
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`;
  const agent = g.navigator?.userAgent ?? '';
  const chrome = /(?:HeadlessChrome|Chrome|Chromium)\/([\d.]+)/.exec(agent);
  if (chrome !== null) return `chromium ${chrome[1]}`;
  if (agent.startsWith('Cloudflare-Workers')) return 'workerd';
  if (g.process?.versions?.node !== undefined) return `node ${g.process.versions.node}`;
  return agent || 'unknown';
}

export async function run(): Promise<HarnessResult> {
  const runtime = describeRuntime();
  const report = await runConformance(BULWARK_CONFORMANCE_SUITES);
  return { version: runtimeVersion(), runtime, report };
}
