import { assertOneOf } from '../internal/assert.js';
import type { HashCore } from '../internal/sha-core.js';
import { SHA1_CORE } from '../internal/sha1.js';
import { SHA256_CORE } from '../internal/sha256.js';
import { SHA512_CORE } from '../internal/sha512.js';

/** HMAC hash functions RFC 6238 allows for one-time passwords. SHA-1 is the default every authenticator app knows. */
export type OtpAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512';

/** Each algorithm described once: our hash core and its name in otpauth URIs. */
export const OTP_ALGORITHMS: Readonly<Record<OtpAlgorithm, { core: HashCore; uriName: string }>> = Object.freeze({
  'SHA-1': { core: SHA1_CORE, uriName: 'SHA1' },
  'SHA-256': { core: SHA256_CORE, uriName: 'SHA256' },
  'SHA-512': { core: SHA512_CORE, uriName: 'SHA512' },
});

const NAMES = Object.keys(OTP_ALGORITHMS) as OtpAlgorithm[];

/** Throws CONFIG_INVALID unless `value` names an {@link OtpAlgorithm}. */
export function assertOtpAlgorithm(value: unknown): OtpAlgorithm {
  return assertOneOf(value, 'algorithm', NAMES);
}

/** Shortest and longest codes: RFC 4226 asks for at least 6; 31 bits of truncated HMAC carry at most 10 digits. */
export const OTP_DIGITS = Object.freeze({ min: 6, max: 10 });

/** The parameters authenticator apps assume when a URI does not say: HMAC-SHA1, 6 digits. */
export const OTP_DEFAULTS = Object.freeze({ algorithm: 'SHA-1', digits: 6 } as const);
