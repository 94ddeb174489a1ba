#!/usr/bin/env node
// Fetches Node.js builds from the npm registry (the `node-<platform>-<arch>` packages that the `node`
// package installs from), so the conformance suite can run on every Node line still supported, not only on the
// machine's own Node. Never installed as dependencies: their `node` bin would shadow the developer's Node in every
// npm script. On linux-x64 each tarball must match the sha512 pinned below; the binary's own `--version` is then
// checked against the version asked for.
//
//   node scripts/fetch-node.mjs 26              prints the path of the pinned 26.x binary (cached after the first fetch)
//   node scripts/fetch-node.mjs 24.21.0         the same for an exact release
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
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

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    throw new Error(
      `${command} ${args.join(' ')}: ${why}\n${(result.stderr ?? '').trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  return result.stdout;
}

/** The path of Node `version`'s binary for this platform, fetched into node_modules/.cache on first use. */
export function ensureNode(versionOrLine) {
  const version = NODE_RELEASES[versionOrLine] ?? versionOrLine;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a Node version or pinned line: ${versionOrLine}`);
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const target = `${platform}-${process.arch}-${version}`;
  const dir = join(cache, target);
  const binary = join(dir, 'package', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    mkdirSync(cache, { recursive: true });
    const work = mkdtempSync(join(cache, 'fetch-'));
    try {
      const packed = JSON.parse(
        run('npm', ['pack', `node-${platform}-${process.arch}@${version}`, '--json', '--pack-destination', work], work),
      );
      const pinned = PINNED_INTEGRITY[target];
      if (pinned !== undefined && packed[0].integrity !== pinned) {
        throw new Error(`node-${target}: registry integrity ${packed[0].integrity} is not the pinned ${pinned}`);
      }
      // The binary and its licence only (headers and man pages are half the package).
      const member = process.platform === 'win32' ? 'package/bin/node.exe' : 'package/bin/node';
      run('tar', ['-xzf', packed[0].filename, member, 'package/LICENSE'], work);
      rmSync(join(work, packed[0].filename));
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

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const version of process.argv.slice(2)) console.log(ensureNode(version));
}
