/**
 * The counter algorithms as pure arithmetic on a few numbers, described once here and mirrored line for line by the
 * Redis Lua script (adapters/redis/scripts.ts). All times are integer milliseconds; every quantity that decides
 * admission is an integer below 2^53, so JavaScript and Lua (both IEEE doubles) compute identical results.
 *
 * State per key (`a`, `b`, `c`), empty state is `a = -1, b = 0, c = 0`:
 * - fixed-window:   a = start of the aligned window, b = cost used in it
 * - sliding-window: a = start of the aligned current window, b = cost in it, c = cost in the previous window
 * - token-bucket:   a = time of the last update (-1 at zero debt), b = debt in units where one token is `windowMs`
 *                   and the debt drains by `limit` per millisecond (exact integer GCRA: a request fits while
 *                   debt ≤ burst·windowMs)
 * Sliding-log keeps one timestamp per cost unit and lives in the stores.
 */
import type { RateLimitMode, RateLimitRule } from './types.js';

/** The outcome of one rule for one request, and the state to store if `write` is set. Reused: never kept. */
export interface RuleStep {
  allowed: boolean;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
  write: boolean;
  a: number;
  b: number;
  c: number;
  /** Absolute time after which the stored state is equivalent to the empty state. */
  expiresAt: number;
  /** The time the step was computed at: the clock, or the key's own latest time if the clock is behind it. */
  at: number;
}

export function createRuleStep(): RuleStep {
  return {
    allowed: false,
    remaining: 0,
    resetMs: 0,
    retryAfterMs: 0,
    write: false,
    a: -1,
    b: 0,
    c: 0,
    expiresAt: 0,
    at: 0,
  };
}

/**
 * A clock behind a key's state (an NTP step back, a failover to a server with a slower clock) must not rewind it:
 * a fixed or sliding window would start over and forget its count, a bucket would refill twice, a log would go
 * out of order. So the stores run each step at `max(now, the key's latest time)` (the window start, the bucket's
 * last update, the log's newest entry; the Lua script does the same), then call this with how far that time is
 * ahead of the clock, to turn the step's waits into waits from the clock's `now`.
 */
export function addSkew(out: RuleStep, skew: number): void {
  if (out.resetMs > 0) out.resetMs += skew;
  if (!out.allowed) out.retryAfterMs += skew;
}

/**
 * The one admission rule every algorithm shares: `cost` fits when `extra + used + cost <= room` (written in that
 * order, as in Lua); consume takes it only then, peek never, refund gives it back down to zero. Sets `allowed` and
 * `write`, returns the new `used`.
 */
function takeCost(used: number, extra: number, cost: number, room: number, mode: RateLimitMode, out: RuleStep): number {
  if (mode === 'refund') {
    out.allowed = true;
    out.write = true;
    return used > cost ? used - cost : 0;
  }
  const allowed = extra + used + cost <= room;
  out.allowed = allowed;
  out.write = allowed && mode === 'consume';
  return out.write ? used + cost : used;
}

/** Records the state to store (see the file header) and when it lapses to empty; every step ends here. */
function storeState(out: RuleStep, a: number, b: number, c: number, expiresAt: number): RuleStep {
  out.a = a;
  out.b = b;
  out.c = c;
  out.expiresAt = expiresAt;
  return out;
}

/** Fixed window aligned to the epoch, so every instance agrees on window boundaries. */
export function stepFixedWindow(
  rule: RateLimitRule,
  a: number,
  b: number,
  now: number,
  cost: number,
  mode: RateLimitMode,
  out: RuleStep,
): RuleStep {
  const w = rule.windowMs;
  const start = windowStart(now, w);
  const used = takeCost(a === start ? b : 0, 0, cost, rule.limit, mode, out);
  out.remaining = rule.limit - used;
  out.resetMs = used > 0 ? start + w - now : 0;
  out.retryAfterMs = out.allowed ? 0 : start + w - now;
  return storeState(out, start, used, 0, start + w);
}

/**
 * Two-counter sliding window: the previous window's count weighted by the part of it still inside the sliding
 * window, plus the current count. Documented bound: each aligned window admits at most `limit`, and any interval of
 * `windowMs` at most 2 × `limit` (reached only when the previous window's requests all came at its very end).
 */
export function stepSlidingWindow(
  rule: RateLimitRule,
  a: number,
  b: number,
  c: number,
  now: number,
  cost: number,
  mode: RateLimitMode,
  out: RuleStep,
): RuleStep {
  const w = rule.windowMs;
  const limit = rule.limit;
  const start = windowStart(now, w);
  let current = 0;
  let previous = 0;
  if (a === start) {
    current = b;
    previous = c;
  } else if (a === start - w) {
    previous = b;
  }
  const elapsed = now - start;
  // A refund just after a boundary gives back what the previous window counted once this one has nothing left:
  // otherwise a request consumed before the boundary and refunded after it would stay counted.
  if (mode === 'refund') previous = Math.max(previous - Math.max(cost - current, 0), 0);
  const weighted = (previous * (w - elapsed)) / w;
  current = takeCost(current, weighted, cost, limit, mode, out);
  const allowed = out.allowed;
  out.remaining = Math.max(Math.floor(limit - (weighted + current)), 0);
  out.resetMs = current > 0 ? w - elapsed + w : previous > 0 ? w - elapsed : 0;
  out.retryAfterMs = allowed ? 0 : slidingRetryAfter(w, limit, elapsed, current, previous, cost);
  return storeState(out, start, current, previous, start + 2 * w);
}

/** Earliest wait after which `cost` fits, assuming no other request: solved, then nudged past float rounding. */
function slidingRetryAfter(
  w: number,
  limit: number,
  elapsed: number,
  current: number,
  previous: number,
  cost: number,
): number {
  if (current + cost <= limit) {
    // Still in this window: wait for the previous window's weight to decay enough.
    let at = Math.ceil(w - ((limit - current - cost) * w) / previous);
    while (at < w && (previous * (w - at)) / w + current + cost > limit) at++;
    return at - elapsed;
  }
  // Only the next window can take it, with this window's count as its weighted previous.
  let at = Math.ceil(w - ((limit - cost) * w) / current);
  while (at < w && (current * (w - at)) / w + cost > limit) at++;
  return w - elapsed + at;
}

/**
 * Largest integer ≤ x / y for non-negative integers below 2^53, exact: the rounded quotient is corrected by integer
 * products (V8's `%` on non-small integers is a slow library call, so it stays off the hot path).
 */
export function floorDivide(x: number, y: number): number {
  let q = Math.floor(x / y);
  if (q * y > x) q--;
  else if ((q + 1) * y <= x) q++;
  return q;
}

function ceilDivide(x: number, y: number): number {
  const q = floorDivide(x, y);
  return q * y === x ? q : q + 1;
}

/** Start of the epoch-aligned window containing `now` (the Redis script computes it the same way). */
export function windowStart(now: number, w: number): number {
  return floorDivide(now, w) * w;
}

/** GCRA as an exact integer leaky bucket; see the file header for the units. */
export function stepTokenBucket(
  rule: RateLimitRule,
  a: number,
  b: number,
  now: number,
  cost: number,
  mode: RateLimitMode,
  out: RuleStep,
): RuleStep {
  const w = rule.windowMs;
  const rate = rule.limit;
  const capacity = rule.burst * w;
  let debt = b;
  if (debt > 0) {
    const elapsed = now - a;
    if (elapsed > 0) debt = elapsed * rate >= debt ? 0 : debt - elapsed * rate;
  }
  debt = takeCost(debt, 0, cost * w, capacity, mode, out);
  out.remaining = floorDivide(capacity - debt, w);
  out.resetMs = ceilDivide(debt, rate);
  out.retryAfterMs = out.allowed ? 0 : ceilDivide(debt + cost * w - capacity, rate);
  // A full bucket is the empty state (a = -1), as in the Lua script, which deletes it: no latest time to keep.
  return storeState(out, debt > 0 ? now : -1, debt, 0, now + out.resetMs);
}

/**
 * Sliding log over a sorted array of timestamps (one per cost unit), pruned in place. Exact: never more than
 * `limit` in any window of `windowMs`. Returns the outcome; the caller appends or removes entries on `write`.
 */
export function stepSlidingLog(
  rule: RateLimitRule,
  log: number[],
  now: number,
  cost: number,
  mode: RateLimitMode,
  out: RuleStep,
): RuleStep {
  const w = rule.windowMs;
  let drop = 0;
  while (drop < log.length && (log[drop] as number) <= now - w) drop++;
  if (drop > 0) log.splice(0, drop);
  const used = takeCost(log.length, 0, cost, rule.limit, mode, out);
  out.remaining = rule.limit - used;
  const newest = out.write && mode === 'consume' ? now : used > 0 ? (log[used - 1] as number) : now - w;
  out.resetMs = used > 0 ? newest + w - now : 0;
  out.retryAfterMs = out.allowed ? 0 : (log[log.length + cost - rule.limit - 1] as number) + w - now;
  return storeState(out, 0, used, 0, newest + w);
}
