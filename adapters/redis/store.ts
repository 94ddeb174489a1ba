import { BulwarkError } from 'bulwark';
import type { OtpReplayStore, RecoveryCodeStore } from 'bulwark/otp';
import {
  type LoginFailureCount,
  type LoginGuardStore,
  RATE_LIMIT_ALGORITHMS,
  RATE_LIMIT_MAX_RULES,
  type RateLimitMode,
  type RateLimitResult,
  type RateLimitRule,
  type RateLimitStore,
  rebuildRateLimitRule,
} from 'bulwark/rate-limit';
import { createBatcher, REPLY_FAILED, replyInteger } from './batch.js';
import { isSingleServerClient, type RedisClientLike, toScriptRunner } from './client.js';
import {
  DELETE_SCRIPT,
  LOGIN_RECORD_SCRIPT,
  LOGIN_RELEASE_SCRIPT,
  LOGIN_RESERVE_SCRIPT,
  OTP_STEP_SCRIPT,
  RECOVERY_MARK_SCRIPT,
} from './scripts.js';

/** Options for {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client or cluster, a node-redis client or cluster, or anything with one of their `eval` shapes. */
  client: RedisClientLike;
  /** Prepended to every key (default `bulwark:`); must not contain `{` or `}`. */
  prefix?: string;
  /**
   * Concurrent decisions always share script calls when their keys are in the same Redis Cluster hash slot. With
   * `true`, concurrent decisions on any keys share calls, which only a single Redis server (standalone, or a
   * Sentinel-managed primary) accepts. Default: `true` for a client that says it talks to one server (an ioredis
   * `Redis`, a node-redis `createClient` client), `false` for cluster clients and anything unrecognised. Should a
   * server or proxy still refuse a shared call with CROSSSLOT, that call is retried one slot per call (a refused
   * script never ran) and the store batches per slot from then on.
   */
  batchAcrossSlots?: boolean;
  /**
   * How long a user's used-recovery-code marks live after their last use (default 10 years). A mark that expires
   * makes that code usable again: keep this longer than any recovery-code set lives.
   */
  recoveryMarkTtlMs?: number;
  /**
   * TEST ONLY: take time from this clock instead of the Redis server's `TIME`, so model tests can drive time.
   * Never set it in production: instances with skewed clocks would disagree.
   */
  unsafeNowForTesting?: () => number;
}

/** One store object for every module that needs shared state: rate limits, login guard, OTP replay and recovery codes. */
export interface RedisStore extends RateLimitStore, LoginGuardStore, OtpReplayStore, RecoveryCodeStore {
  /** The key prefix in use. */
  readonly prefix: string;
}

/** Safe defaults for {@link createRedisStore}. */
export const DEFAULT_REDIS_STORE = Object.freeze({ prefix: 'bulwark:', recoveryMarkTtlMs: 10 * 365 * 86_400_000 });

/**
 * Creates a Redis-backed store: at most one Lua script call per decision (EVALSHA, EVAL on NOSCRIPT; concurrent
 * decisions in one hash slot share a call), time from the server, every key of one decision under one hash tag
 * (Redis Cluster safe), a TTL on every key, client input encoded in key names. Does nothing on construction: no
 * connection, no script load, no timers.
 *
 * @throws CONFIG_INVALID when `client` has no recognised `eval` shape, or `prefix` or `recoveryMarkTtlMs` is invalid.
 * Its methods reject with INPUT_INVALID for OTP input out of range; any string is a key (lone surrogates included).
 * @example
 * import Redis from 'ioredis';
 * const store = createRedisStore({ client: new Redis(process.env.REDIS_URL), prefix: 'myapp:' });
 * const limiter = createRateLimiter({ limit: 100, windowMs: 60_000, store });
 * const guard = createLoginGuard({ store });
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  if (typeof options !== 'object' || options === null) {
    throw new BulwarkError('CONFIG_INVALID', 'options must be an object', { details: { parameter: 'options' } });
  }
  // Own properties only: with a polluted Object.prototype, an option left out (say unsafeNowForTesting, a clock)
  // must stay out.
  const own: RedisStoreOptions = Object.assign(Object.create(null), options);
  const run = toScriptRunner(own.client);
  if (run === undefined) {
    throw new BulwarkError(
      'CONFIG_INVALID',
      'client must be an ioredis or node-redis client (eval/evalsha or eval/evalSha)',
      {
        details: { parameter: 'client' },
      },
    );
  }
  const prefix = own.prefix ?? DEFAULT_REDIS_STORE.prefix;
  if (typeof prefix !== 'string' || prefix.length > 64 || /[{}]/.test(prefix)) {
    throw new BulwarkError('CONFIG_INVALID', 'prefix must be a string of at most 64 characters without { or }', {
      details: { parameter: 'prefix' },
    });
  }
  const clock = own.unsafeNowForTesting;
  if (clock !== undefined && typeof clock !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'unsafeNowForTesting must be a function', {
      details: { parameter: 'unsafeNowForTesting' },
    });
  }
  const recoveryMarkTtlMs = own.recoveryMarkTtlMs ?? DEFAULT_REDIS_STORE.recoveryMarkTtlMs;
  if (!Number.isSafeInteger(recoveryMarkTtlMs) || recoveryMarkTtlMs < 86_400_000) {
    throw new BulwarkError('CONFIG_INVALID', 'recoveryMarkTtlMs must be an integer of at least one day', {
      details: { parameter: 'recoveryMarkTtlMs' },
    });
  }
  const now = () => (clock === undefined ? '' : String(Math.floor(clock())));
  const across = own.batchAcrossSlots;
  if (across !== undefined && typeof across !== 'boolean') {
    throw new BulwarkError('CONFIG_INVALID', 'batchAcrossSlots must be a boolean', {
      details: { parameter: 'batchAcrossSlots' },
    });
  }
  const enqueue = createBatcher(run, now, across ?? isSingleServerClient(own.client));
  const ruleParts = new WeakMap<object, RuleParts>();

  /**
   * A rule's key suffix and script arguments, built once per rule object from the rule rebuilt from its parameters;
   * undefined for a rule no limiter could have made (the script would fail on it, halfway through a shared batch).
   */
  function partsOf(value: RateLimitRule): RuleParts | undefined {
    let parts = ruleParts.get(value);
    if (parts === undefined) {
      const rule = rebuildRateLimitRule(value);
      if (rule === undefined) return undefined;
      const code = RATE_LIMIT_ALGORITHMS[rule.algorithm].code;
      parts = {
        scope: rule.scope,
        suffix: `}:${code}:${rule.limit}:${rule.windowMs}:${rule.burst}`,
        args: [code, String(rule.limit), String(rule.windowMs), String(rule.burst)],
      };
      ruleParts.set(value, parts);
    }
    return parts;
  }

  /**
   * The parts of every rule of a decision with its keys, which all share the hash tag `{limiter name:client key}`
   * (both encoded); or INPUT_INVALID for a bad key or rule list, found before anything is sent.
   */
  function decisionOf(
    key: unknown,
    rules: unknown,
  ): { tag: string; parts: RuleParts[]; keys: string[] } | BulwarkError {
    if (typeof key !== 'string') return invalidDecision('key', 'key must be a string');
    const parts = Array.isArray(rules) && rules.length <= RATE_LIMIT_MAX_RULES ? rules.map(partsOf) : [];
    if (parts.length === 0 || parts.includes(undefined)) {
      return invalidDecision('rules', `rules must be 1 to ${RATE_LIMIT_MAX_RULES} rules of a limiter`);
    }
    const ready = parts as RuleParts[];
    const tag = `${encodePart(ready[0]?.scope as string)}:${encodePart(key)}`;
    return { tag, parts: ready, keys: ready.map((p) => `${prefix}rl:{${tag}${p.suffix}`) };
  }

  function loginKeys(group: string, keys: readonly string[]): string[] {
    const tag = `${prefix}lg:{${encodePart(group)}}:`;
    return keys.map((k) => tag + encodePart(k));
  }

  return {
    prefix,
    applyRateLimit(key, rules, cost, mode: RateLimitMode): Promise<RateLimitResult> {
      // The limiter checks all of these; a direct caller's bad decision must fail alone, not abort the script
      // halfway through a shared batch (Redis keeps the writes of the decisions before it).
      const decision = decisionOf(key, rules);
      if (decision instanceof BulwarkError) return Promise.reject(decision);
      if (!Number.isSafeInteger(cost) || cost < 1) {
        return Promise.reject(invalidDecision('cost', 'cost must be a positive integer'));
      }
      if (!MODES.includes(mode)) return Promise.reject(invalidDecision('mode', 'mode must be consume, peek or refund'));
      const { tag, parts, keys } = decision;
      const args = [mode, String(cost), String(rules.length)];
      for (const p of parts) for (const a of p.args) args.push(a);
      return new Promise((resolve, reject) => enqueue({ tag, keys, args, rules, resolve, reject }));
    },
    async resetRateLimit(key, rules) {
      const decision = decisionOf(key, rules);
      if (decision instanceof BulwarkError) throw decision;
      await run(DELETE_SCRIPT, decision.keys, []);
    },
    async reserveLoginAttempt(group, keys, rules, inFlightTtlMs) {
      const args = [now(), String(inFlightTtlMs)];
      for (const r of rules) {
        args.push(
          String(r.ttlMs),
          String(r.maxAttempts),
          String(r.freeAttempts),
          String(r.baseDelayMs),
          String(r.maxDelayMs),
        );
      }
      const reply = await run(LOGIN_RESERVE_SCRIPT, loginKeys(group, keys), args);
      const reserved = Array.isArray(reply) ? replyInteger(reply[0]) : Number.NaN;
      if (reserved !== 0 && reserved !== 1) throw new BulwarkError('STORE_UNAVAILABLE', REPLY_FAILED);
      return { reserved: reserved === 1, counts: toCounts((reply as unknown[]).slice(1), keys.length) };
    },
    async recordLoginFailure(group, keys, rules) {
      const args = [now(), ...rules.map((r) => String(r.ttlMs))];
      return toCounts(await run(LOGIN_RECORD_SCRIPT, loginKeys(group, keys), args), keys.length);
    },
    async releaseLoginAttempt(group, keys) {
      await run(LOGIN_RELEASE_SCRIPT, loginKeys(group, keys), [now()]);
    },
    async clearLoginFailures(group, keys) {
      await run(DELETE_SCRIPT, loginKeys(group, keys), []);
    },
    async markOtpStepUsed(key, step, ttlMs) {
      checkOtpKey(key, 'key');
      if (!Number.isSafeInteger(step) || step < 0) throw outOfRange('step');
      if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > 2 ** 31 - 1) throw outOfRange('ttlMs');
      const reply = await run(OTP_STEP_SCRIPT, [`${prefix}otp:{${encodePart(key)}}`], [String(step), String(ttlMs)]);
      return replyFlag(reply);
    },
    async markRecoveryCodeUsed(key, codeId) {
      checkOtpKey(key, 'key');
      checkOtpKey(codeId, 'codeId');
      const reply = await run(
        RECOVERY_MARK_SCRIPT,
        [`${prefix}rc:{${encodePart(key)}}`],
        // Encoded like a key part: the ids bulwark makes (base64url) are unchanged by it, and any other id stays
        // distinct (a lone surrogate would otherwise reach Redis as U+FFFD).
        [encodePart(codeId), String(recoveryMarkTtlMs)],
      );
      return replyFlag(reply);
    },
  };
}

/**
 * Client input inside a key name is percent-encoded: it can never add a hash tag brace, a separator or bytes that
 * collide with another key. Any JavaScript string is accepted, as the memory stores accept it: a lone surrogate
 * (which `encodeURIComponent` refuses and a client would send as U+FFFD, merging it with other keys) is written as
 * its three generalized UTF-8 bytes (WTF-8), which no well-formed string's encoding contains.
 */
export function encodePart(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeLoneSurrogates(text);
  }
}

function encodeLoneSurrogates(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) {
      out += encodeURIComponent(text[i] as string);
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
      continue;
    }
    out += `%ED%${hexByte(0x80 | ((c >> 6) & 0x3f))}%${hexByte(0x80 | (c & 0x3f))}`;
  }
  return out;
}

function hexByte(b: number): string {
  return b.toString(16).toUpperCase();
}

/** OTP store keys and code ids: non-empty strings of bounded length, as the memory OTP store requires. */
function checkOtpKey(value: unknown, name: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new BulwarkError('INPUT_INVALID', `${name} must be a string of 1 to 512 characters`, {
      details: { parameter: name },
    });
  }
}

function outOfRange(name: string): BulwarkError {
  return new BulwarkError('INPUT_INVALID', `${name} is out of range`, { details: { parameter: name } });
}

/** Five integers per counter, in the order of {@link LoginFailureCount}. */
function toCounts(reply: unknown, count: number): LoginFailureCount[] {
  const values = Array.isArray(reply) ? reply.map(replyInteger) : [];
  if (values.length !== 5 * count || !values.every(Number.isSafeInteger)) {
    throw new BulwarkError('STORE_UNAVAILABLE', REPLY_FAILED);
  }
  const out: LoginFailureCount[] = [];
  for (let i = 0; i < 5 * count; i += 5) {
    const [failures, inFlight, elapsedMs, failuresLeftMs, inFlightLeftMs] = values.slice(i, i + 5) as number[];
    out.push({ failures, inFlight, elapsedMs, failuresLeftMs, inFlightLeftMs } as LoginFailureCount);
  }
  return out;
}

/** A script's 0/1 answer; anything else is an outage (STORE_UNAVAILABLE), never read as "already used". */
function replyFlag(reply: unknown): boolean {
  const n = replyInteger(reply);
  if (n !== 0 && n !== 1) throw new BulwarkError('STORE_UNAVAILABLE', REPLY_FAILED);
  return n === 1;
}

const MODES: readonly unknown[] = ['consume', 'peek', 'refund'];

/** What a rule contributes to a decision's keys and script arguments. */
interface RuleParts {
  scope: string;
  suffix: string;
  args: string[];
}

/** A rate-limit decision passed to the store directly with a bad input (see applyRateLimit). */
function invalidDecision(parameter: string, message: string): BulwarkError {
  return new BulwarkError('INPUT_INVALID', message, { details: { parameter } });
}
