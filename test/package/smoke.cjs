// CJS consumer of the installed tarball: require every subpath and run its probe.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const probes = require('./probes.cjs');

const pkg = JSON.parse(readFileSync(join(__dirname, 'node_modules', 'bulwark', 'package.json'), 'utf8'));

async function main() {
  let failed = 0;
  for (const key of Object.keys(pkg.exports).filter((k) => k !== './package.json')) {
    const specifier = key === '.' ? 'bulwark' : `bulwark/${key.slice(2)}`;
    try {
      const m = require(specifier);
      if (!Object.values(m).some((value) => typeof value === 'function')) throw new Error('exports no function');
      const probe = probes[key];
      if (probe !== undefined && (await probe(m)) === false) throw new Error('probe returned false');
      console.log(
        `cjs ok ${specifier} (${Object.keys(m).length} exports${probe === undefined ? ', no probe' : ', probe ran'})`,
      );
    } catch (e) {
      failed++;
      console.log(`cjs FAIL ${specifier}: ${e.message}`);
    }
  }
  return failed;
}

main().then((failed) => process.exit(failed === 0 ? 0 : 1));
