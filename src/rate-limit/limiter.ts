import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, assertOneOf, methodOf, readOptions } from '../internal/assert.js';
import { callStore, isStoreFailure, type StoreErrorPolicy } from '../internal/store-call.js';
import { createBlockCache } from './block-cache.js';
import { createRateLimitMemoryStore } from './memory-store.js';
import { maxCost, type RateLimitRuleOptions, readName, readRules } from './rules.js';
import type {
  RateLimitDecide,
  RateLimitMode,
  RateLimitResult,
  RateLimitRule,
  RateLimitStore,
  SyncRateLimitStore,
} from './types.js';

/** Options for {@link createRateLimiter}: one limit inline, or several in `limits`. */
export interface RateLimiterOptions extends Partial<RateLimitRuleOptions> {
  /** Several limits checked together, all-or-nothing (e.g. 5 per minute and 100 per day). */
  limits?: readonly RateLimitRuleOptions[];
  /** Names this limiter's counters in a shared store (default `default`); limiters with different limits never collide. */
  name?: string;
  /** Where counters live (default: a new in-process memory store). */
  store?: RateLimitStore;
  /** Decision when the store fails or times out (default `deny`); the result then says `reason: 'store-error'`. */
  onStoreError?: StoreErrorPolicy;
  /** Deadline for one store call (default 1000 ms). */
  timeoutMs?: number;
  /** Deny keys already known to be over their limit locally until their retry time, without asking the store. */
  blockCache?: boolean | { maxKeys?: number };
  /** Clock in epoch milliseconds for the default memory store and the block cache (default `Date.now`). */
  now?: () => number;
}

/** Per-call options for {@link RateLimiter} methods. */
export interface ConsumeOptions {
  /** Cost units this request takes (default 1): an integer from 1 to the smallest limit (or burst). */
  cost?: number;
}

/** A rate limiter: plain functions over a store. A reached limit is a result, never an exception. */
export interface RateLimiter {
  /** Takes `cost` from every limit of `key` if all allow, atomically; a denied request consumes nothing. */
  consume(key: string, options?: ConsumeOptions): Promise<RateLimitResult>;
  /** `consume` without a promise, for the memory store (throws CONFIG_INVALID with any other store). */
  consumeSync(key: string, options?: ConsumeOptions): RateLimitResult;
  /** Whether a request of `cost` would be allowed now, and the quota left, without consuming anything. */
  peek(key: string, options?: ConsumeOptions): Promise<RateLimitResult>;
  /** Gives `cost` back (e.g. the request turned out not to count); never below an unused state. */
  refund(key: string, options?: ConsumeOptions): Promise<RateLimitResult>;
  /** Forgets `key` entirely. @throws STORE_UNAVAILABLE or STORE_TIMEOUT when the store fails. */
  reset(key: string): Promise<void>;
  /** The rules this limiter applies, in order. */
  readonly rules: readonly RateLimitRule[];
}

/** Safe defaults for {@link createRateLimiter}. */
export const DEFAULT_RATE_LIMITER = Object.freeze({
  algorithm: 'sliding-window' as const,
  name: 'default',
  onStoreError: 'deny' as const,
  timeoutMs: 1000,
  blockCacheMaxKeys: 10_000,
  maxKeyLength: 1024,
});

/**
 * Creates a rate limiter over `store` (default: in-process memory).
 *
 * @throws CONFIG_INVALID for a missing or out-of-range limit, window, burst, name, policy or timeout.
 * @example
 * const limiter = createRateLimiter({ limit: 100, windowMs: 60_000 });
 * const result = await limiter.consume(ipKey(request.ip));
 * if (!result.allowed) return tooManyRequests(rateLimitHeaders(result));
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const o = readOptions<RateLimiterOptions>(options);
  const name = readName(o.name ?? DEFAULT_RATE_LIMITER.name);
  const rules = readRules(name, o);
  const costCeiling = maxCost(rules);
  const onStoreError = assertOneOf(o.onStoreError ?? DEFAULT_RATE_LIMITER.onStoreError, 'onStoreError', [
    'deny',
    'allow',
  ]);
  const timeoutMs = assertIntegerInRange(o.timeoutMs ?? DEFAULT_RATE_LIMITER.timeoutMs, 'timeoutMs', 1, 600_000);
  const now = o.now ?? Date.now;
  const store = o.store ?? createRateLimitMemoryStore(o.now === undefined ? {} : { now });
  // Methods count when the store or its class has them, never when a polluted Object.prototype lends them: a
  // lent bindRateLimitSync would decide for the limiter's whole life.
  if (
    typeof store !== 'object' ||
    store === null ||
    methodOf(store, 'applyRateLimit') === undefined ||
    methodOf(store, 'resetRateLimit') === undefined
  ) {
    throw new BulwarkError('CONFIG_INVALID', 'store must implement RateLimitStore', {
      details: { parameter: 'store' },
    });
  }
  // A store with a synchronous path (memory) decides without a promise of its own, timeout or failure policy.
  const decide =
    methodOf(store, 'bindRateLimitSync') === undefined
      ? undefined
      : (store as SyncRateLimitStore).bindRateLimitSync(rules);
  const primary = rules[0] as RateLimitRule;
  const blocked = createBlockCache(o.blockCache, now, DEFAULT_RATE_LIMITER.blockCacheMaxKeys);

  function readCost(key: unknown, callOptions: ConsumeOptions | undefined): number {
    if (typeof key !== 'string' || key.length === 0 || key.length > DEFAULT_RATE_LIMITER.maxKeyLength) {
      throw new BulwarkError(
        'INPUT_INVALID',
        `key must be a string of 1 to ${DEFAULT_RATE_LIMITER.maxKeyLength} characters`,
        {
          details: { parameter: 'key' },
        },
      );
    }
    // Own `cost` only: an inherited one (a polluted Object.prototype) would make a refund give back more.
    if (callOptions === undefined || !Object.hasOwn(callOptions, 'cost') || callOptions.cost === undefined) return 1;
    const cost = callOptions.cost;
    if (typeof cost !== 'number' || !Number.isInteger(cost) || cost < 1 || cost > costCeiling) {
      throw new BulwarkError('INPUT_INVALID', `cost must be an integer from 1 to ${costCeiling}`, {
        details: { parameter: 'cost', max: costCeiling },
      });
    }
    return cost;
  }

  function onFailure(error: unknown): RateLimitResult {
    if (!isStoreFailure(error)) throw error;
    const allowed = onStoreError === 'allow';
    return {
      allowed,
      limit: primary.limit,
      remaining: 0,
      resetMs: 0,
      // An outage has no known end: suggest a short pause rather than a full window.
      retryAfterMs: allowed ? 0 : Math.min(primary.windowMs, 1000),
      windowMs: primary.windowMs,
      reason: 'store-error',
      error,
    };
  }

  function decideSync(key: string, cost: number, mode: RateLimitMode, decision: RateLimitDecide): RateLimitResult {
    if (blocked === undefined) return decision(key, cost, mode);
    if (mode === 'consume') {
      const denial = blocked.denial(key);
      if (denial !== undefined) return denial;
    } else if (mode === 'refund') blocked.forget(key);
    const result = decision(key, cost, mode);
    if (mode === 'consume') blocked.remember(key, cost, result);
    return result;
  }

  async function applyRemote(
    key: string,
    callOptions: ConsumeOptions | undefined,
    mode: RateLimitMode,
  ): Promise<RateLimitResult> {
    const cost = readCost(key, callOptions);
    if (mode === 'consume') {
      const denial = blocked?.denial(key);
      if (denial !== undefined) return denial;
    } else if (mode === 'refund') blocked?.forget(key);
    const since = blocked?.stamp();
    let result: RateLimitResult;
    try {
      // A consume that times out is reported as denied under 'deny': if it lands later and took quota, give the
      // quota back, so the request that was refused leaves the counters as they were.
      result = await callStore(
        () => store.applyRateLimit(key, rules, cost, mode),
        timeoutMs,
        mode === 'consume' && onStoreError === 'deny'
          ? (late) => (late.allowed ? store.applyRateLimit(key, rules, cost, 'refund') : undefined)
          : undefined,
      );
    } catch (error) {
      return onFailure(error);
    }
    if (mode === 'consume') blocked?.remember(key, cost, result, since);
    return result;
  }

  const local = decide;
  return {
    rules,
    consume:
      local === undefined
        ? (key, callOptions) => applyRemote(key, callOptions, 'consume')
        : blocked === undefined
          ? async (key, callOptions) => local(key, readCost(key, callOptions), 'consume')
          : async (key, callOptions) => decideSync(key, readCost(key, callOptions), 'consume', local),
    peek:
      local === undefined
        ? (key, callOptions) => applyRemote(key, callOptions, 'peek')
        : async (key, callOptions) => decideSync(key, readCost(key, callOptions), 'peek', local),
    refund:
      local === undefined
        ? (key, callOptions) => applyRemote(key, callOptions, 'refund')
        : async (key, callOptions) => decideSync(key, readCost(key, callOptions), 'refund', local),
    consumeSync(key, callOptions) {
      if (local === undefined) {
        throw new BulwarkError(
          'CONFIG_INVALID',
          'consumeSync needs a store with a synchronous path (the memory store)',
          {
            details: { parameter: 'store' },
          },
        );
      }
      return decideSync(key, readCost(key, callOptions), 'consume', local);
    },
    async reset(key) {
      readCost(key, undefined);
      blocked?.forget(key);
      await callStore(() => store.resetRateLimit(key, rules), timeoutMs);
    },
  };
}
