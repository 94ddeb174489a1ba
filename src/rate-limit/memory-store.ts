import { assertIntegerInRange, readNowOption, readOptions } from '../internal/assert.js';
import {
  addSkew,
  createRuleStep,
  type RuleStep,
  stepFixedWindow,
  stepSlidingLog,
  stepSlidingWindow,
  stepTokenBucket,
} from './algorithms.js';
import { coarseNow } from './clock.js';
import { createLoginCounters } from './login-counters.js';
import { SlotTable } from './table.js';
import type {
  LoginGuardStore,
  RateLimitDecide,
  RateLimitMode,
  RateLimitResult,
  RateLimitRule,
  SyncRateLimitStore,
} from './types.js';

/** Options for {@link createRateLimitMemoryStore}. */
export interface RateLimitMemoryStoreOptions {
  /** Most keys kept per rule (and for the login guard); the least recently used is evicted beyond it. */
  maxKeys?: number;
  /**
   * Clock in epoch milliseconds. Default: the system clock read at most once per millisecond and per 64 decisions
   * (see docs/rate-limiting.md); pass `Date.now` to read it on every decision.
   */
  now?: () => number;
}

/** Safe defaults for {@link createRateLimitMemoryStore}. */
export const DEFAULT_RATE_LIMIT_MEMORY_STORE = Object.freeze({ maxKeys: 1_000_000 });

/** The in-process store: rate limits (with a synchronous path) and login-guard counters. */
export interface RateLimitMemoryStore extends SyncRateLimitStore, LoginGuardStore {
  /** Rate-limit keys currently held across all rules (expired keys count until they are touched or evicted). */
  readonly size: number;
}

const EMPTY_LOG: number[] = [];

/**
 * Creates the in-process store used by default: O(1) per decision for the counter algorithms, lazy expiry,
 * memory bounded by `maxKeys` per rule with least-recently-used eviction, no timers.
 *
 * Counters live in this process only: with several app instances, use `bulwark/adapters/redis`.
 * @throws CONFIG_INVALID when `maxKeys` is not an integer from 1 to 100,000,000.
 * @example
 * const store = createRateLimitMemoryStore({ maxKeys: 100_000 });
 * const limiter = createRateLimiter({ limit: 10, windowMs: 60_000, store });
 */
export function createRateLimitMemoryStore(options?: RateLimitMemoryStoreOptions): RateLimitMemoryStore {
  const o = readOptions<RateLimitMemoryStoreOptions>(options);
  const maxKeys = assertIntegerInRange(o.maxKeys ?? DEFAULT_RATE_LIMIT_MEMORY_STORE.maxKeys, 'maxKeys', 1, 100_000_000);
  const now = readNowOption(o.now, coarseNow);
  const tables = new Map<string, SlotTable>();

  function tableFor(rule: RateLimitRule): SlotTable {
    let table = tables.get(rule.id);
    if (table === undefined) {
      table = new SlotTable(maxKeys, rule.algorithm === 'sliding-window', rule.algorithm === 'sliding-log');
      tables.set(rule.id, table);
    }
    return table;
  }

  function step(
    table: SlotTable,
    slot: number,
    rule: RateLimitRule,
    t: number,
    cost: number,
    mode: RateLimitMode,
    out: RuleStep,
  ): RuleStep {
    const cells = table.cells;
    const base = slot * table.stride;
    const a = slot < 0 ? -1 : (cells[base] as number);
    const b = slot < 0 ? 0 : (cells[base + 1] as number);
    // Never behind the key's own latest time (see addSkew): a is the window start or the bucket's last update.
    let at = Math.max(a, t);
    switch (rule.algorithm) {
      case 'sliding-window':
        stepSlidingWindow(rule, a, b, slot < 0 ? 0 : (cells[base + 2] as number), at, cost, mode, out);
        break;
      case 'fixed-window':
        stepFixedWindow(rule, a, b, at, cost, mode, out);
        break;
      case 'token-bucket':
        stepTokenBucket(rule, a, b, at, cost, mode, out);
        break;
      default: {
        // The log's newest entry is its latest time (its cell a is unused).
        const log = slot < 0 ? EMPTY_LOG : (table.logs![slot] ?? EMPTY_LOG);
        at = log.length > 0 ? Math.max(log[log.length - 1] as number, t) : t;
        stepSlidingLog(rule, log, at, cost, mode, out);
      }
    }
    out.at = at;
    if (at > t) addSkew(out, at - t);
    return out;
  }

  function commit(table: SlotTable, slot: number, key: string, cost: number, mode: RateLimitMode, s: RuleStep) {
    if (slot < 0) slot = table.insert(key);
    const cells = table.cells;
    const base = slot * table.stride;
    cells[base] = s.a;
    cells[base + 1] = s.b;
    if (table.withPrevious) cells[base + 2] = s.c;
    if (table.logs !== undefined) commitLog(table.logs, slot, s.at, cost, mode, s.b);
  }

  /** The fast path for one rule: table and scratch resolved once, one lookup per decision. */
  function bindOne(rule: RateLimitRule): RateLimitDecide {
    const table = tableFor(rule);
    const out = createRuleStep();
    const { limit, windowMs } = rule;
    return (key, cost, mode) => {
      const t = now();
      const slot = table.find(key);
      step(table, slot, rule, t, cost, mode, out);
      if (out.write) commit(table, slot, key, cost, mode, out);
      const allowed = out.allowed;
      return {
        allowed,
        limit,
        remaining: out.remaining,
        resetMs: out.resetMs,
        retryAfterMs: out.retryAfterMs,
        windowMs,
        reason: allowed ? 'ok' : 'limit',
      };
    };
  }

  /** Several rules: evaluate every rule, then write all of them or none. Each rule has its own table. */
  function bindMany(rules: readonly RateLimitRule[]): RateLimitDecide {
    const ruleTables = rules.map(tableFor);
    const steps = rules.map(createRuleStep);
    const slots = new Int32Array(rules.length);
    return (key, cost, mode) => {
      const t = now();
      let allowed = true;
      for (let i = 0; i < rules.length; i++) {
        const table = ruleTables[i] as SlotTable;
        const slot = table.find(key);
        slots[i] = slot;
        if (!step(table, slot, rules[i] as RateLimitRule, t, cost, mode, steps[i] as RuleStep).allowed) allowed = false;
      }
      if (allowed || mode === 'refund') {
        for (let i = 0; i < rules.length; i++) {
          const s = steps[i] as RuleStep;
          if (s.write) commit(ruleTables[i] as SlotTable, slots[i] as number, key, cost, mode, s);
        }
      }
      return bindingResult(rules, steps, allowed);
    };
  }

  const bound = new WeakMap<readonly RateLimitRule[], RateLimitDecide>();
  function bindRateLimitSync(rules: readonly RateLimitRule[]): RateLimitDecide {
    let decide = bound.get(rules);
    if (decide === undefined) {
      decide = rules.length === 1 ? bindOne(rules[0] as RateLimitRule) : bindMany(rules);
      bound.set(rules, decide);
    }
    return decide;
  }

  return {
    get size() {
      let n = 0;
      for (const table of tables.values()) n += table.size;
      return n;
    },
    bindRateLimitSync,
    applyRateLimit(key, rules, cost, mode) {
      return bindRateLimitSync(rules)(key, cost, mode);
    },
    resetRateLimit(key, rules) {
      for (const rule of rules) tables.get(rule.id)?.delete(key);
    },
    ...createLoginCounters(maxKeys, now),
  };
}

/** Sliding log: one timestamp per admitted cost unit, or the newest entries dropped on refund. */
function commitLog(
  logs: (number[] | undefined)[],
  slot: number,
  t: number,
  cost: number,
  mode: RateLimitMode,
  used: number,
) {
  let log = logs[slot];
  if (log === undefined) logs[slot] = log = [];
  if (mode === 'consume') for (let i = 0; i < cost; i++) log.push(t);
  else log.length = used;
}

/**
 * Folds per-rule steps into one result: when denied, the rule that forces the longest wait; when allowed, the rule
 * with the least room left.
 */
function bindingResult(rules: readonly RateLimitRule[], steps: readonly RuleStep[], allowed: boolean): RateLimitResult {
  let best = 0;
  for (let i = 1; i < rules.length; i++) {
    const s = steps[i] as RuleStep;
    const b = steps[best] as RuleStep;
    if (allowed ? s.remaining < b.remaining : s.retryAfterMs > b.retryAfterMs) best = i;
  }
  const s = steps[best] as RuleStep;
  const rule = rules[best] as RateLimitRule;
  return {
    allowed,
    limit: rule.limit,
    remaining: s.remaining,
    resetMs: s.resetMs,
    retryAfterMs: allowed ? 0 : s.retryAfterMs,
    windowMs: rule.windowMs,
    reason: allowed ? 'ok' : 'limit',
  };
}
