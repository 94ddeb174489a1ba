/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named: `npm run bench -- otp policy`). Each module's file
 * runs in a process of its own, so one module's warmed-up or deoptimised code cannot skew another's numbers; within
 * a file, ours and the peer libraries share one process, JIT, heap and machine state.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './support.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const inProcess = args.includes('--in-process');
const only = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

if (inProcess) {
  for (const f of files) {
    const mod = (await import(pathToFileURL(`${dir}${f}`).href)) as { run?: () => Promise<void> };
    if (typeof mod.run === 'function') await mod.run();
  }
} else {
  console.log(`# bulwark benchmarks, ${new Date().toISOString().slice(0, 10)}\n${await machine()}`);
  let failed = 0;
  for (const f of files) {
    console.log(`\n# ${f}`);
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--in-process', f],
      {
        stdio: 'inherit',
      },
    );
    if (child.status !== 0) failed++;
  }
  if (failed > 0) process.exit(1);
}
