/**
 * Every ```ts block in README.md and docs/*.md runs here as a module, importing 'bulwark/...' as a user would, and
 * all of them type-check under the project's strict compiler options (a misspelled option would otherwise run:
 * unknown option keys are ignored at run time).
 * A block whose info string says `ts no-run` is shown to readers but not executed (e.g. it needs a network).
 * Blocks use `node:assert` to state what the reader should see.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

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

const written: { file: string; page: string; line: number }[] = [];

for (const page of pages) {
  const text = readFileSync(`${root}${page}`, 'utf8');
  const blocks = [...text.matchAll(/^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm)];
  if (blocks.length === 0) continue;
  const runnable: { file: string; line: number }[] = [];
  blocks.forEach((m, i) => {
    const line = text.slice(0, m.index).split('\n').length;
    const file = `${tmp}${page.replace(/[/.]/g, '_')}_${i + 1}.ts`;
    if ((m[2] ?? '').includes('no-run')) return;
    writeFileSync(file, `${m[3]}\nexport {};\n`);
    written.push({ file, page, line });
    runnable.push({ file, line });
  });
  if (runnable.length === 0) continue;
  describe(page, () => {
    runnable.forEach(({ file, line }, i) => {
      it(`block ${i + 1} (line ${line})`, async () => {
        await import(file);
      });
    });
  });
}

describe('documentation blocks', () => {
  it('type-check (the runnable ones: a no-run block may be a fragment)', () => {
    const configPath = `${root}tsconfig.json`;
    const config = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (config === undefined) throw new Error('tsconfig.json did not parse');
    const program = ts.createProgram(
      written.map((w) => w.file),
      { ...config.options, noEmit: true },
    );
    const where = new Map(written.map((w) => [w.file, w]));
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && where.has(d.file.fileName))
      .map((d) => {
        const block = where.get(d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${block.page}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    expect(problems).toEqual([]);
  }, 60_000);
});
