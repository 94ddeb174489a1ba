import { assertIntegerInRange } from '../internal/assert.js';
import type { RateLimitResult, RateLimitRule } from './types.js';

/** A limiter's in-process memory of keys known to be over their limit, so they are denied without a store call. */
export interface BlockCache {
  /** A local denial while `key` is known to be blocked, else undefined. */
  denial(key: string): RateLimitResult | undefined;
  /** Remembers `key` until its retry time when `result` says it is over its limit for any request. */
  remember(key: string, cost: number, result: RateLimitResult): void;
  forget(key: string): void;
}

/** Reads the `blockCache` option: undefined (off), true, or `{ maxKeys }`; at most `maxKeys` keys, oldest out first. */
export function createBlockCache(
  option: boolean | { maxKeys?: number } | undefined,
  now: () => number,
  primary: RateLimitRule,
  defaultMaxKeys: number,
): BlockCache | undefined {
  if (option === undefined || option === false) return undefined;
  const maxKeys =
    option === true
      ? defaultMaxKeys
      : assertIntegerInRange(option.maxKeys ?? defaultMaxKeys, 'blockCache.maxKeys', 1, 10_000_000);
  const entries = new Map<string, number>();
  return {
    denial(key) {
      const until = entries.get(key);
      if (until === undefined) return undefined;
      const wait = until - now();
      if (wait <= 0) {
        entries.delete(key);
        return undefined;
      }
      return {
        allowed: false,
        limit: primary.limit,
        remaining: 0,
        resetMs: wait,
        retryAfterMs: wait,
        windowMs: primary.windowMs,
        reason: 'limit',
      };
    },
    remember(key, cost, result) {
      // Only a denial at cost 1 says the key is over its limit for every request until the retry time.
      if (result.allowed || cost !== 1 || result.reason !== 'limit') return;
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as string);
      entries.set(key, now() + result.retryAfterMs);
    },
    forget(key) {
      entries.delete(key);
    },
  };
}
