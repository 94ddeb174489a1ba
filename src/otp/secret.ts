import { decodeBase32, encodeBase32 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, readOptions } from '../internal/assert.js';
import { isBytes } from '../internal/bytes.js';
import { randomBytes } from '../runtime/index.js';

/** A shared OTP secret: base32 text (as in otpauth URIs; spaces, hyphens and lower case tolerated) or raw bytes. */
export type OtpSecret = string | Uint8Array;

/** Options for {@link generateOtpSecret}. */
export interface GenerateOtpSecretOptions {
  /** Secret length in bytes, 16 to 64. Default 20 (160 bits, the HMAC-SHA1 output size RFC 4226 recommends). */
  bytes?: number;
}

/** Secret sizes: RFC 4226 §4 requires at least 128 bits; the upper bound only caps work on hostile input. */
export const OTP_SECRET_BYTES = Object.freeze({ min: 16, default: 20, max: 1024 });

/**
 * A new random OTP secret, base32-encoded without padding, ready for {@link createOtpauthUri}.
 * @throws BulwarkError CONFIG_INVALID when `bytes` is outside 16..64
 * @example
 * const secret = generateOtpSecret(); // 'JBSWY3DPEHPK3PXP...' (32 characters)
 */
export function generateOtpSecret(options?: GenerateOtpSecretOptions): string {
  const { bytes = OTP_SECRET_BYTES.default } = readOptions<GenerateOtpSecretOptions>(options);
  assertIntegerInRange(bytes, 'bytes', OTP_SECRET_BYTES.min, 64);
  return encodeBase32(randomBytes(bytes));
}

function invalidSecret(rule: string): BulwarkError {
  return new BulwarkError('OTP_SECRET_INVALID', `secret ${rule}`, { details: { parameter: 'secret' } });
}

/**
 * The secret's bytes. Secrets shorter than 128 bits are refused (RFC 4226 §4 "MUST"), unless the caller opts in
 * with `unsafeAllowShortSecret` to keep serving users enrolled long ago with 80-bit secrets.
 * @throws BulwarkError OTP_SECRET_INVALID
 */
export function readOtpSecret(secret: unknown, unsafeAllowShortSecret = false): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') {
    if (secret.length > OTP_SECRET_BYTES.max * 2) throw invalidSecret('is too long');
    try {
      bytes = decodeBase32(secret, { humanInput: true });
    } catch {
      throw invalidSecret('must be base32 (RFC 4648)');
    }
  } else if (isBytes(secret)) {
    bytes = secret;
  } else {
    throw invalidSecret('must be a base32 string or a Uint8Array');
  }
  if (bytes.length > OTP_SECRET_BYTES.max) throw invalidSecret(`must be at most ${OTP_SECRET_BYTES.max} bytes`);
  const min = unsafeAllowShortSecret === true ? 1 : OTP_SECRET_BYTES.min;
  if (bytes.length < min) {
    throw invalidSecret(
      min === 1 ? 'must not be empty' : 'must be at least 16 bytes (128 bits, RFC 4226); see unsafeAllowShortSecret',
    );
  }
  return bytes;
}
