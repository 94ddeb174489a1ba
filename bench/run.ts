/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line), each in this one
 * process so ours and the peers share the same JIT, heap and machine state.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './support.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

console.log(`# bulwark benchmarks, ${new Date().toISOString().slice(0, 10)}\n${await machine()}`);
for (const f of files) {
  console.log(`\n# ${f}`);
  const mod = (await import(pathToFileURL(`${dir}${f}`).href)) as { run?: () => Promise<void> };
  if (typeof mod.run === 'function') await mod.run();
}
