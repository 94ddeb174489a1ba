import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, assertOneOf, readOptions } from '../internal/assert.js';
import { ipKey } from './ip-key.js';
import { createRateLimitMemoryStore } from './memory-store.js';
import { readName } from './rules.js';
import { callStore, isStoreFailure, type StoreErrorPolicy } from './store-call.js';
import type { LoginFailureCount, LoginGuardStore } from './types.js';

/** Options for {@link createLoginGuard}. Durations in milliseconds. */
export interface LoginGuardOptions {
  /** Where failure counters live (default: a new in-process memory store; use Redis with several instances). */
  store?: LoginGuardStore;
  /** Names this guard's counters in a shared store (default `login`). */
  name?: string;
  /** Consecutive failures per account and IP before delays start (default 3). */
  freeFailures?: number;
  /** First delay after the free failures; each further failure doubles it (default 1 s). */
  baseDelayMs?: number;
  /** Cap of the doubling delay (default 15 minutes). */
  maxDelayMs?: number;
  /** Failures from one IP (any accounts) that block the IP: credential stuffing (default 100). */
  ipMaxFailures?: number;
  /** The IP counter is forgotten after this long without a failure (default 1 hour). */
  ipWindowMs?: number;
  /** Consecutive failures on one account, from any IPs, that lock it: at most 100 (NIST SP 800-63B; default 100). */
  accountMaxFailures?: number;
  /** Account counters are forgotten after this long without a failure (default 24 hours). */
  accountWindowMs?: number;
  /** Passed to {@link ipKey} (default 56). */
  ipv6Prefix?: number;
  /** Decision when the store fails (default `deny`). */
  onStoreError?: StoreErrorPolicy;
  /** Deadline for the store calls of one check (default 1000 ms). */
  timeoutMs?: number;
}

/** Who is trying: the account identifier as typed (normalize it as your login does) and the client address. */
export interface LoginAttempt {
  account: string;
  ip: string;
}

/** Whether to verify the credential now, and if not, why and for how long. */
export interface LoginGuardResult {
  allowed: boolean;
  retryAfterMs: number;
  reason: 'ok' | 'delay' | 'ip-limit' | 'account-locked' | 'store-error';
  /** Consecutive failures of this account from this IP. */
  failures: number;
  error?: unknown;
}

/** Brute-force protection around a password or OTP check. */
export interface LoginGuard {
  /** Call before verifying; verify only when `allowed`. */
  check(attempt: LoginAttempt): Promise<LoginGuardResult>;
  /** Call after a failed verification; returns what the next attempt will face. */
  failure(attempt: LoginAttempt): Promise<LoginGuardResult>;
  /** Call after a successful verification: resets this account's counters (the IP counter stays). @throws STORE_UNAVAILABLE, STORE_TIMEOUT */
  success(attempt: LoginAttempt): Promise<void>;
}

/** Safe defaults for {@link createLoginGuard}. */
export const DEFAULT_LOGIN_GUARD = Object.freeze({
  name: 'login',
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  ipMaxFailures: 100,
  ipWindowMs: 3_600_000,
  accountMaxFailures: 100,
  accountWindowMs: 86_400_000,
  onStoreError: 'deny' as const,
  timeoutMs: 1000,
});

const DAY_MS = 86_400_000;

/**
 * Creates a login guard. Three counters: account+IP (progressive delay, doubling to a cap), IP across accounts
 * (credential stuffing), and account across IPs (a hard ceiling of at most 100 consecutive failures). A success
 * resets the account+IP and account counters, so an attacker on one IP cannot lock the real user out from another
 * IP before the ceiling.
 *
 * @throws CONFIG_INVALID for an out-of-range option (e.g. `accountMaxFailures` above 100).
 * @example
 * const guard = createLoginGuard();
 * const gate = await guard.check({ account, ip });
 * if (!gate.allowed) return tooManyAttempts(gate.retryAfterMs);
 * if (await verifyPassword(password, stored)) await guard.success({ account, ip });
 * else await guard.failure({ account, ip });
 */
export function createLoginGuard(options?: LoginGuardOptions): LoginGuard {
  const o = readOptions<LoginGuardOptions>(options);
  const d = DEFAULT_LOGIN_GUARD;
  const name = readName(o.name ?? d.name);
  const freeFailures = assertIntegerInRange(o.freeFailures ?? d.freeFailures, 'freeFailures', 0, 100);
  const baseDelayMs = assertIntegerInRange(o.baseDelayMs ?? d.baseDelayMs, 'baseDelayMs', 1, DAY_MS);
  const maxDelayMs = assertIntegerInRange(o.maxDelayMs ?? d.maxDelayMs, 'maxDelayMs', baseDelayMs, DAY_MS);
  const ipMaxFailures = assertIntegerInRange(o.ipMaxFailures ?? d.ipMaxFailures, 'ipMaxFailures', 1, 1_000_000);
  const ipWindowMs = assertIntegerInRange(o.ipWindowMs ?? d.ipWindowMs, 'ipWindowMs', 1000, 30 * DAY_MS);
  const accountMaxFailures = assertIntegerInRange(
    o.accountMaxFailures ?? d.accountMaxFailures,
    'accountMaxFailures',
    1,
    100,
  );
  const accountWindowMs = assertIntegerInRange(
    o.accountWindowMs ?? d.accountWindowMs,
    'accountWindowMs',
    1000,
    30 * DAY_MS,
  );
  const ipv6Prefix = assertIntegerInRange(o.ipv6Prefix ?? 56, 'ipv6Prefix', 1, 128);
  const onStoreError = assertOneOf(o.onStoreError ?? d.onStoreError, 'onStoreError', ['deny', 'allow']);
  const timeoutMs = assertIntegerInRange(o.timeoutMs ?? d.timeoutMs, 'timeoutMs', 1, 600_000);
  const store = o.store ?? createRateLimitMemoryStore();
  if (typeof store?.readLoginFailures !== 'function' || typeof store.recordLoginFailure !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'store must implement LoginGuardStore', {
      details: { parameter: 'store' },
    });
  }

  // Account keys share one group (one Redis hash tag) so an account's counters change together; the IP has its own.
  function keys(attempt: LoginAttempt) {
    if (typeof attempt !== 'object' || attempt === null) {
      throw new BulwarkError('INPUT_INVALID', 'attempt must be { account, ip }', { details: { parameter: 'attempt' } });
    }
    const { account } = attempt;
    if (typeof account !== 'string' || account.length === 0 || account.length > 512) {
      throw new BulwarkError('INPUT_INVALID', 'account must be a string of 1 to 512 characters', {
        details: { parameter: 'account' },
      });
    }
    const ip = ipKey(attempt.ip, { ipv6Prefix });
    return {
      accountGroup: `${name}:a:${account}`,
      accountKeys: [`ip:${ip}`, 'all'],
      ipGroup: `${name}:i:${ip}`,
      ipKeys: ['all'],
    };
  }

  function decide(pair: LoginFailureCount, account: LoginFailureCount, ip: LoginFailureCount): LoginGuardResult {
    let retryAfterMs = 0;
    let reason: LoginGuardResult['reason'] = 'ok';
    const consider = (wait: number, why: LoginGuardResult['reason']) => {
      if (wait > retryAfterMs) {
        retryAfterMs = wait;
        reason = why;
      }
    };
    if (pair.failures > freeFailures) {
      const exponent = Math.min(pair.failures - freeFailures - 1, 40);
      consider(Math.min(baseDelayMs * 2 ** exponent, maxDelayMs) - pair.elapsedMs, 'delay');
    }
    if (ip.failures >= ipMaxFailures) consider(ipWindowMs - ip.elapsedMs, 'ip-limit');
    if (account.failures >= accountMaxFailures) consider(accountWindowMs - account.elapsedMs, 'account-locked');
    return { allowed: retryAfterMs <= 0, retryAfterMs, reason, failures: pair.failures };
  }

  function onFailure(error: unknown): LoginGuardResult {
    if (!isStoreFailure(error)) throw error;
    const allowed = onStoreError === 'allow';
    return { allowed, retryAfterMs: allowed ? 0 : 1000, reason: 'store-error', failures: 0, error };
  }

  /** Reads, or records one failure in, the counters of one group (one atomic store call). */
  function counts(group: string, groupKeys: string[], ttlMs: number, record: boolean): Promise<LoginFailureCount[]> {
    return callStore(
      () => (record ? store.recordLoginFailure(group, groupKeys, ttlMs) : store.readLoginFailures(group, groupKeys)),
      timeoutMs,
    );
  }

  async function run(attempt: LoginAttempt, record: boolean): Promise<LoginGuardResult> {
    const k = keys(attempt);
    try {
      const [account, ip] = await Promise.all([
        counts(k.accountGroup, k.accountKeys, accountWindowMs, record),
        counts(k.ipGroup, k.ipKeys, ipWindowMs, record),
      ]);
      return decide(account[0] as LoginFailureCount, account[1] as LoginFailureCount, ip[0] as LoginFailureCount);
    } catch (error) {
      return onFailure(error);
    }
  }

  return {
    check: (attempt) => run(attempt, false),
    failure: (attempt) => run(attempt, true),
    async success(attempt) {
      const k = keys(attempt);
      await callStore(() => store.clearLoginFailures(k.accountGroup, k.accountKeys), timeoutMs);
    },
  };
}
