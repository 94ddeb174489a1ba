import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const poolSource = fileURLToPath(new URL('../../src/runtime/random-pool.ts', import.meta.url));

// The snapshot fills the pool while it is built, then each restored process prints its first 12-byte draw (an IV).
const entry = `
import { takeRandomBytes } from ${JSON.stringify(poolSource)};
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
takeRandomBytes(12);
process.getBuiltinModule('node:v8').startupSnapshot.setDeserializeMainFunction(() => {
  process.stdout.write(hex(takeRandomBytes(12)));
});
`;

/** Writes `source` as dir/entry.mjs and bundles it to dir/entry.cjs, a script node can run or snapshot. */
async function bundle(dir: string, source: string): Promise<void> {
  writeFileSync(join(dir, 'entry.mjs'), source);
  await build({
    entryPoints: [join(dir, 'entry.mjs')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: join(dir, 'entry.cjs'),
    logLevel: 'silent',
  });
}

describe('random pool and Node startup snapshots (end to end)', () => {
  it('two processes restored from one snapshot draw different IVs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-snapshot-'));
    try {
      await bundle(dir, entry);
      const blob = join(dir, 'snapshot.blob');
      execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', join(dir, 'entry.cjs')]);
      const first = execFileSync(process.execPath, ['--snapshot-blob', blob], { encoding: 'utf8' });
      const second = execFileSync(process.execPath, ['--snapshot-blob', blob], { encoding: 'utf8' });
      expect(first).toMatch(/^[0-9a-f]{24}$/);
      expect(second).toMatch(/^[0-9a-f]{24}$/);
      expect(first).not.toBe(second);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works in a hardened realm whose globalThis is not extensible (the reset registry stays local)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-hardened-'));
    try {
      await bundle(
        dir,
        `import { takeRandomBytes, resetRandomPool } from ${JSON.stringify(poolSource)};
Object.preventExtensions(globalThis);
const a = takeRandomBytes(16);
resetRandomPool();
const b = takeRandomBytes(16);
process.stdout.write(String(a.length + b.length));`,
      );
      expect(execFileSync(process.execPath, [join(dir, 'entry.cjs')], { encoding: 'utf8' })).toBe('32');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
