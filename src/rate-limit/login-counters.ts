import { loginWait } from './login-wait.js';
import type { LoginFailureCount, LoginGuardStore } from './types.js';

/** One counter: failures with their own expiry, and in-flight reservations with theirs. */
interface Counter {
  failures: number;
  lastFailure: number;
  failuresExpireAt: number;
  inFlight: number;
  lastReserved: number;
  inFlightExpiresAt: number;
}

const NONE: Counter = {
  failures: 0,
  lastFailure: 0,
  failuresExpireAt: 0,
  inFlight: 0,
  lastReserved: 0,
  inFlightExpiresAt: 0,
};

/**
 * The memory store's login-guard counters, the specification the Redis scripts follow: consecutive failures per key
 * with a time-to-live restarted by each failure, plus in-flight reservations that expire on their own. At most
 * `maxKeys` keys (the least recently written is forgotten first), expired lazily.
 */
export function createLoginCounters(maxKeys: number, now: () => number): LoginGuardStore {
  const counters = new Map<string, Counter>();

  /** The live part of a counter at `t`: expired failures or reservations read as none. */
  function live(id: string, t: number): Counter {
    const c = counters.get(id);
    if (c === undefined) return NONE;
    const failing = c.failuresExpireAt > t;
    const pending = c.inFlightExpiresAt > t;
    return {
      failures: failing ? c.failures : 0,
      lastFailure: failing ? c.lastFailure : 0,
      failuresExpireAt: failing ? c.failuresExpireAt : 0,
      inFlight: pending ? c.inFlight : 0,
      lastReserved: pending ? c.lastReserved : 0,
      inFlightExpiresAt: pending ? c.inFlightExpiresAt : 0,
    };
  }

  function write(id: string, c: Counter): void {
    // Delete then set: the Map's order becomes least-recently-written first, which eviction relies on.
    counters.delete(id);
    if (counters.size >= maxKeys) counters.delete(counters.keys().next().value as string);
    counters.set(id, c);
  }

  return {
    async reserveLoginAttempt(group, keys, rules, inFlightTtlMs) {
      const t = now();
      const before = keys.map((k) => live(`${group}\n${k}`, t));
      const counts = before.map((c) => toCount(c, t));
      const reserved = counts.every((c, i) => loginWait(c, rules[i]!) <= 0);
      if (reserved) {
        keys.forEach((k, i) => {
          const c = before[i] as Counter;
          write(`${group}\n${k}`, {
            ...c,
            inFlight: c.inFlight + 1,
            lastReserved: t,
            inFlightExpiresAt: t + inFlightTtlMs,
          });
        });
      }
      return { reserved, counts };
    },
    async recordLoginFailure(group, keys, rules) {
      const t = now();
      return keys.map((k, i) => {
        const id = `${group}\n${k}`;
        const c = live(id, t);
        const next = {
          ...c,
          failures: c.failures + 1,
          lastFailure: t,
          failuresExpireAt: t + rules[i]!.ttlMs,
          inFlight: Math.max(c.inFlight - 1, 0),
        };
        write(id, next);
        return toCount(next, t);
      });
    },
    async releaseLoginAttempt(group, keys) {
      const t = now();
      for (const k of keys) {
        const id = `${group}\n${k}`;
        const c = live(id, t);
        // Releasing touches no expiry and creates nothing: a reservation already gone stays gone.
        if (c.inFlight > 0) counters.set(id, { ...c, inFlight: c.inFlight - 1 });
      }
    },
    async clearLoginFailures(group, keys) {
      for (const k of keys) counters.delete(`${group}\n${k}`);
    },
  };
}

function toCount(c: Counter, t: number): LoginFailureCount {
  const last = Math.max(c.failures > 0 ? c.lastFailure : 0, c.inFlight > 0 ? c.lastReserved : 0);
  return {
    failures: c.failures,
    inFlight: c.inFlight,
    elapsedMs: c.failures + c.inFlight > 0 ? t - last : 0,
    failuresLeftMs: c.failures > 0 ? c.failuresExpireAt - t : 0,
    inFlightLeftMs: c.inFlight > 0 ? c.inFlightExpiresAt - t : 0,
  };
}
