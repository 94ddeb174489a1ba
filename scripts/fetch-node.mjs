#!/usr/bin/env node
// Fetches official Node.js builds from the npm registry (the `node-<platform>-<arch>` packages that the `node`
// package installs from), so the conformance suite can run on every Node line still supported, not only on the
// machine's own Node. Never installed as dependencies: their `node` bin would shadow the developer's Node in every
// npm script. npm checks each tarball against the registry's integrity hash; the binary's own `--version` is then
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
  const dir = join(cache, `${platform}-${process.arch}-${version}`);
  const binary = join(dir, 'package', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    mkdirSync(cache, { recursive: true });
    const work = mkdtempSync(join(cache, 'fetch-'));
    try {
      const packed = JSON.parse(
        run('npm', ['pack', `node-${platform}-${process.arch}@${version}`, '--json', '--pack-destination', work], work),
      );
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
