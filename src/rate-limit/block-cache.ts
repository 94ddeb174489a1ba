import { assertIntegerInRange } from '../internal/assert.js';
import type { RateLimitResult } from './types.js';

/** A limiter's in-process memory of keys known to be over their limit, so they are denied without a store call. */
export interface BlockCache {
  /** A local denial while `key` is known to be blocked, else undefined. */
  denial(key: string): RateLimitResult | undefined;
  /** Remembers `key` until its retry time when `result` says it is over its limit for any request. */
  remember(key: string, cost: number, result: RateLimitResult, since?: number): void;
  forget(key: string): void;
  /**
   * A stamp to take before a store call and pass to `remember` with its result: a denial is dropped when a
   * `forget` (reset or refund) happened in between, since the store no longer holds what the denial says.
   */
  stamp(): number;
}

/** Reads the `blockCache` option: undefined (off), true, or `{ maxKeys }`; at most `maxKeys` keys, oldest out first. */
export function createBlockCache(
  option: boolean | { maxKeys?: number } | undefined,
  now: () => number,
  defaultMaxKeys: number,
): BlockCache | undefined {
  if (option === undefined || option === false) return undefined;
  const maxKeys =
    option === true
      ? defaultMaxKeys
      : assertIntegerInRange(option.maxKeys ?? defaultMaxKeys, 'blockCache.maxKeys', 1, 10_000_000);
  // The denial is replayed as the store made it: the binding rule of a multi-limit limiter need not be the first.
  const entries = new Map<string, { until: number; resetAt: number; limit: number; windowMs: number }>();
  // One counter for all keys: a forget of another key only costs the cache one entry it could have kept.
  let forgets = 0;
  return {
    denial(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      const t = now();
      const wait = entry.until - t;
      if (wait <= 0) {
        entries.delete(key);
        return undefined;
      }
      return {
        allowed: false,
        limit: entry.limit,
        remaining: 0,
        resetMs: Math.max(entry.resetAt - t, wait),
        retryAfterMs: wait,
        windowMs: entry.windowMs,
        reason: 'limit',
      };
    },
    remember(key, cost, result, since = forgets) {
      // Only a denial at cost 1 says the key is over its limit for every request until the retry time.
      if (result.allowed || cost !== 1 || result.reason !== 'limit' || since !== forgets) return;
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string);
      const t = now();
      entries.set(key, {
        until: t + result.retryAfterMs,
        resetAt: t + result.resetMs,
        limit: result.limit,
        windowMs: result.windowMs,
      });
    },
    forget(key) {
      forgets++;
      entries.delete(key);
    },
    stamp: () => forgets,
  };
}
