// ESM consumer of the installed tarball: import every subpath, run its probe, and check that the CJS build of the
// same subpath exports the same names (one API, two formats) and shares the error brand.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const probes = require('./probes.cjs');
const pkg = JSON.parse(readFileSync(new URL('./node_modules/bulwark/package.json', import.meta.url), 'utf8'));
const specifiers = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => [key, key === '.' ? 'bulwark' : `bulwark/${key.slice(2)}`]);

let failed = 0;
for (const [key, specifier] of specifiers) {
  try {
    const esm = await import(specifier);
    const names = Object.keys(esm).sort();
    if (!names.some((name) => typeof esm[name] === 'function')) throw new Error('exports no function');
    const cjsNames = Object.keys(require(specifier)).sort();
    if (names.join() !== cjsNames.join()) throw new Error(`ESM exports ${names} but CJS exports ${cjsNames}`);
    const probe = probes[key];
    if (probe !== undefined && (await probe(esm)) === false) throw new Error('probe returned false');
    console.log(`esm ok ${specifier} (${names.length} exports${probe === undefined ? ', no probe' : ', probe ran'})`);
  } catch (e) {
    failed++;
    console.log(`esm FAIL ${specifier}: ${e.message}`);
  }
}
// The root entry re-exports every top-level module's API by name (sub-entries and adapters stay separate), and
// they are the same objects, not copies: code splitting shares one instance.
const root = await import('bulwark');
for (const [key, specifier] of specifiers) {
  if (key === '.' || key.slice(2).includes('/')) continue;
  const module = await import(specifier);
  const missing = Object.keys(module).filter((name) => root[name] !== module[name]);
  if (missing.length > 0) {
    failed++;
    console.log(`esm FAIL bulwark does not re-export from ${specifier}: ${missing.join(', ')}`);
  }
}
const { BulwarkError } = require('bulwark');
const { isBulwarkError } = await import('bulwark');
if (!isBulwarkError(new BulwarkError('INPUT_INVALID', 'x'), 'INPUT_INVALID')) {
  failed++;
  console.log('esm FAIL isBulwarkError does not recognize an error from the CJS copy');
}
process.exit(failed === 0 ? 0 : 1);
