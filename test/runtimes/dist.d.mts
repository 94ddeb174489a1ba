// Types for dist.mjs, which scripts/*.ts import (run.mjs must stay plain JavaScript for Node without a loader).
export const root: string;
export function readPackage(): { exports: Record<string, unknown>; [key: string]: unknown };
export function exportTargets(pkg?: { exports: Record<string, unknown> }): string[];
export function distStaleReason(): string | null;
export function withDistLock<T>(fn: () => T | Promise<T>): Promise<T>;
export function ensureDist(options?: { log?: (line: string) => void }): string;
export function bulwarkDistPlugin(condition?: 'import' | 'require'): import('esbuild').Plugin;
