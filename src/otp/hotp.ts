import { assertIntegerInRange, readOptions } from '../internal/assert.js';
import { OTP_DEFAULTS, type OtpAlgorithm } from './algorithms.js';
import {
  assertCounter,
  computeOtp,
  createOtpEngine,
  formatOtp,
  matchCounter,
  parseSubmittedCode,
  readOtpSetup,
  wipeOtpEngine,
} from './engine.js';
import type { OtpSecret } from './secret.js';

/** Options shared by every code computation. */
export interface OtpOptions {
  /** HMAC hash. Default 'SHA-1' (what every authenticator app supports). */
  algorithm?: OtpAlgorithm;
  /** Code length, 6 to 10. Default 6. */
  digits?: number;
  /** Accept secrets shorter than 128 bits (legacy 80-bit enrollments). Default false: OTP_SECRET_INVALID. */
  unsafeAllowShortSecret?: boolean;
}

/** Options for {@link verifyHotp}. */
export interface VerifyHotpOptions extends OtpOptions {
  /** Counters after the expected one also accepted (RFC 4226 §7.4 resynchronisation), 0 to 20. Default 5. */
  lookAheadCounters?: number;
}

/** Outcome of {@link verifyHotp}. Persist `nextCounter` (compare-and-set) before you trust the login. */
export type VerifyHotpResult =
  | { valid: true; delta: number; nextCounter: number }
  | { valid: false; reason: 'malformed' | 'mismatch' };

/** Defaults of {@link hotp} and {@link verifyHotp}. */
export const DEFAULT_HOTP_OPTIONS = Object.freeze({ ...OTP_DEFAULTS, lookAheadCounters: 5 } as const);

/**
 * The HOTP code (RFC 4226) for `counter`.
 * @throws BulwarkError OTP_SECRET_INVALID, CONFIG_INVALID (algorithm, digits, counter)
 * @example
 * hotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0); // '755224'
 */
export function hotp(secret: OtpSecret, counter: number, options?: OtpOptions): string {
  const o = readOptions<OtpOptions>(options);
  assertCounter(counter);
  const engine = createOtpEngine(readOtpSetup(secret, o));
  const code = formatOtp(computeOtp(engine, counter), engine.digits);
  wipeOtpEngine(engine);
  return code;
}

/**
 * Verifies an HOTP code against the stored `counter`, looking ahead for a user who pressed the button without
 * logging in. On success, store `nextCounter` with a compare-and-set on the old value (e.g.
 * `UPDATE ... SET counter = $next WHERE counter = $old`): that update is what makes each code single-use.
 * Wrong length or non-digits are `malformed` before any crypto.
 * @throws BulwarkError OTP_SECRET_INVALID, CONFIG_INVALID
 * @example
 * const result = await verifyHotp('755224', secret, 0); // { valid: true, delta: 0, nextCounter: 1 }
 */
export async function verifyHotp(
  code: string,
  secret: OtpSecret,
  counter: number,
  options?: VerifyHotpOptions,
): Promise<VerifyHotpResult> {
  const o = readOptions<VerifyHotpOptions>(options);
  assertCounter(counter);
  const lookAhead = assertIntegerInRange(
    o.lookAheadCounters ?? DEFAULT_HOTP_OPTIONS.lookAheadCounters,
    'lookAheadCounters',
    0,
    20,
  );
  const setup = readOtpSetup(secret, o);
  const submitted = parseSubmittedCode(code, setup.digits);
  if (submitted < 0) return { valid: false, reason: 'malformed' };
  const engine = createOtpEngine(setup);
  const matched = matchCounter(engine, submitted, counter, 0, lookAhead);
  wipeOtpEngine(engine);
  // A match at 2^53 - 1 would need a next counter that is not a safe integer, which the next call refuses: the
  // counter space is spent, so that last counter never verifies.
  if (matched < 0 || matched === Number.MAX_SAFE_INTEGER) return { valid: false, reason: 'mismatch' };
  return { valid: true, delta: matched - counter, nextCounter: matched + 1 };
}
