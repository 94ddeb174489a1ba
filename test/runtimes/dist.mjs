// Shared by test/runtimes/run.mjs, scripts/size.ts and scripts/check-package.ts: make sure dist/ is a build of the
// current sources, and serialize that build between concurrent runs so one run never reads a half-cleaned dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

const BUILD_INPUTS = ['src', 'adapters', 'package.json', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
const LOCK = join(tmpdir(), 'bulwark-dist.lock');
const LOCK_STALE_MS = 5 * 60_000;

export function readPackage() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

/** Every file the exports map points at (ESM and CJS code and types), relative to the package root. */
export function exportTargets(pkg = readPackage()) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  for (const [key, value] of Object.entries(pkg.exports)) if (key !== './package.json') walk(value);
  return [...new Set(targets)];
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why dist/ must be rebuilt, or null when every export target exists and is newer than every build input. */
export function distStaleReason() {
  const targets = exportTargets().map((t) => join(root, t));
  const missing = targets.find((t) => !existsSync(t));
  if (missing !== undefined) return `${missing.slice(root.length)} is missing`;
  const built = Math.min(...targets.map((t) => statSync(t).mtimeMs));
  const changed = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(root, p))));
  return changed > built ? 'sources changed since the last build' : null;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn` holding a cross-process lock (a directory), stealing it when its holder died or it is stale. */
export async function withDistLock(fn) {
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holderAlive = false;
      try {
        process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
        holderAlive = true;
      } catch {}
      const stale = !holderAlive || Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS || Date.now() > deadline;
      if (stale) rmSync(LOCK, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ with `npm run build` when it is missing or older than the sources (set BULWARK_NO_BUILD=1 to use
 * dist/ as it is). Call inside withDistLock. Returns a short note for the log.
 */
export function ensureDist({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const reason = distStaleReason();
  if (reason === null) return 'dist/ is up to date';
  if (process.env.BULWARK_NO_BUILD === '1') {
    log(`warning: ${reason}, but BULWARK_NO_BUILD=1: using dist/ as it is`);
    return `dist/ used as it is (${reason})`;
  }
  log(`building dist/ (${reason}): npm run build`);
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) {
    log(result.stdout);
    log(result.stderr);
    throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
  }
  return 'dist/ rebuilt';
}

/**
 * An esbuild plugin resolving `bulwark` and `bulwark/<subpath>` through the exports map to the built files, as a
 * user's bundler would (`condition`: 'import' or 'require'); a specifier the map lacks is a build error.
 */
export function bulwarkDistPlugin(condition = 'import') {
  const pkg = readPackage();
  return {
    name: 'bulwark-dist',
    setup(build) {
      build.onResolve({ filter: /^bulwark(\/.*)?$/ }, (args) => {
        const subpath = args.path === 'bulwark' ? '.' : `./${args.path.slice('bulwark/'.length)}`;
        const target = pkg.exports[subpath]?.[condition]?.default;
        if (target === undefined) return { errors: [{ text: `${args.path} is not in the exports map` }] };
        return { path: join(root, target) };
      });
    },
  };
}
