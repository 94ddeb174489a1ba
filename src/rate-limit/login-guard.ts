import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, assertOneOf, readOptions } from '../internal/assert.js';
import { callStore, isStoreFailure, type StoreErrorPolicy } from '../internal/store-call.js';
import { ipKey } from './ip-key.js';
import { loginWait } from './login-wait.js';
import { createRateLimitMemoryStore } from './memory-store.js';
import { readName } from './rules.js';
import type { LoginCounterRule, LoginFailureCount, LoginGuardStore } from './types.js';

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
  /**
   * Account counters are forgotten after this long without a failure (default 24 hours). The account+IP counter is
   * kept `maxDelayMs` longer, so it always outlives the delay it imposes.
   */
  accountWindowMs?: number;
  /**
   * An attempt `check` allowed and neither `failure` nor `success` resolved counts as a failure for this long, then
   * is forgotten: 1 second to 10 minutes, longer than your slowest verification (default 60 s).
   */
  inFlightTtlMs?: number;
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
  /**
   * Call before verifying; verify only when `allowed`. An allowed check reserves the attempt, which counts as a failure
   * until `failure` or `success` resolves it (or `inFlightTtlMs` passes), so concurrent attempts cannot all pass.
   */
  check(attempt: LoginAttempt): Promise<LoginGuardResult>;
  /** Call after a failed verification (counts a failure even without `check`); returns what the next attempt will face. */
  failure(attempt: LoginAttempt): Promise<LoginGuardResult>;
  /**
   * Call after a successful verification: resets this account's counters and releases the attempt's reservation on
   * the IP counter (whose failures stay). @throws STORE_UNAVAILABLE, STORE_TIMEOUT
   */
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
  inFlightTtlMs: 60_000,
  onStoreError: 'deny' as const,
  timeoutMs: 1000,
});

const DAY_MS = 86_400_000;

/**
 * Creates a login guard. Three counters: account+IP (progressive delay, doubling to a cap), IP across accounts
 * (credential stuffing), and account across IPs (a hard ceiling of at most 100 consecutive failures). A success
 * resets the account+IP and account counters, so an attacker on one IP cannot lock the real user out from another
 * IP before the ceiling. `check` reserves the attempt atomically and counts attempts in flight as failures, so a
 * burst of concurrent attempts gets no further than the same attempts one after another.
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
  const inFlightTtlMs = assertIntegerInRange(o.inFlightTtlMs ?? d.inFlightTtlMs, 'inFlightTtlMs', 1000, 600_000);
  const ipv6Prefix = assertIntegerInRange(o.ipv6Prefix ?? 56, 'ipv6Prefix', 1, 128);
  const onStoreError = assertOneOf(o.onStoreError ?? d.onStoreError, 'onStoreError', ['deny', 'allow']);
  const timeoutMs = assertIntegerInRange(o.timeoutMs ?? d.timeoutMs, 'timeoutMs', 1, 600_000);
  const store = o.store ?? createRateLimitMemoryStore();
  if (
    typeof store?.reserveLoginAttempt !== 'function' ||
    typeof store.recordLoginFailure !== 'function' ||
    typeof store.releaseLoginAttempt !== 'function' ||
    typeof store.clearLoginFailures !== 'function'
  ) {
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

  const none = { maxAttempts: 0, freeAttempts: 0, baseDelayMs: 0, maxDelayMs: 0 };
  // The pair counter outlives its longest delay: were it forgotten mid-delay, the attempts would be free again.
  const pairRule: LoginCounterRule = {
    ...none,
    ttlMs: accountWindowMs + maxDelayMs,
    freeAttempts: freeFailures,
    baseDelayMs,
    maxDelayMs,
  };
  const accountRule: LoginCounterRule = { ...none, ttlMs: accountWindowMs, maxAttempts: accountMaxFailures };
  const ipRule: LoginCounterRule = { ...none, ttlMs: ipWindowMs, maxAttempts: ipMaxFailures };
  const accountRules = [pairRule, accountRule];
  const ipRules = [ipRule];

  /** The longest wait of the three counters and its reason; `reserved` is the stores' decision, which agrees. */
  function decide(
    pair: LoginFailureCount,
    account: LoginFailureCount,
    ip: LoginFailureCount,
    reserved?: boolean,
  ): LoginGuardResult {
    let retryAfterMs = 0;
    let reason: LoginGuardResult['reason'] = 'ok';
    const consider = (wait: number, why: LoginGuardResult['reason']) => {
      if (wait > retryAfterMs) {
        retryAfterMs = wait;
        reason = why;
      }
    };
    consider(loginWait(pair, pairRule), 'delay');
    consider(loginWait(ip, ipRule), 'ip-limit');
    consider(loginWait(account, accountRule), 'account-locked');
    const allowed = reserved ?? retryAfterMs <= 0;
    return {
      allowed,
      retryAfterMs: allowed ? 0 : retryAfterMs,
      reason: allowed ? 'ok' : reason,
      failures: pair.failures,
    };
  }

  function onFailure(error: unknown): LoginGuardResult {
    if (!isStoreFailure(error)) throw error;
    const allowed = onStoreError === 'allow';
    return { allowed, retryAfterMs: allowed ? 0 : 1000, reason: 'store-error', failures: 0, error };
  }

  function reserve(group: string, groupKeys: string[], rules: LoginCounterRule[]) {
    // A reservation that lands after the deadline, under 'deny', belongs to a check already refused: release it
    // rather than let it count against the account and IP for inFlightTtlMs. Under 'allow' the attempt went through
    // and its failure() or success() resolves it; releasing it here too would erase another attempt's.
    return callStore(
      () => store.reserveLoginAttempt(group, groupKeys, rules, inFlightTtlMs),
      timeoutMs,
      onStoreError === 'deny'
        ? (late) => (late.reserved ? store.releaseLoginAttempt(group, groupKeys) : undefined)
        : undefined,
    );
  }

  function release(group: string, groupKeys: string[]): Promise<void> {
    return callStore(() => store.releaseLoginAttempt(group, groupKeys), timeoutMs);
  }

  /**
   * Both groups reserve at once, each atomically and only if its own counters allow; a group that reserved for an
   * attempt the other refused is released at once. Until then it only makes concurrent attempts stricter.
   */
  async function check(attempt: LoginAttempt): Promise<LoginGuardResult> {
    const k = keys(attempt);
    const [account, ip] = await Promise.allSettled([
      reserve(k.accountGroup, k.accountKeys, accountRules),
      reserve(k.ipGroup, k.ipKeys, ipRules),
    ]);
    const accountReserved = account.status === 'fulfilled' && account.value.reserved;
    const ipReserved = ip.status === 'fulfilled' && ip.value.reserved;
    if (!(accountReserved && ipReserved)) {
      // Refused or failed: nothing stays reserved (best effort; an unreleased reservation ends after inFlightTtlMs).
      if (accountReserved) await release(k.accountGroup, k.accountKeys).catch(ignore);
      if (ipReserved) await release(k.ipGroup, k.ipKeys).catch(ignore);
    }
    // A group that answered "refuse" decides, whatever the other did: under 'allow', an outage of one group (on
    // Cluster, of one node) must not unlock an account the other group has locked. Only then do errors count.
    const accountRefused = account.status === 'fulfilled' && !account.value.reserved;
    const ipRefused = ip.status === 'fulfilled' && !ip.value.reserved;
    if (account.status === 'rejected' && !ipRefused) return onFailure(account.reason);
    if (ip.status === 'rejected' && !accountRefused) return onFailure(ip.reason);
    const [pairCount, accountCount] =
      account.status === 'fulfilled'
        ? (account.value.counts as [LoginFailureCount, LoginFailureCount])
        : [UNKNOWN_COUNT, UNKNOWN_COUNT];
    const ipCount = ip.status === 'fulfilled' ? (ip.value.counts[0] as LoginFailureCount) : UNKNOWN_COUNT;
    return decide(pairCount, accountCount, ipCount, accountReserved && ipReserved);
  }

  // failure and success settle both groups' calls before answering (allSettled, not all): a caller that sees one
  // group's error must not have the other group's write still landing behind its next check.
  async function failure(attempt: LoginAttempt): Promise<LoginGuardResult> {
    const k = keys(attempt);
    const [account, ip] = await Promise.allSettled([
      callStore(() => store.recordLoginFailure(k.accountGroup, k.accountKeys, accountRules), timeoutMs),
      callStore(() => store.recordLoginFailure(k.ipGroup, k.ipKeys, ipRules), timeoutMs),
    ]);
    if (account.status === 'rejected') return onFailure(account.reason);
    if (ip.status === 'rejected') return onFailure(ip.reason);
    const [pairCount, accountCount] = account.value as [LoginFailureCount, LoginFailureCount];
    return decide(pairCount, accountCount, ip.value[0] as LoginFailureCount);
  }

  return {
    check,
    failure,
    async success(attempt) {
      const k = keys(attempt);
      const settled = await Promise.allSettled([
        callStore(() => store.clearLoginFailures(k.accountGroup, k.accountKeys), timeoutMs),
        release(k.ipGroup, k.ipKeys),
      ]);
      for (const result of settled) if (result.status === 'rejected') throw result.reason;
    },
  };
}

/** The counts of a group whose store call failed, when the other group's refusal decides: they add no wait. */
const UNKNOWN_COUNT: LoginFailureCount = Object.freeze({
  failures: 0,
  inFlight: 0,
  elapsedMs: 0,
  failuresLeftMs: 0,
  inFlightLeftMs: 0,
});

/** A failed release changes no decision: the reservation expires by itself. Misuse errors still surface. */
function ignore(error: unknown): void {
  if (!isStoreFailure(error)) throw error;
}
