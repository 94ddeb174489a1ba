import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const slow = process.env.CI === 'true' || process.env.BULWARK_SLOW === '1';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^bulwark$/, replacement: `${root}src/index.ts` },
      { find: /^bulwark\/adapters\/(.*)$/, replacement: `${root}adapters/$1/index.ts` },
      { find: /^bulwark\/(.*)$/, replacement: `${root}src/$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/runtimes/**', ...(slow ? [] : ['test/**/*.slow.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
