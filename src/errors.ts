/**
 * The one error type bulwark throws, and the closed set of codes it carries.
 *
 * Codes are API: they are listed with cause and remedy in `docs/errors.md`, and a test keeps that page and
 * this union in step. Messages name the parameter and the rule that failed; they never contain secrets.
 */

/** Every code a {@link BulwarkError} can carry. Adding one is a minor release; removing or renaming one is major. */
export const ERROR_CODES = [
  // general
  'CONFIG_INVALID',
  'INPUT_INVALID',
  'RUNTIME_UNSUPPORTED',
  'ENCODING_INVALID',
  // password
  'PASSWORD_HASH_MALFORMED',
  'PASSWORD_HASH_UNSUPPORTED',
  'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
  'PASSWORD_TOO_LONG',
  'PASSWORD_PEPPER_NOT_FOUND',
  'PASSWORD_BREACH_CHECK_FAILED',
  // otp
  'OTP_SECRET_INVALID',
  'OTP_URI_MALFORMED',
  'QR_DATA_TOO_LONG',
  // envelope
  'ENVELOPE_MALFORMED',
  'ENVELOPE_DECRYPT_FAILED',
  'ENVELOPE_TOO_LARGE',
  'KEYRING_INVALID',
  'KEY_NOT_FOUND',
  'KEY_DISABLED',
  // stores, rate limiting
  'STORE_UNAVAILABLE',
  'STORE_TIMEOUT',
  // policy
  'POLICY_INVALID',
] as const;

/** A stable, machine-readable reason for a {@link BulwarkError}. */
export type BulwarkErrorCode = (typeof ERROR_CODES)[number];

const BRAND = Symbol.for('bulwark.error');

/** Optional, non-secret extras attached to an error. */
export interface BulwarkErrorOptions {
  /** Non-secret facts that help a developer (parameter name, limit, JSON path). Never secrets. */
  details?: Readonly<Record<string, unknown>>;
  /** The underlying error, when one exists (for example a store client's connection error). */
  cause?: unknown;
}

/**
 * The error bulwark throws for malformed input, misuse, integrity failures and outages.
 *
 * Expected negative outcomes (a wrong password, an invalid code, a denied request) are returned, not thrown.
 *
 * @example
 * try { await verifyPassword(pw, stored) } catch (e) { if (isBulwarkError(e, 'PASSWORD_HASH_MALFORMED')) ... }
 */
export class BulwarkError extends Error {
  override readonly name = 'BulwarkError';
  readonly code: BulwarkErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: BulwarkErrorCode, message: string, options: BulwarkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details === undefined ? undefined : Object.freeze({ ...options.details });
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True when `value` is a {@link BulwarkError} (optionally with the given code), from any copy of bulwark:
 * the check uses a global symbol brand, so it works across ESM/CJS duplicates and realms.
 */
export function isBulwarkError(value: unknown, code?: BulwarkErrorCode): value is BulwarkError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (value as BulwarkError).code === code;
}
