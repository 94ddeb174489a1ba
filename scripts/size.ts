/**
 * `npm run size`: what each subpath costs a browser bundle. Each subpath is bundled from the built dist/ with
 * esbuild (platform browser, ESM, minified) as `export * from 'bulwark/<sub>'`, so every export is kept, as if an
 * app used all of it; a real app that imports less pays less. Prints minified and gzipped bytes.
 * `npm run size -- --write` also records the table in docs/benchmarks.md between the size markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion } from 'esbuild';
import { bulwarkDistPlugin, ensureDist, withDistLock } from '../test/runtimes/dist.mjs';
import { readSubpaths, root } from './subpaths.js';

interface SizeRow {
  specifier: string;
  minified: number;
  gzipped: number;
}

async function measure(specifier: string): Promise<SizeRow> {
  const result = await build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    plugins: [bulwarkDistPlugin('import')],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { specifier, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const note = await withDistLock(() => ensureDist());
const rows: SizeRow[] = [];
for (const { specifier } of readSubpaths()) rows.push(await measure(specifier));

const width = Math.max(...rows.map((r) => r.specifier.length));
console.log(`browser bundle size per subpath (esbuild ${esbuildVersion}, minified, ESM; ${note})`);
for (const r of rows) {
  console.log(`${r.specifier.padEnd(width)}  ${kib(r.minified).padStart(10)} min  ${kib(r.gzipped).padStart(9)} gzip`);
}

if (process.argv.includes('--write')) {
  const date = new Date().toISOString().slice(0, 10);
  const table = [
    `Measured ${date} with \`npm run size\`: each subpath bundled from \`dist/\` by esbuild ${esbuildVersion}`,
    '(platform browser, ESM, minified) as `export * from` the subpath, so every export is kept; an app that',
    'imports less pays less. Bytes are exact; gzip is level 9.',
    '',
    '| subpath | minified | min + gzip |',
    '|---|---:|---:|',
    ...rows.map(
      (r) => `| \`${r.specifier}\` | ${r.minified.toLocaleString('en')} B | ${r.gzipped.toLocaleString('en')} B |`,
    ),
  ].join('\n');
  const file = join(root, 'docs', 'benchmarks.md');
  const doc = readFileSync(file, 'utf8');
  const pattern = /<!-- size -->[\s\S]*?<!-- \/size -->/;
  if (!pattern.test(doc)) throw new Error('docs/benchmarks.md has no <!-- size --> ... <!-- /size --> section');
  writeFileSync(file, doc.replace(pattern, `<!-- size -->\n${table}\n<!-- /size -->`));
  console.log('recorded in docs/benchmarks.md');
}
