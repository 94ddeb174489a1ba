/**
 * `npm run size`: what each subpath costs a browser bundle. Each subpath is bundled from the built dist/ with
 * esbuild (platform browser, ESM, minified) as `export * from 'bulwark/<sub>'`, so every export is kept, as if an
 * app used all of it; then a few typical imports, tree-shaken, through the subpath and through the root entry.
 * Prints minified and gzipped bytes.
 * `npm run size -- --write` also records the table in docs/benchmarks.md between the size markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion } from 'esbuild';
import { bulwarkDistPlugin, ensureDist, withDistLock } from '../test/runtimes/dist.mjs';
import { readSubpaths, root } from './subpaths.js';

interface SizeRow {
  label: string;
  minified: number;
  gzipped: number;
}

/** What a typical app imports, to show what tree-shaking leaves, through the subpath and through the root. */
const TYPICAL: { subpath: string; names: string[] }[] = [
  { subpath: 'encoding', names: ['encodeBase64Url', 'decodeBase64Url'] },
  { subpath: 'password', names: ['hashPassword', 'verifyPassword'] },
  { subpath: 'password', names: ['checkPasswordPolicy'] },
  { subpath: 'otp', names: ['generateOtpSecret', 'createOtpauthUri', 'verifyTotp'] },
  { subpath: 'otp', names: ['createQrCode', 'renderQrCodeSvg'] },
  { subpath: 'envelope', names: ['createKeyring', 'encryptEnvelope', 'decryptEnvelope'] },
  { subpath: 'rate-limit', names: ['createRateLimiter'] },
  { subpath: 'policy', names: ['definePolicy'] },
];

async function measure(label: string, contents: string): Promise<SizeRow> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
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
  return { label, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const note = await withDistLock(() => ensureDist());
const whole: SizeRow[] = [];
for (const { specifier } of readSubpaths()) whole.push(await measure(specifier, `export * from '${specifier}';`));
const typical: (SizeRow & { viaRoot: SizeRow })[] = [];
for (const { subpath, names } of TYPICAL) {
  const label = `{ ${names.join(', ')} } from 'bulwark/${subpath}'`;
  const direct = await measure(label, `export { ${names.join(', ')} } from 'bulwark/${subpath}';`);
  const viaRoot = await measure(label, `export { ${names.join(', ')} } from 'bulwark';`);
  typical.push({ ...direct, viaRoot });
}

const print = (rows: SizeRow[], extra: (index: number) => string = () => '') => {
  const width = Math.max(...rows.map((r) => r.label.length));
  rows.forEach((r, i) => {
    const sizes = `${kib(r.minified).padStart(10)} min  ${kib(r.gzipped).padStart(9)} gzip`;
    console.log(`${r.label.padEnd(width)}  ${sizes}${extra(i)}`);
  });
};
console.log(`browser bundle size, whole subpaths (esbuild ${esbuildVersion}, minified, ESM; ${note})`);
print(whole);
console.log('\ntypical imports, tree-shaken (and the same names imported from the root entry)');
print(typical, (i) => `  (via 'bulwark': ${kib(typical[i]!.viaRoot.gzipped)} gzip)`);

if (process.argv.includes('--write')) {
  const date = new Date().toISOString().slice(0, 10);
  const bytes = (n: number) => `${n.toLocaleString('en')} B`;
  const table = [
    `Measured ${date} with \`npm run size\`: bundled from \`dist/\` by esbuild ${esbuildVersion} (platform browser,`,
    'ESM, minified). Whole subpaths are measured as `export * from` the subpath, so every export is kept. Bytes are',
    'exact; gzip is level 9.',
    '',
    '| subpath | minified | min + gzip |',
    '|---|---:|---:|',
    ...whole.map((r) => `| \`${r.label}\` | ${bytes(r.minified)} | ${bytes(r.gzipped)} |`),
    '',
    'What a typical import leaves after tree-shaking, from the subpath and from the root entry (`bulwark`):',
    '',
    '| import | minified | min + gzip | min + gzip via `bulwark` |',
    '|---|---:|---:|---:|',
    ...typical.map(
      (r) => `| \`${r.label}\` | ${bytes(r.minified)} | ${bytes(r.gzipped)} | ${bytes(r.viaRoot.gzipped)} |`,
    ),
  ].join('\n');
  const file = join(root, 'docs', 'benchmarks.md');
  const doc = readFileSync(file, 'utf8');
  const pattern = /<!-- size -->[\s\S]*?<!-- \/size -->/;
  if (!pattern.test(doc)) throw new Error('docs/benchmarks.md has no <!-- size --> ... <!-- /size --> section');
  writeFileSync(file, doc.replace(pattern, `<!-- size -->\n${table}\n<!-- /size -->`));
  console.log('recorded in docs/benchmarks.md');
}
