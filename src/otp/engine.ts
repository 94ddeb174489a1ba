/**
 * The synchronous core shared by HOTP and TOTP: one prepared HMAC key per verification, one HMAC per counter
 * (two compressions of a block written as words), dynamic truncation without secret-dependent branches.
 */
import { BulwarkError } from '../errors.js';
import { assertIntegerInRange } from '../internal/assert.js';
import { createHmacKey, type HashCore, type HmacKey, hmacCounter, wipeHmacKey } from '../internal/sha-core.js';
import { assertOtpAlgorithm, OTP_ALGORITHMS, OTP_DEFAULTS, OTP_DIGITS, type OtpAlgorithm } from './algorithms.js';
import { readOtpSecret } from './secret.js';

const TWO_32 = 4294967296;
const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];
const MAX_CODE_CHARACTERS = 32;

/** What every code computation needs, validated once. */
export interface OtpEngine {
  readonly key: HmacKey;
  readonly digits: number;
  readonly digest: Int32Array;
}

/** Validated parameters of a computation, before any key work. */
export interface OtpSetup {
  readonly core: HashCore;
  readonly secret: Uint8Array;
  readonly digits: number;
}

/** The parameters every code computation shares, as options (defaults: SHA-1, 6 digits, 128-bit minimum). */
export interface OtpSetupOptions {
  algorithm?: unknown;
  digits?: unknown;
  unsafeAllowShortSecret?: unknown;
}

/** Validates algorithm, digits and secret, in that order (no secret is touched on bad options). */
export function readOtpSetup(secret: unknown, o: OtpSetupOptions): OtpSetup {
  const name: OtpAlgorithm = assertOtpAlgorithm(o.algorithm ?? OTP_DEFAULTS.algorithm);
  const digits = assertIntegerInRange(o.digits ?? OTP_DEFAULTS.digits, 'digits', OTP_DIGITS.min, OTP_DIGITS.max);
  const bytes = readOtpSecret(secret, o.unsafeAllowShortSecret === true);
  return { core: OTP_ALGORITHMS[name].core, secret: bytes, digits };
}

/** Prepares the HMAC key: the two pad compressions every code of this verification shares. */
export function createOtpEngine(setup: OtpSetup): OtpEngine {
  return {
    key: createHmacKey(setup.core, setup.secret),
    digits: setup.digits,
    digest: new Int32Array(setup.core.digestWords),
  };
}

/** Zeroes the engine's key material (best effort: JavaScript may hold copies we cannot reach). */
export function wipeOtpEngine(engine: OtpEngine): void {
  wipeHmacKey(engine.key);
  engine.digest.fill(0);
}

/** Throws CONFIG_INVALID unless `counter` is an integer in 0..2^53-1 (an 8-byte counter as far as JS is exact). */
export function assertCounter(counter: unknown, name = 'counter'): number {
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) {
    throw new BulwarkError('CONFIG_INVALID', `${name} must be an integer from 0 to 2^53-1`, {
      details: { parameter: name },
    });
  }
  return counter;
}

/** The HOTP value for `counter` (RFC 4226 §5.3) as a number below 10^digits. */
export function computeOtp(engine: OtpEngine, counter: number): number {
  const out = engine.digest;
  hmacCounter(engine.key, (counter / TWO_32) | 0, counter | 0, out);
  // Dynamic truncation: the offset is the low nibble of the last byte, a secret. The two words holding the 4 bytes
  // at that offset (always among words 0..4) are picked with masks, not by indexing, and the shift form keeps
  // offset 0 (a shift by 32) right without a branch.
  const offset = out[out.length - 1]! & 0xf;
  const index = offset >> 2;
  let high = 0;
  let low = 0;
  for (let j = 0; j < 5; j++) {
    const word = out[j]!;
    high |= word & (((j ^ index) - 1) >> 31);
    low |= word & (((j ^ (index + 1)) - 1) >> 31);
  }
  const shift = (offset & 3) * 8;
  const value = ((high << shift) | ((low >>> 1) >>> (31 - shift))) & 0x7fffffff;
  // Floating-point division, not the integer `%`, whose latency can depend on the operands on some CPUs. Exact:
  // value < 2^31, so the quotient's rounding error is far below the 1/modulus that could move the floor.
  const modulus = POWERS_OF_TEN[engine.digits]!;
  return value - Math.floor(value / modulus) * modulus;
}

/** A computed code as the digit string users type (leading zeros kept). */
export function formatOtp(value: number, digits: number): string {
  return value.toString().padStart(digits, '0');
}

/**
 * The numeric value of a submitted code, or -1 when it is not exactly `digits` ASCII digits. Spaces between
 * groups ("123 456", as apps display codes) are tolerated. Runs before any crypto; never throws on user input.
 */
export function parseSubmittedCode(code: unknown, digits: number): number {
  if (typeof code !== 'string' || code.length > MAX_CODE_CHARACTERS) return -1;
  const text = code.length === digits ? code : code.replace(/ /g, '');
  if (text.length !== digits) return -1;
  let value = 0;
  for (let i = 0; i < digits; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The counter nearest `center` within `center - before .. center + after` (never below 0) whose code equals
 * `submitted`, or -1. Nearest first: center, center-1, center+1, ... Each comparison is one integer equality, so
 * timing does not reveal how many digits matched; an invalid code always costs every counter in the window.
 */
export function matchCounter(
  engine: OtpEngine,
  submitted: number,
  center: number,
  before: number,
  after: number,
): number {
  if (computeOtp(engine, center) === submitted) return center;
  const reach = Math.max(before, after);
  for (let distance = 1; distance <= reach; distance++) {
    const earlier = center - distance;
    if (distance <= before && earlier >= 0 && computeOtp(engine, earlier) === submitted) return earlier;
    const later = center + distance;
    if (distance <= after && later <= Number.MAX_SAFE_INTEGER && computeOtp(engine, later) === submitted) return later;
  }
  return -1;
}
