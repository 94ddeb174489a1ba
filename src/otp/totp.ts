import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, readNowOption, readOptions } from '../internal/assert.js';
import { callStore } from '../internal/store-call.js';
import { OTP_DEFAULTS } from './algorithms.js';
import {
  computeOtp,
  createOtpEngine,
  formatOtp,
  matchCounter,
  parseSubmittedCode,
  readOtpSetup,
  wipeOtpEngine,
} from './engine.js';
import type { OtpOptions } from './hotp.js';
import type { OtpSecret } from './secret.js';
import { askStore, checkKey, type OtpReplayStore } from './store.js';

/** Options for {@link totp}. */
export interface TotpOptions extends OtpOptions {
  /** Time step in seconds (RFC 6238 X), 1 to 3600. Default 30. */
  periodSeconds?: number;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** Options for {@link verifyTotp}. Either `replay` or `unsafeAllowReplay: true` is required. */
export interface VerifyTotpOptions extends TotpOptions {
  /** Steps before the current one also accepted (clock drift, typing time), 0 to 10. Default 1. */
  pastSteps?: number;
  /** Steps after the current one also accepted, 0 to 10. Default 1. */
  futureSteps?: number;
  /**
   * Single use: each step is accepted at most once per `key` (e.g. the user id), never one older than the last.
   * `timeoutMs` (default 1000) bounds the store call: past it, verifyTotp throws STORE_TIMEOUT.
   */
  replay?: { store: OtpReplayStore; key: string; timeoutMs?: number };
  /** Verify statelessly, as other libraries do: one code then works for the whole window. Default false. */
  unsafeAllowReplay?: boolean;
}

/** Outcome of {@link verifyTotp}: `delta` is the accepted step minus the current step. */
export type VerifyTotpResult =
  | { valid: true; delta: number; step: number }
  | { valid: false; reason: 'malformed' | 'mismatch' | 'replayed' };

/** Defaults of {@link totp} and {@link verifyTotp}. */
export const DEFAULT_TOTP_OPTIONS = Object.freeze({
  ...OTP_DEFAULTS,
  periodSeconds: 30,
  pastSteps: 1,
  futureSteps: 1,
  replayTimeoutMs: 1000,
} as const);

/** The widest `pastSteps` and `futureSteps` allowed. */
const MAX_WINDOW_STEPS = 10;

interface TotpClock {
  periodMs: number;
  nowMs: number;
  step: number;
}

function readClock(o: Partial<TotpOptions>): TotpClock {
  const periodSeconds = assertIntegerInRange(
    o.periodSeconds ?? DEFAULT_TOTP_OPTIONS.periodSeconds,
    'periodSeconds',
    1,
    3600,
  );
  const now = readNowOption(o.now, Date.now);
  const nowMs = now();
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs) || nowMs < 0) {
    throw new BulwarkError('CONFIG_INVALID', 'now() must return epoch milliseconds (a finite number >= 0)', {
      details: { parameter: 'now' },
    });
  }
  const periodMs = periodSeconds * 1000;
  const step = Math.floor(nowMs / periodMs);
  // Past 2^53-1 steps are rounded, not counted: codes would repeat across steps and the replay store would refuse
  // the step. hotp refuses such counters too; the bound leaves room for the widest future window.
  if (!Number.isSafeInteger(step + MAX_WINDOW_STEPS)) {
    const rule = `now() must return a time whose step plus ${MAX_WINDOW_STEPS} is at most 2^53-1`;
    throw new BulwarkError('CONFIG_INVALID', rule, { details: { parameter: 'now' } });
  }
  return { periodMs, nowMs, step };
}

/**
 * The current TOTP code (RFC 6238) for `secret`.
 * @throws BulwarkError OTP_SECRET_INVALID, CONFIG_INVALID
 * @example
 * totp(secret, { now: () => 59_000, digits: 8 }); // RFC 6238 test time
 */
export function totp(secret: OtpSecret, options?: TotpOptions): string {
  const o = readOptions<TotpOptions>(options);
  const clock = readClock(o);
  const engine = createOtpEngine(readOtpSetup(secret, o));
  const code = formatOtp(computeOtp(engine, clock.step), engine.digits);
  wipeOtpEngine(engine);
  return code;
}

/**
 * Verifies a TOTP code within a window of steps around now and, with `replay`, accepts each step at most once per
 * key and never a step older than the last accepted one (one atomic store call). Wrong length or non-digits are
 * `malformed` before any crypto. Pair it with a login rate limit: a window of 3 steps leaves 3 in 10^6 per guess.
 * @throws BulwarkError CONFIG_INVALID (bad options, or neither `replay` nor `unsafeAllowReplay`),
 *   OTP_SECRET_INVALID, INPUT_INVALID (replay key), STORE_UNAVAILABLE (the store failed)
 * @example
 * const store = createMemoryOtpStore();
 * const result = await verifyTotp(code, user.otpSecret, { replay: { store, key: user.id } });
 * if (!result.valid) return deny(result.reason);
 */
export async function verifyTotp(
  code: string,
  secret: OtpSecret,
  options?: VerifyTotpOptions,
): Promise<VerifyTotpResult> {
  const o = readOptions<VerifyTotpOptions>(options);
  const replay = readReplay(o);
  const match = matchTotp(code, secret, o);
  if (!match.valid) return match;
  if (replay === undefined) return { valid: true, delta: match.delta, step: match.step };
  // A mark that lands after the timeout only spends a code the user was already refused: the safe direction.
  const fresh = await askStore(
    () => callStore(() => replay.store.markOtpStepUsed(replay.key, match.step, match.ttlMs), replay.timeoutMs),
    'OTP replay',
  );
  return fresh ? { valid: true, delta: match.delta, step: match.step } : { valid: false, reason: 'replayed' };
}

function readReplay(
  o: Partial<VerifyTotpOptions>,
): { store: OtpReplayStore; key: string; timeoutMs: number } | undefined {
  if (o.replay === undefined) {
    if (o.unsafeAllowReplay === true) return undefined;
    throw new BulwarkError(
      'CONFIG_INVALID',
      'verifyTotp needs replay: { store, key } so that each code works once (RFC 6238 §5.2); pass unsafeAllowReplay: true to verify statelessly',
      { details: { parameter: 'replay' } },
    );
  }
  const { store, key, timeoutMs } = readOptions<{ store: OtpReplayStore; key: string; timeoutMs: number }>(
    o.replay,
    'replay',
  );
  if (typeof store?.markOtpStepUsed !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'replay.store must implement markOtpStepUsed', {
      details: { parameter: 'replay.store' },
    });
  }
  return {
    store,
    key: checkKey(key, 'replay.key'),
    timeoutMs: assertIntegerInRange(timeoutMs ?? DEFAULT_TOTP_OPTIONS.replayTimeoutMs, 'replay.timeoutMs', 1, 600_000),
  };
}

/** A match before the replay check, with how long its record must outlive it. */
export type TotpMatch =
  | { valid: true; delta: number; step: number; ttlMs: number }
  | { valid: false; reason: 'malformed' | 'mismatch' };

/**
 * The synchronous part of {@link verifyTotp}: options, secret, code format, then the window. Exported for the
 * benchmark and for callers that measure the async boundary; not a public subpath export.
 */
export function matchTotp(code: string, secret: OtpSecret, o: Partial<VerifyTotpOptions>): TotpMatch {
  const past = assertIntegerInRange(o.pastSteps ?? DEFAULT_TOTP_OPTIONS.pastSteps, 'pastSteps', 0, MAX_WINDOW_STEPS);
  const future = assertIntegerInRange(
    o.futureSteps ?? DEFAULT_TOTP_OPTIONS.futureSteps,
    'futureSteps',
    0,
    MAX_WINDOW_STEPS,
  );
  const clock = readClock(o);
  const setup = readOtpSetup(secret, o);
  const submitted = parseSubmittedCode(code, setup.digits);
  if (submitted < 0) return { valid: false, reason: 'malformed' };
  const engine = createOtpEngine(setup);
  const step = matchCounter(engine, submitted, clock.step, past, future);
  wipeOtpEngine(engine);
  if (step < 0) return { valid: false, reason: 'mismatch' };
  // The record must outlive every moment at which `step` is still inside the window (until step + past ends),
  // plus one period of slack for clock skew between servers sharing the store.
  const ttlMs = Math.ceil((step + past + 2) * clock.periodMs - clock.nowMs);
  return { valid: true, delta: step - clock.step, step, ttlMs };
}
