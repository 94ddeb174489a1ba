/**
 * Every ```ts block in README.md and docs/*.md runs here as a module, importing 'bulwark/...' as a user would.
 * A block whose info string says `ts no-run` is shown to readers but not executed (e.g. it needs a network).
 * Blocks use `node:assert` to state what the reader should see.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = `${root}test/.docs-tmp/`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

const pages = [
  'README.md',
  ...readdirSync(`${root}docs`)
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

for (const page of pages) {
  const text = readFileSync(`${root}${page}`, 'utf8');
  const blocks = [...text.matchAll(/^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm)].filter(
    (m) => !(m[2] ?? '').includes('no-run'),
  );
  if (blocks.length === 0) continue;
  describe(page, () => {
    blocks.forEach((m, i) => {
      const line = text.slice(0, m.index).split('\n').length;
      it(`block ${i + 1} (line ${line})`, async () => {
        const file = `${tmp}${page.replace(/[/.]/g, '_')}_${i + 1}.ts`;
        writeFileSync(file, `${m[3]}\nexport {};\n`);
        await import(file);
      });
    });
  });
}
