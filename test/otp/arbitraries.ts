/** fast-check arbitraries shared by the OTP unit and interop tests. */
import type { OtpAlgorithm } from 'bulwark/otp';
import fc from 'fast-check';

export const otpAlgorithm = fc.constantFrom<OtpAlgorithm>('SHA-1', 'SHA-256', 'SHA-512');
export const otpSecretBytes = fc.uint8Array({ minLength: 16, maxLength: 64 });

function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

function hasControlCharacter(s: string): boolean {
  return /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(s);
}

/**
 * An account name an otpauth label can carry: any Unicode text (colons included) without control characters,
 * lone surrogates or surrounding spaces (the Key Uri Format drops spaces before the account).
 */
export const otpauthAccount = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
  .filter((s) => isWellFormed(s) && !hasControlCharacter(s) && s.trim() === s);

/** An issuer: like an account, without a colon (the format forbids it). */
export const otpauthIssuer = otpauthAccount.filter((s) => !s.includes(':'));
