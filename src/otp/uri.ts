/**
 * otpauth:// URIs in the Key Uri Format authenticator apps scan
 * (https://github.com/google/google-authenticator/wiki/Key-Uri-Format).
 */
import { encodeBase32 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, readOptions } from '../internal/assert.js';
import { assertOtpAlgorithm, OTP_ALGORITHMS, OTP_DIGITS, type OtpAlgorithm } from './algorithms.js';
import { assertCounter } from './engine.js';
import { type OtpSecret, readOtpSecret } from './secret.js';
import { DEFAULT_TOTP_OPTIONS } from './totp.js';

/** What an otpauth URI carries. `secret` is canonical base32 (upper case, unpadded). */
export type OtpauthUri = {
  issuer: string | undefined;
  account: string;
  secret: string;
  algorithm: OtpAlgorithm;
  digits: number;
} & ({ type: 'totp'; periodSeconds: number } | { type: 'hotp'; counter: number });

/** Input of {@link createOtpauthUri}. */
export interface CreateOtpauthUriOptions {
  /** 'totp' (default) or 'hotp'. */
  type?: 'totp' | 'hotp';
  /** Your service's name, shown in the app. Required; no colon (the Key Uri Format forbids it). */
  issuer: string;
  /** The user's account name (e.g. e-mail). Colons, spaces and any Unicode are percent-encoded. */
  account: string;
  secret: OtpSecret;
  algorithm?: OtpAlgorithm;
  digits?: number;
  /** TOTP only. Default 30. */
  periodSeconds?: number;
  /** HOTP only: the counter to start from. Required for 'hotp'. */
  counter?: number;
  /** Allow a secret shorter than 128 bits (legacy). Default false. */
  unsafeAllowShortSecret?: boolean;
}

/** Bounds checked before any work. */
export const OTPAUTH_URI_LIMITS = Object.freeze({ maxUriLength: 4096, maxLabelPartLength: 256 });

/** The scheme every Key Uri Format URI starts with. */
export const OTPAUTH_SCHEME = 'otpauth://';

/**
 * Control characters (C0, DEL and C1: U+0085 is a line break, U+009B a terminal escape), line and paragraph
 * separators, and every format character (\p{Cf}: the direction controls, zero-width spaces and joiners, the soft
 * hyphen, the BOM, tag characters), which make displayed text read other than it is stored: "Goo\u200Bgle" shows
 * as "Google" and is not equal to it.
 */
const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** Whether a label part holds a character an authenticator app or a log must never be shown. */
export function hasControlCharacter(value: string): boolean {
  return UNSAFE_TEXT.test(value);
}

function checkLabelPart(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > OTPAUTH_URI_LIMITS.maxLabelPartLength) {
    throw new BulwarkError('INPUT_INVALID', `${name} must be a string of 1 to 256 characters`, {
      details: { parameter: name },
    });
  }
  if (hasControlCharacter(value) || value.startsWith(' ') || (name === 'issuer' && value.includes(':'))) {
    throw new BulwarkError(
      'INPUT_INVALID',
      `${name} must not contain control characters${name === 'issuer' ? ' or a colon' : ''} nor start with a space`,
      { details: { parameter: name } },
    );
  }
  return value;
}

function encode(value: string, name: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw new BulwarkError('INPUT_INVALID', `${name} must be well-formed Unicode`, { details: { parameter: name } });
  }
}

/**
 * An otpauth:// URI for authenticator apps: issuer in the label and as a parameter, every part percent-encoded.
 * @throws BulwarkError INPUT_INVALID (issuer, account, or a URI over 4096 characters once encoded),
 * OTP_SECRET_INVALID, CONFIG_INVALID
 * @example
 * createOtpauthUri({ issuer: 'ACME Co', account: 'jane@example.com', secret });
 * // 'otpauth://totp/ACME%20Co:jane%40example.com?secret=...&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30'
 */
export function createOtpauthUri(options: CreateOtpauthUriOptions): string {
  const o = readOptions<CreateOtpauthUriOptions>(options);
  const type = o.type ?? 'totp';
  if (type !== 'totp' && type !== 'hotp') {
    throw new BulwarkError('CONFIG_INVALID', 'type must be totp or hotp', { details: { parameter: 'type' } });
  }
  const issuer = encode(checkLabelPart(o.issuer, 'issuer'), 'issuer');
  const account = encode(checkLabelPart(o.account, 'account'), 'account');
  const algorithm = assertOtpAlgorithm(o.algorithm ?? DEFAULT_TOTP_OPTIONS.algorithm);
  const digits = assertIntegerInRange(
    o.digits ?? DEFAULT_TOTP_OPTIONS.digits,
    'digits',
    OTP_DIGITS.min,
    OTP_DIGITS.max,
  );
  const last =
    type === 'totp'
      ? `period=${assertIntegerInRange(o.periodSeconds ?? DEFAULT_TOTP_OPTIONS.periodSeconds, 'periodSeconds', 1, 3600)}`
      : `counter=${assertCounter(o.counter)}`;
  const secret = encodeBase32(readOtpSecret(o.secret, o.unsafeAllowShortSecret === true));
  const uriName = OTP_ALGORITHMS[algorithm].uriName;
  const uri = `${OTPAUTH_SCHEME}${type}/${issuer}:${account}?secret=${secret}&issuer=${issuer}&algorithm=${uriName}&digits=${digits}&${last}`;
  // The part limits count characters before percent-encoding (an "é" becomes 6): never emit what parse refuses.
  if (uri.length > OTPAUTH_URI_LIMITS.maxUriLength) {
    throw new BulwarkError(
      'INPUT_INVALID',
      `issuer and account make the URI longer than ${OTPAUTH_URI_LIMITS.maxUriLength} characters once encoded`,
      { details: { parameter: 'account' } },
    );
  }
  return uri;
}
