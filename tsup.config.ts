import { defineConfig } from 'tsup';
import { readSubpaths } from './scripts/subpaths.js';

const entry = Object.fromEntries(readSubpaths().map((s) => [s.entry, s.source]));

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  // Declarations compile without Node's types, like src/. Adapters import the core as 'bulwark/*': resolve that to
  // src/ here (kept external in the output by `external` below); through the exports map it would need a dist/
  // that the build has just cleaned, so a fresh clone could not build, and a stale one would check old types.
  dts: {
    compilerOptions: {
      types: [],
      baseUrl: '.',
      paths: { bulwark: ['./src/index.ts'], 'bulwark/*': ['./src/*/index.ts'] },
    },
  },
  tsconfig: 'tsconfig.build.json',
  platform: 'neutral',
  target: 'es2022',
  splitting: true,
  sourcemap: false,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
  // Adapters reach the core through its public subpaths, so they share one copy of it with the app.
  external: [/^bulwark(\/|$)/, 'ioredis', 'redis', 'pg'],
  outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
});
