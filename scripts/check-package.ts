/**
 * `npm run check:package`: the package as users get it.
 * 1. package.json, the exports map, tsup's entries, the module folders and the docs agree;
 * 2. dist/ is current (rebuilt when older than src/) and never statically imports a `node:` module;
 * 3. `npm pack` holds every export target and nothing else; publint (strict) and attw (profile node16: ESM + CJS
 *    under Node's resolution and bundlers; node10 has no subpath exports, and we ship no typesVersions) are clean;
 * 4. the tarball installed into a temporary project imports every subpath in ESM and CJS (test/package/);
 * 5. a TypeScript consumer of it (test/package/types.ts) compiles under TypeScript 5.4, 5.9 and 7 with skipLibCheck off.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDist, exportTargets, withDistLock } from '../test/runtimes/dist.mjs';
import tsupConfig from '../tsup.config.js';
import { readSubpaths, root } from './subpaths.js';

/** Public module folders that are not subpaths: the seam and shared internals. */
const PRIVATE_FOLDERS = new Set(['internal', 'runtime']);
/** Top-level modules without a guide of their own (they must still be mentioned in some doc). */
const DOCUMENTED_ELSEWHERE = new Set(['encoding']);

interface PackageJson {
  type?: string;
  sideEffects?: unknown;
  files?: string[];
  main?: string;
  module?: string;
  types?: string;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const problems: string[] = [];
const check = (condition: unknown, problem: string) => {
  if (!condition) problems.push(problem);
};
function step(title: string, fn: () => void): void {
  const before = problems.length;
  fn();
  const found = problems.slice(before);
  console.log(`${found.length === 0 ? 'ok  ' : 'FAIL'} ${title}`);
  for (const p of found) console.log(`     - ${p}`);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
const subpaths = readSubpaths();
const exists = (path: string) => existsSync(join(root, path));

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
}
const output = (r: SpawnSyncReturns<string>) =>
  `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('npm warn'))
    .join('\n');

function walkFiles(dir: string, filter: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && filter(e.name))
    .map((e) => join(e.parentPath, e.name));
}

step('package.json fields', () => {
  check(pkg.type === 'module', '"type" must be "module"');
  check(pkg.sideEffects === false, '"sideEffects" must be false');
  check(pkg.files?.includes('dist'), '"files" must include dist');
  check(
    Object.keys(pkg.dependencies ?? {}).length === 0,
    `"dependencies" must be empty (bulwark has zero runtime dependencies)`,
  );
  for (const peer of Object.keys(pkg.peerDependencies ?? {})) {
    check(pkg.peerDependenciesMeta?.[peer]?.optional === true, `peer dependency ${peer} must be optional`);
  }
  check(pkg.main === './dist/index.cjs', '"main" must be ./dist/index.cjs (the root CJS build)');
  check(pkg.module === undefined || pkg.module === './dist/index.js', '"module" must be ./dist/index.js');
  check(pkg.types === './dist/index.d.cts', '"types" must be ./dist/index.d.cts (types of "main")');
});

step(`exports map: ${subpaths.length} subpaths + ./package.json, no wildcards`, () => {
  check(pkg.exports['./package.json'] === './package.json', '"./package.json" must be exported');
  for (const { subpath, entry } of subpaths) {
    check(!subpath.includes('*'), `${subpath}: no wildcard subpaths`);
    const expected = {
      import: { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
      require: { types: `./dist/${entry}.d.cts`, default: `./dist/${entry}.cjs` },
    };
    // Key order matters to resolvers (first match wins, "types" first), so compare serialized.
    check(
      JSON.stringify(pkg.exports[subpath]) === JSON.stringify(expected),
      `${subpath} must be exactly ${JSON.stringify(expected)}`,
    );
  }
});

step('every subpath has its source, and tsup builds exactly the exported entries', () => {
  for (const { subpath, source } of subpaths) check(exists(source), `${subpath}: ${source} does not exist`);
  const options = Array.isArray(tsupConfig) ? tsupConfig[0] : tsupConfig;
  const entry = (options as { entry?: Record<string, string> }).entry ?? {};
  const expected = Object.fromEntries(subpaths.map((s) => [s.entry, s.source]));
  check(
    JSON.stringify(entry) === JSON.stringify(expected),
    `tsup entries ${JSON.stringify(entry)} differ from exports`,
  );
});

step('every module folder is exported', () => {
  const exported = new Set(subpaths.map((s) => s.subpath));
  for (const dir of readdirSync(join(root, 'src'), { withFileTypes: true })) {
    if (!dir.isDirectory() || PRIVATE_FOLDERS.has(dir.name) || !exists(`src/${dir.name}/index.ts`)) continue;
    check(exported.has(`./${dir.name}`), `src/${dir.name}/index.ts exists but ./${dir.name} is not exported`);
  }
  for (const dir of existsSync(join(root, 'adapters')) ? readdirSync(join(root, 'adapters')) : []) {
    if (!exists(`adapters/${dir}/index.ts`)) continue;
    check(exported.has(`./adapters/${dir}`), `adapters/${dir}/index.ts exists but ./adapters/${dir} is not exported`);
  }
});

step('every subpath is documented', () => {
  const docs = [join(root, 'README.md'), ...walkFiles(join(root, 'docs'), (n) => n.endsWith('.md'))]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  for (const { subpath, specifier } of subpaths) {
    const parts = subpath.slice(2).split('/');
    const topLevelModule = subpath !== '.' && parts.length === 1 && !DOCUMENTED_ELSEWHERE.has(parts[0]!);
    if (topLevelModule) {
      // Its guide: docs/<module>.md, or a page named for the task (docs/rate-limiting.md), that imports the module.
      const module = parts[0]!;
      const guide = readdirSync(join(root, 'docs')).find(
        (name) => name.endsWith('.md') && name.startsWith(module) && /^[a-z-]*\.md$/.test(name.slice(module.length)),
      );
      const mentions = (name: string) => readFileSync(join(root, 'docs', name), 'utf8').includes(`'${specifier}'`);
      if (guide === undefined) check(false, `${specifier}: no guide (docs/${module}.md)`);
      else check(mentions(guide), `${specifier}: docs/${guide} never imports '${specifier}'`);
    } else if (subpath === '.') check(exists('README.md'), 'README.md is missing');
    // Sub-entries (bulwark/password/blocklist), adapters and encoding: named in some guide or the README.
    else check(new RegExp(`['"\`]${specifier}['"\`]`).test(docs), `${specifier} is not mentioned in README or docs/`);
  }
});

step('every module has a conformance suite registered for every runtime', () => {
  const registry = readFileSync(join(root, 'test/runtimes/suite/index.ts'), 'utf8');
  for (const { subpath } of subpaths) {
    const module = subpath.slice(2);
    if (subpath === '.' || module.includes('/')) continue;
    const file = `test/runtimes/suite/${module}.ts`;
    if (!exists(file)) check(false, `${file} is missing`);
    else check(registry.includes(`from './${module}.js'`), `${file} is not registered in test/runtimes/suite/index.ts`);
  }
});

const tmp = mkdtempSync(join(tmpdir(), 'bulwark-package-'));
try {
  const built = await withDistLock(() => {
    const note = ensureDist();
    // Pack inside the lock so a concurrent rebuild cannot empty dist/ under npm pack.
    const packed = run('npm', ['pack', '--json', '--pack-destination', tmp], root);
    return { note, packed };
  });
  step(`dist/ (${built.note}) never statically imports node: modules`, () => {
    for (const file of walkFiles(join(root, 'dist'), (n) => /\.(c|m)?js$/.test(n))) {
      const code = readFileSync(file, 'utf8');
      const hit = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["']node:[^"']+["']/.exec(code);
      check(hit === null, `${file.slice(root.length)}: ${hit?.[0]}`);
    }
  });

  let tarball = '';
  step('npm pack: every export target is in the tarball, nothing beyond dist/, README, LICENSE', () => {
    if (built.packed.status !== 0) return check(false, `npm pack failed: ${output(built.packed)}`);
    const [info] = JSON.parse(built.packed.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(tmp, info!.filename);
    const files = new Set(info!.files.map((f) => f.path));
    for (const target of exportTargets()) check(files.has(target.slice(2)), `${target} is not in the tarball`);
    for (const file of files) {
      check(/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(file), `${file} should not be published`);
    }
    check(files.has('LICENSE'), 'LICENSE is not in the tarball');
  });

  if (tarball !== '') {
    step('publint --strict on the tarball', () => {
      const r = run(
        join(root, 'node_modules/.bin/publint'),
        ['run', tarball, '--level', 'suggestion', '--strict'],
        tmp,
      );
      check(r.status === 0 && /All good/.test(r.stdout), `publint:\n${output(r)}`);
    });
    step('attw --profile node16 on the tarball', () => {
      const args = [tarball, '--profile', 'node16', '--no-definitely-typed', '--format', 'table', '--no-emoji'];
      const r = run(join(root, 'node_modules/.bin/attw'), args, tmp);
      check(r.status === 0, `attw:\n${output(r)}`);
    });
    step('smoke: the installed tarball imports every subpath in ESM and CJS', () => {
      const project = join(tmp, 'smoke');
      cpSync(join(root, 'test/package'), project, { recursive: true });
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bulwark-smoke', private: true }));
      const flags = ['--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'];
      const install = run('npm', ['install', tarball, ...flags], project);
      if (install.status !== 0) return check(false, `npm install of the tarball failed:\n${output(install)}`);
      for (const script of ['smoke.mjs', 'smoke.cjs']) {
        const r = run(process.execPath, [script], project);
        console.log(
          output(r)
            .split('\n')
            .map((line) => `     ${line}`)
            .join('\n'),
        );
        check(r.status === 0, `${script} failed`);
      }
    });
    step(
      'types: a TypeScript consumer of the tarball compiles under TypeScript 5.4, 5.9 and 7 (skipLibCheck off)',
      () => {
        const project = join(tmp, 'smoke');
        if (!existsSync(join(project, 'node_modules', 'bulwark')))
          return check(false, 'types: the tarball is not installed');
        writeFileSync(
          join(project, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: {
              target: 'ES2022',
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              strict: true,
              noEmit: true,
              skipLibCheck: false,
              lib: ['ES2022', 'DOM'],
              types: [],
            },
            files: ['types.ts'],
          }),
        );
        // Pinned under aliases: both would otherwise claim the `tsc` bin. 5.4 predates generic typed arrays.
        const compilers = { '5.4': 'typescript@5.4.5', '7': 'typescript@7.0.2' };
        const aliases = Object.entries(compilers).map(([v, spec]) => `ts${v.replace('.', '')}@npm:${spec}`);
        const install = run('npm', ['install', ...aliases, '--no-audit', '--no-fund', '--no-package-lock'], project);
        if (install.status !== 0) return check(false, `npm install of the compilers failed:\n${output(install)}`);
        const tscs: [string, string][] = [
          ['5.4', join(project, 'node_modules/ts54/bin/tsc')],
          ["5.9 (the repository's)", join(root, 'node_modules/typescript/bin/tsc')],
          ['7', join(project, 'node_modules/ts7/bin/tsc')],
        ];
        for (const [label, tsc] of tscs) {
          const r = run(process.execPath, [tsc, '-p', project], project);
          console.log(`     TypeScript ${label}: ${r.status === 0 ? 'ok' : 'errors'}`);
          check(r.status === 0, `TypeScript ${label} rejects the consumer or the declarations:\n${output(r)}`);
        }
      },
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(problems.length === 0 ? 'package checks passed' : `${problems.length} package problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
