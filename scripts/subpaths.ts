/**
 * One source of truth for the package's entry points: the `exports` map in package.json. tsup, vitest, the size
 * report and the consistency check all derive from it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface Subpath {
  /** './password', '.', './adapters/redis' */
  subpath: string;
  /** 'bulwark/password' */
  specifier: string;
  /** 'src/password/index.ts' */
  source: string;
  /** 'password/index' (dist/<entry>.js) */
  entry: string;
}

export function readSubpaths(): Subpath[] {
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { exports: Record<string, unknown> };
  return Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((subpath) => {
      const rel = subpath === '.' ? '' : subpath.slice(2);
      const source =
        rel === '' ? 'src/index.ts' : rel.startsWith('adapters/') ? `${rel}/index.ts` : `src/${rel}/index.ts`;
      return {
        subpath,
        specifier: rel === '' ? 'bulwark' : `bulwark/${rel}`,
        source,
        entry: rel === '' ? 'index' : `${rel}/index`,
      };
    });
}
