import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, assertOneOf, ownOptions } from '../internal/assert.js';
import type { RateLimitAlgorithm, RateLimitRule } from './types.js';

/** One limit: `limit` cost units per `windowMs` under `algorithm`. */
export interface RateLimitRuleOptions {
  /** Default `sliding-window`. */
  algorithm?: RateLimitAlgorithm;
  /** Requests (cost units) per window; for `token-bucket`, tokens added per `windowMs`. */
  limit: number;
  windowMs: number;
  /** `token-bucket` only: the bucket capacity, i.e. the largest burst (default `limit`). */
  burst?: number;
}

/** Most limits one limiter checks together (and one Redis script decides). */
export const RATE_LIMIT_MAX_RULES = 16;

/** The algorithms, each described once: its short code in stored keys and the largest `limit` it accepts. */
export const RATE_LIMIT_ALGORITHMS: Readonly<Record<RateLimitAlgorithm, { code: string; maxLimit: number }>> =
  Object.freeze({
    'sliding-window': { code: 'sw', maxLimit: 1e9 },
    // One stored timestamp per admitted unit: memory grows with the limit, so it stays modest.
    'sliding-log': { code: 'sl', maxLimit: 10_000 },
    'token-bucket': { code: 'tb', maxLimit: 1e9 },
    'fixed-window': { code: 'fw', maxLimit: 1e9 },
  });

const ALGORITHMS = Object.keys(RATE_LIMIT_ALGORITHMS) as RateLimitAlgorithm[];
/** 366 days: long enough for any quota, short enough that every product stays an exact integer. */
const MAX_WINDOW_MS = 366 * 86_400_000;

/**
 * Validates rule options and returns the frozen rule the stores see, identified by the limiter name and every
 * parameter (so changing a limit starts fresh counters instead of misreading old ones).
 */
export function toRule(scope: string, optionsArg: RateLimitRuleOptions, parameter: string): RateLimitRule {
  const options = ownOptions(optionsArg);
  if (typeof options !== 'object' || options === null) {
    throw new BulwarkError('CONFIG_INVALID', `${parameter} must be an object`, { details: { parameter } });
  }
  const algorithm = assertOneOf(options.algorithm ?? 'sliding-window', `${parameter}.algorithm`, ALGORITHMS);
  const { code, maxLimit } = RATE_LIMIT_ALGORITHMS[algorithm];
  const limit = assertIntegerInRange(options.limit, `${parameter}.limit`, 1, maxLimit);
  const windowMs = assertIntegerInRange(options.windowMs, `${parameter}.windowMs`, 1, MAX_WINDOW_MS);
  let burst = limit;
  if (options.burst !== undefined) {
    if (algorithm !== 'token-bucket') {
      throw new BulwarkError('CONFIG_INVALID', `${parameter}.burst applies to token-bucket only`, {
        details: { parameter: `${parameter}.burst` },
      });
    }
    burst = assertIntegerInRange(options.burst, `${parameter}.burst`, 1, 1e9);
  }
  // The token bucket counts debt in units of windowMs per token: keep twice the capacity an exact integer.
  if (algorithm === 'token-bucket' && 2 * burst * windowMs > Number.MAX_SAFE_INTEGER) {
    throw new BulwarkError('CONFIG_INVALID', `${parameter}: burst × windowMs is too large for exact arithmetic`, {
      details: { parameter: `${parameter}.burst` },
    });
  }
  const id = `${scope}\u0000${code}:${limit}:${windowMs}:${burst}`;
  return Object.freeze({ id, scope, algorithm, limit, windowMs, burst });
}

/**
 * The rule `value` stands for, rebuilt from its parameters (each read once), when it is one a limiter could have made
 * (every parameter in range, its id matching them); else undefined. For stores that take rules from direct callers:
 * use the rebuilt rule, never the caller's object, whose getters could answer differently on a second read.
 */
export function rebuildRateLimitRule(value: unknown): RateLimitRule | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, scope, algorithm, limit, windowMs, burst } = value as Record<string, unknown>;
  if (typeof scope !== 'string' || typeof algorithm !== 'string' || !Object.hasOwn(RATE_LIMIT_ALGORITHMS, algorithm)) {
    return undefined;
  }
  try {
    const options = { algorithm, limit, windowMs, ...(algorithm === 'token-bucket' ? { burst } : {}) };
    const rule = toRule(scope, options as RateLimitRuleOptions, 'rule');
    return rule.id === id && rule.burst === burst ? rule : undefined;
  } catch {
    return undefined;
  }
}

/** The most cost one request can ever take under `rules`: anything above could never be admitted. */
export function maxCost(rules: readonly RateLimitRule[]): number {
  let max = Number.POSITIVE_INFINITY;
  for (const r of rules) max = Math.min(max, r.algorithm === 'token-bucket' ? r.burst : r.limit);
  return max;
}

/** The rule options of a limiter as given: inline or a list. */
export interface RuleListOptions extends Partial<RateLimitRuleOptions> {
  limits?: readonly RateLimitRuleOptions[];
}

/** The rules of a limiter: one inline (`limit`, `windowMs`, ...) or several in `limits`, never both. */
export function readRules(name: string, o: RuleListOptions): RateLimitRule[] {
  if (o.limits === undefined) {
    return [
      toRule(
        name,
        {
          algorithm: o.algorithm ?? 'sliding-window',
          limit: o.limit as number,
          windowMs: o.windowMs as number,
          ...(o.burst === undefined ? {} : { burst: o.burst }),
        },
        'options',
      ),
    ];
  }
  if (o.limit !== undefined || o.windowMs !== undefined || o.burst !== undefined || o.algorithm !== undefined) {
    throw new BulwarkError('CONFIG_INVALID', 'give either limits or limit/windowMs/algorithm/burst, not both', {
      details: { parameter: 'limits' },
    });
  }
  if (!Array.isArray(o.limits) || o.limits.length === 0 || o.limits.length > RATE_LIMIT_MAX_RULES) {
    throw new BulwarkError('CONFIG_INVALID', `limits must be an array of 1 to ${RATE_LIMIT_MAX_RULES} rules`, {
      details: { parameter: 'limits' },
    });
  }
  const rules = o.limits.map((r, i) => toRule(name, r, `limits[${i}]`));
  if (new Set(rules.map((r) => r.id)).size !== rules.length) {
    throw new BulwarkError('CONFIG_INVALID', 'limits must not repeat the same rule', {
      details: { parameter: 'limits' },
    });
  }
  return rules;
}

/** Reads a limiter's or guard's `name`, which keys its stored state: a string of 1 to 128 characters. */
export function readName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
    throw new BulwarkError('CONFIG_INVALID', 'name must be a string of 1 to 128 characters', {
      details: { parameter: 'name' },
    });
  }
  return name;
}
