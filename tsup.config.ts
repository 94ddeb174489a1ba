import { defineConfig } from 'tsup';
import { readSubpaths } from './scripts/subpaths.js';

const entry = Object.fromEntries(readSubpaths().map((s) => [s.entry, s.source]));

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { types: [], paths: {} } },
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
