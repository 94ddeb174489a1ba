#!/usr/bin/env node
// The every-runtime conformance run (`npm run test:runtimes`): bundles test/runtimes/suite with `bulwark/*`
// resolved to the BUILT dist/ (rebuilt first when older than src/), then runs that one file on Node (the running one,
// and pinned releases of the 22, 24 and 26 lines, ESM and CJS), Bun, Deno, workerd (nodejs_compat) and headless
// Chromium, and prints one line per runtime.
//
//   npm run test:runtimes                          all runtimes, all suites
//   npm run test:runtimes -- chromium deno         some runtimes
//   npm run test:runtimes -- --suite=otp,runtime   some suites
//   BULWARK_NO_BUILD=1                             use dist/ as it is; BULWARK_KEEP_BUNDLE=1 keeps the temp dir
//   BULWARK_RUNTIME_TIMEOUT_MS=120000              per-runtime limit (the child is killed when it passes)
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ensureNode, NODE_RELEASES, NodeUnavailableError } from '../../scripts/fetch-node.mjs';
import { bulwarkDistPlugin, ensureDist, root, withDistLock } from './dist.mjs';

const TIMEOUT_MS = Number(process.env.BULWARK_RUNTIME_TIMEOUT_MS ?? 120_000);
const MARKER = 'BULWARK_CONFORMANCE ';
const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const bin = (name) => join(root, 'node_modules', '.bin', name);
const harness = (name) => join(root, 'test', 'runtimes', 'harness', name);

/** Live child process groups, killed on any exit so no runtime outlives the run. */
const children = new Set();
function killGroup(child, signal = 'SIGKILL') {
  try {
    process.kill(-child.pid, signal);
  } catch {}
  children.delete(child);
}
process.on('exit', () => {
  for (const child of children) killGroup(child);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) killGroup(child);
    process.exit(130);
  });
}

/** Spawns `command` in its own process group; `ready` may resolve early (a server), else waits for exit. */
function start(command, args, cwd) {
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  }).then((status) => {
    children.delete(child);
    return { ...status, stdout, stderr };
  });
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function withTimeout(promise, ms, what, onTimeout) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what}: no result after ${ms} ms (killed)`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function tail(text, lines = 15) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Node, Bun and Deno run the same CLI harness and print one marked JSON line. */
async function runCli(dir, command, args) {
  if (!existsSync(command)) throw new Error(`${command} not found`);
  const proc = start(command, args, dir);
  const status = await withTimeout(proc.exited, TIMEOUT_MS, command, () => killGroup(proc.child));
  const line = status.stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (line === undefined) {
    const why = status.error?.message ?? `exit ${status.code ?? status.signal}`;
    throw new Error(`no report (${why})\n${tail(`${status.stdout}\n${status.stderr}`)}`);
  }
  return JSON.parse(line.slice(MARKER.length));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** workerd: serve the module worker on a free loopback port, fetch its report once, then stop it. */
async function runWorkerd(dir) {
  const command = bin('workerd');
  if (!existsSync(command)) throw new Error(`${command} not found`);
  // The free port is found before workerd binds it, so another process may take it first: then try another.
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await runWorkerdOnce(dir, command, await freePort());
      // Inside a worker the runtime cannot see its own version; the binary can.
      const version = spawnSync(command, ['--version'], { encoding: 'utf8' }).stdout.trim();
      return { ...result, version: version || result.version };
    } catch (e) {
      if (attempt === 3 || !/address already in use/i.test(e.message)) throw e;
    }
  }
}

async function runWorkerdOnce(dir, command, port) {
  const proc = start(command, ['serve', 'workerd.capnp', '--socket-addr', `http=127.0.0.1:${port}`], dir);
  let exited = false;
  proc.exited.then(() => (exited = true));
  const deadline = Date.now() + TIMEOUT_MS;
  try {
    for (;;) {
      if (exited) throw new Error(`workerd exited before answering\n${tail(proc.output().stderr)}`);
      if (Date.now() > deadline) throw new Error(`workerd: no result after ${TIMEOUT_MS} ms (killed)`);
      let response;
      try {
        response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(deadline - Date.now()) });
      } catch (e) {
        if (e?.cause?.code === 'ECONNREFUSED') {
          await sleep(100);
          continue;
        }
        throw new Error(`workerd fetch failed: ${e?.cause?.message ?? e.message}\n${tail(proc.output().stderr)}`);
      }
      const body = await response.text();
      if (!response.ok) throw new Error(`workerd answered ${response.status}\n${tail(body)}`);
      return JSON.parse(body);
    }
  } finally {
    killGroup(proc.child, 'SIGTERM');
    await withTimeout(proc.exited, 5_000, 'workerd shutdown', () => killGroup(proc.child)).catch(() => {});
  }
}

/** Chromium: a loopback page (a secure context, so crypto.subtle exists) imports the bundle through Playwright. */
async function runChromium(dir) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install -y chromium)`);
  const { chromium } = await import('playwright-core');
  const files = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/suite.mjs': ['suite.mjs', 'text/javascript; charset=utf-8'],
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url, 'http://x').pathname];
    if (file === undefined) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' });
    response.end(readFileSync(join(dir, file[0])));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  const pageErrors = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`, { timeout: 30_000 });
    const run = page.evaluate(async () => (await import('/suite.mjs')).run());
    return await withTimeout(run, TIMEOUT_MS, 'chromium', () => browser.close().catch(() => {}));
  } catch (e) {
    throw new Error(`${e.message}${pageErrors.length > 0 ? `\npage errors: ${pageErrors.join('; ')}` : ''}`);
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
}

const RUNTIMES = {
  node: ({ dir }) => runCli(dir, process.execPath, ['cli.mjs']),
  // The CJS build, loaded by Node's own require() through the exports map (the bundle sits inside a package copy).
  'node-cjs': ({ cjsDir }) => runCli(cjsDir, process.execPath, ['cli.cjs']),
  // Every other Node line still supported: pinned releases fetched from the npm registry on first use (once per
  // run for both formats).
  ...Object.fromEntries(
    Object.keys(NODE_RELEASES).flatMap((line) => {
      let binary;
      const node = () => (binary ??= ensureNode(line));
      return [
        [`node${line}`, ({ dir }) => runCli(dir, node(), ['cli.mjs'])],
        [`node${line}-cjs`, ({ cjsDir }) => runCli(cjsDir, node(), ['cli.cjs'])],
      ];
    }),
  ),
  bun: ({ dir }) => runCli(dir, bin('bun'), ['cli.mjs']),
  // Module loading from the working directory needs no permission; everything else stays denied.
  deno: ({ dir }) =>
    runCli(dir, bin('deno'), ['run', '--no-prompt', '--no-config', '--no-lock', '--no-remote', 'cli.mjs']),
  workerd: ({ dir }) => runWorkerd(dir),
  chromium: ({ dir }) => runChromium(dir),
};

/**
 * One ESM file: the suite with bulwark/* from dist/ (through the exports map, as users resolve it), JSON inlined.
 * And one CJS file that leaves bulwark/* to Node's require(), placed inside a copy of the package (package.json and
 * dist/, taken under the build lock) so that the package's self-reference resolves it to that copy's .cjs builds.
 */
async function bundle({ dir, cjsDir }, suites) {
  const common = {
    entryPoints: [join(root, 'test', 'runtimes', 'harness', 'entry.ts')],
    bundle: true,
    target: 'es2022',
    define: { BULWARK_CONFORMANCE_SUITES: JSON.stringify(suites) },
    logLevel: 'warning',
    // tsup's code splitting leaves bare chunk imports that sideEffects: false lets bundlers drop; harmless here.
    logOverride: { 'ignored-bare-import': 'silent' },
  };
  await build({
    ...common,
    outfile: join(dir, 'suite.mjs'),
    format: 'esm',
    platform: 'neutral',
    plugins: [bulwarkDistPlugin('import')],
  });
  for (const file of ['cli.mjs', 'worker.mjs', 'workerd.capnp', 'index.html']) {
    copyFileSync(harness(file), join(dir, file));
  }
  // The copy's package.json says "type": "module"; .cjs keeps these files CommonJS regardless.
  await build({
    ...common,
    outfile: join(cjsDir, 'suite.cjs'),
    format: 'cjs',
    platform: 'node',
    external: ['bulwark', 'bulwark/*'],
  });
  copyFileSync(harness('cli.cjs'), join(cjsDir, 'cli.cjs'));
  copyFileSync(join(root, 'package.json'), join(cjsDir, 'package.json'));
  cpSync(join(root, 'dist'), join(cjsDir, 'dist'), { recursive: true });
}

function describePaths(runtime) {
  const primitives = runtime.nodeCrypto ? 'node:crypto + WebCrypto' : 'WebCrypto only';
  return `${primitives}, scrypt ${runtime.scrypt === 'native' ? 'native' : 'pure TypeScript'}`;
}

/** `--write`: the per-runtime counts go into docs/runtimes.md between the runtime-counts markers. */
function recordCounts(rows, suites, selected) {
  if (suites.length > 0 || selected.length !== Object.keys(RUNTIMES).length) {
    throw new Error('--write records full runs only: every runtime, every suite');
  }
  const file = join(root, 'docs', 'runtimes.md');
  const doc = readFileSync(file, 'utf8');
  const pattern = /<!-- runtime-counts -->[\s\S]*?<!-- \/runtime-counts -->/;
  if (!pattern.test(doc)) throw new Error('docs/runtimes.md has no runtime-counts markers');
  const table = [
    `Conformance cases per runtime, measured ${new Date().toISOString().slice(0, 10)} with \`npm run test:runtimes\``,
    '(cases on the seam run once per path, so runtimes with `node:crypto` run more of them):',
    '',
    '| runtime | version | paths | passed | failed |',
    '|---|---|---|---:|---:|',
    ...rows,
  ].join('\n');
  writeFileSync(file, doc.replace(pattern, `<!-- runtime-counts -->\n${table}\n<!-- /runtime-counts -->`));
  console.log('recorded in docs/runtimes.md');
}

async function main() {
  const args = process.argv.slice(2);
  const suiteArg = args.find((a) => a.startsWith('--suite='));
  const suites = suiteArg === undefined ? [] : suiteArg.slice('--suite='.length).split(',').filter(Boolean);
  const wanted = args.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((name) => !(name in RUNTIMES));
  if (unknown.length > 0) throw new Error(`unknown runtime ${unknown.join(', ')} (known: ${Object.keys(RUNTIMES)})`);
  const selected = wanted.length > 0 ? wanted : Object.keys(RUNTIMES);

  const dir = mkdtempSync(join(tmpdir(), 'bulwark-runtimes-'));
  const cjsDir = join(dir, 'cjs-package');
  mkdirSync(cjsDir);
  const context = { dir, cjsDir };
  const started = Date.now();
  try {
    const note = await withDistLock(async () => {
      const built = ensureDist();
      await bundle(context, suites);
      return built;
    });
    const size = Math.round(statSync(join(dir, 'suite.mjs')).size / 1024);
    console.log(`conformance bundle: ${size} KiB from ${note}; suites: ${suites.length > 0 ? suites : 'all'}`);

    let passed = 0;
    let failed = 0;
    const failures = [];
    const rows = [];
    for (const name of selected) {
      const t0 = Date.now();
      try {
        const { version, runtime, report } = await RUNTIMES[name](context);
        // A runtime that silently lost node:crypto (or gained it) would test other paths than we claim.
        const expectNative = name !== 'chromium';
        if (runtime.nodeCrypto !== expectNative || (runtime.scrypt === 'native') !== expectNative) {
          report.failed += 1;
          report.failures.push({
            name: 'detected paths',
            error: `expected ${expectNative ? 'node:crypto and native scrypt' : 'WebCrypto only'}, got ${describePaths(runtime)}`,
          });
        }
        passed += report.passed;
        failed += report.failed;
        rows.push(`| ${name} | ${version} | ${describePaths(runtime)} | ${report.passed} | ${report.failed} |`);
        const seconds = ((Date.now() - t0) / 1000).toFixed(1);
        console.log(
          `${name}: ${report.passed} passed, ${report.failed} failed (${version}; ${describePaths(runtime)}; ${seconds} s)`,
        );
        for (const f of report.failures) failures.push(`${name}: ${f.name}: ${f.error}`);
      } catch (e) {
        // A pinned Node release not published for this platform (some lines lack Apple-silicon builds) is skipped on
        // a developer's machine; CI's platform has them all, so there it fails like any missing runtime.
        if (e instanceof NodeUnavailableError && process.env.CI !== 'true') {
          console.log(`${name}: skipped (${e.message})`);
          rows.push(`| ${name} | - | skipped: not published for this platform | 0 | 0 |`);
          continue;
        }
        // A runtime that is missing or produces no report counts as one failure.
        failed += 1;
        console.log(`${name}: 0 passed, 1 failed (did not report)`);
        rows.push(`| ${name} | - | did not report | 0 | 1 |`);
        failures.push(`${name}: ${e.message}`);
      }
    }
    if (failures.length > 0) {
      console.log('\nfailures:');
      for (const f of failures) console.log(`  ${f.replaceAll('\n', '\n    ')}`);
      console.log('');
    }
    if (args.includes('--write')) recordCounts(rows, suites, selected);
    console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    if (process.env.BULWARK_KEEP_BUNDLE === '1') console.log(`bundles kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e.stack ?? e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
