import { describe, expect, it } from 'vitest';
import { compareRootExports } from '../scripts/root-index.js';

describe('root entry', () => {
  it('re-exports every public export of every module, by name, and nothing else', () => {
    const { root, modules } = compareRootExports();
    expect(root, 'src/index.ts is stale: run `npx tsx scripts/root-index.ts`').toEqual(modules);
  }, 120_000);
});
