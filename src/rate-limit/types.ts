/**
 * The shapes shared by the rate limiter, its stores and the login guard. Stores are capabilities: the memory store
 * is the executable specification, and backends (Redis) implement the same interface atomically.
 */

/** How a rule counts requests. See docs/rate-limiting.md for when to use each. */
export type RateLimitAlgorithm = 'sliding-window' | 'sliding-log' | 'token-bucket' | 'fixed-window';

/** What a store call does with the cost: take it if every rule allows, only look, or give it back. */
export type RateLimitMode = 'consume' | 'peek' | 'refund';

/** One limit as the store sees it, with its identity precomputed by the limiter. */
export interface RateLimitRule {
  /** Unique identity of the rule within a store: limiter name plus every parameter. */
  readonly id: string;
  /** The limiter's name (part of every stored key, so limiters sharing a store never share counters). */
  readonly scope: string;
  readonly algorithm: RateLimitAlgorithm;
  /** Requests (cost units) per window; for `token-bucket`, tokens added per `windowMs`. */
  readonly limit: number;
  readonly windowMs: number;
  /** Bucket capacity for `token-bucket` (equals `limit` otherwise). */
  readonly burst: number;
}

/** Why a result is what it is: a normal decision, a reached limit, or a store outage handled by `onStoreError`. */
export type RateLimitReason = 'ok' | 'limit' | 'store-error';

/** The outcome of `consume`, `peek` or `refund`. A reached limit is a result, never an exception. */
export interface RateLimitResult {
  /** True when the request may proceed (for `peek`: when a request of that cost would be allowed now). */
  allowed: boolean;
  /** The limit of the binding rule (the one closest to, or over, its limit). */
  limit: number;
  /** Cost units still available under the binding rule after this decision. */
  remaining: number;
  /** Milliseconds until the binding rule's quota is fully restored if no further request arrives (0 if unused). */
  resetMs: number;
  /** Milliseconds until a request of this cost could be allowed; 0 when allowed. */
  retryAfterMs: number;
  /** The binding rule's window, for the `RateLimit-Policy` header. */
  windowMs: number;
  reason: RateLimitReason;
  /** Set when `reason` is `store-error`: the `STORE_UNAVAILABLE` or `STORE_TIMEOUT` error, for your logs. */
  error?: unknown;
}

/**
 * The capability a rate limiter needs from a store. Each call is atomic across all `rules` of one key: either every
 * rule takes the cost or none does. Implemented by the memory store and by `bulwark/adapters/redis`.
 */
export interface RateLimitStore {
  /** Applies `mode` with `cost` to `key` under every rule, atomically, using the store's own clock. */
  applyRateLimit(
    key: string,
    rules: readonly RateLimitRule[],
    cost: number,
    mode: RateLimitMode,
  ): Promise<RateLimitResult> | RateLimitResult;
  /** Forgets everything stored for `key` under `rules`. */
  resetRateLimit(key: string, rules: readonly RateLimitRule[]): Promise<void> | void;
}

/** A synchronous decision for fixed rules, resolved once by {@link SyncRateLimitStore.bindRateLimitSync}. */
export type RateLimitDecide = (key: string, cost: number, mode: RateLimitMode) => RateLimitResult;

/** A store with a synchronous path (the memory store): enables `consumeSync` and a promise path without I/O. */
export interface SyncRateLimitStore extends RateLimitStore {
  /** Resolves everything that does not depend on the key once; the returned function decides atomically. */
  bindRateLimitSync(rules: readonly RateLimitRule[]): RateLimitDecide;
}

/** One login-guard counter as a store reports it, by the store's clock. */
export interface LoginFailureCount {
  /** Consecutive failures recorded and not yet forgotten. */
  failures: number;
  /** Attempts reserved by `check` and not yet resolved by `failure` or `success`, and not yet expired. */
  inFlight: number;
  /** Milliseconds since the last failure or reservation counted above (0 when both counts are 0). */
  elapsedMs: number;
  /** Milliseconds until the failures are forgotten (0 when there are none). */
  failuresLeftMs: number;
  /** Milliseconds until the in-flight reservations expire (0 when there are none). */
  inFlightLeftMs: number;
}

/**
 * When one login-guard counter refuses an attempt, counting in-flight attempts as failures: while the attempts reach
 * `maxAttempts` (a ceiling; 0 for none), or within the delay that follows `freeAttempts` attempts, doubling from
 * `baseDelayMs` to `maxDelayMs` (0 for none). See `loginWait`, which every store mirrors.
 */
export interface LoginCounterRule {
  /** Failures are forgotten this long after the last one. */
  readonly ttlMs: number;
  readonly maxAttempts: number;
  readonly freeAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The capability the login guard needs. `group` is the unit of atomicity (one Redis hash tag): every key of one call
 * lives in it, and each call is atomic. Keys and group are raw application input; stores encode them.
 */
export interface LoginGuardStore {
  /**
   * If no key's rule refuses an attempt now, adds one in-flight attempt to every key, each expiring `inFlightTtlMs`
   * after its newest reservation; otherwise changes nothing. Returns whether it reserved, and the counts before.
   */
  reserveLoginAttempt(
    group: string,
    keys: readonly string[],
    rules: readonly LoginCounterRule[],
    inFlightTtlMs: number,
  ): Promise<{ reserved: boolean; counts: LoginFailureCount[] }>;
  /**
   * Turns one in-flight attempt of each key into a failure (or adds a failure where none is in flight), restarting
   * the key's failure time-to-live from its rule, and returns the new counts.
   */
  recordLoginFailure(
    group: string,
    keys: readonly string[],
    rules: readonly LoginCounterRule[],
  ): Promise<LoginFailureCount[]>;
  /** Removes one in-flight attempt from each key that has one, counting nothing. */
  releaseLoginAttempt(group: string, keys: readonly string[]): Promise<void>;
  /** Forgets the keys: failures and in-flight attempts. */
  clearLoginFailures(group: string, keys: readonly string[]): Promise<void>;
}
