import type { LoginFailureCount, LoginGuardStore } from './types.js';

/**
 * The memory store's login-guard counters: consecutive failures per key with a time-to-live restarted by each
 * failure, at most `maxKeys` of them (the least recently failed is forgotten first), expired lazily.
 */
export function createLoginCounters(maxKeys: number, now: () => number): LoginGuardStore {
  const failures = new Map<string, { failures: number; last: number; expiresAt: number }>();
  return {
    async readLoginFailures(group, keys) {
      const t = now();
      return keys.map((k) => {
        const entry = failures.get(`${group}\n${k}`);
        return entry === undefined || entry.expiresAt <= t
          ? { failures: 0, elapsedMs: 0 }
          : { failures: entry.failures, elapsedMs: t - entry.last };
      });
    },
    async recordLoginFailure(group, keys, ttlMs) {
      const t = now();
      return keys.map((k): LoginFailureCount => {
        const id = `${group}\n${k}`;
        const entry = failures.get(id);
        const count = entry === undefined || entry.expiresAt <= t ? 1 : entry.failures + 1;
        // Delete then set: the Map's order becomes least-recently-written first, which eviction relies on.
        failures.delete(id);
        if (failures.size >= maxKeys) failures.delete(failures.keys().next().value as string);
        failures.set(id, { failures: count, last: t, expiresAt: t + ttlMs });
        return { failures: count, elapsedMs: 0 };
      });
    },
    async clearLoginFailures(group, keys) {
      for (const k of keys) failures.delete(`${group}\n${k}`);
    },
  };
}
