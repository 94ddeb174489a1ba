/**
 * otpauth:// URIs in the Key Uri Format authenticator apps scan
 * (https://github.com/google/google-authenticator/wiki/Key-Uri-Format).
 */
import { decodeBase32, encodeBase32 } from '../encoding/index.js';
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

const SCHEME = 'otpauth://';

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function malformed(rule: string): BulwarkError {
  return new BulwarkError('OTP_URI_MALFORMED', `otpauth URI ${rule}`, { details: { rule } });
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
 * @throws BulwarkError INPUT_INVALID (issuer, account), OTP_SECRET_INVALID, CONFIG_INVALID
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
  return `${SCHEME}${type}/${issuer}:${account}?secret=${secret}&issuer=${issuer}&algorithm=${uriName}&digits=${digits}&${last}`;
}

function decode(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw malformed(`has invalid percent-encoding in the ${what}`);
  }
}

function readQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq), 'query').toLowerCase();
    // '+' means space in query strings (URLSearchParams writes it so); an encoded plus stays %2B.
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' '), 'query');
    if (params.has(name)) throw malformed(`repeats the ${name} parameter`);
    params.set(name, value);
  }
  return params;
}

/** Splits the label into issuer and account: at a literal colon, else at an encoded one (both are allowed). */
function readLabel(label: string, issuerParam: string | undefined): { issuer: string | undefined; account: string } {
  const literal = label.indexOf(':');
  let issuer: string | undefined;
  let account: string;
  if (literal >= 0) {
    issuer = decode(label.slice(0, literal), 'label');
    account = decode(label.slice(literal + 1), 'label');
  } else {
    const whole = decode(label, 'label');
    const encoded = label.search(/%3a/i);
    if (issuerParam !== undefined) {
      const prefixed = whole.startsWith(`${issuerParam}:`);
      issuer = prefixed ? issuerParam : undefined;
      account = prefixed ? whole.slice(issuerParam.length + 1) : whole;
    } else if (encoded >= 0) {
      issuer = decode(label.slice(0, encoded), 'label');
      account = decode(label.slice(encoded + 3), 'label');
    } else {
      account = whole;
    }
  }
  account = account.replace(/^ +/, '');
  if (account === '') throw malformed('has no account name');
  if (issuer === '') issuer = undefined;
  return { issuer, account };
}

function readInteger(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,16}$/.test(value)) throw malformed(`has a non-numeric ${name}`);
  const n = Number(value);
  if (n < min || n > max) throw malformed(`has ${name} out of range`);
  return n;
}

/**
 * Parses an otpauth:// URI (Key Uri Format). Unknown parameters are ignored; everything else is checked:
 * scheme, type, label, percent-encoding, a base32 secret, algorithm, digits, period or counter, and that the
 * issuer in the label (when both are present) equals the issuer parameter.
 * Secret length is not judged here: verification refuses secrets under 128 bits unless told otherwise.
 * @throws BulwarkError OTP_URI_MALFORMED
 * @example
 * const { issuer, account, secret } = parseOtpauthUri(scannedText);
 */
export function parseOtpauthUri(uri: string): OtpauthUri {
  if (typeof uri !== 'string') throw malformed('must be a string');
  if (uri.length > OTPAUTH_URI_LIMITS.maxUriLength) throw malformed('is too long');
  if (uri.slice(0, SCHEME.length).toLowerCase() !== SCHEME) throw malformed('must start with otpauth://');
  const hash = uri.indexOf('#');
  const body = uri.slice(SCHEME.length, hash < 0 ? uri.length : hash);
  const slash = body.indexOf('/');
  const question = body.indexOf('?');
  if (slash < 0 || question < slash) throw malformed('must be otpauth://TYPE/LABEL?PARAMETERS');
  const type = body.slice(0, slash).toLowerCase();
  if (type !== 'totp' && type !== 'hotp') throw malformed('type must be totp or hotp');
  const params = readQuery(body.slice(question + 1));
  const issuerParam = params.get('issuer') || undefined;
  const { issuer, account } = readLabel(body.slice(slash + 1, question), issuerParam);
  if (issuer !== undefined && issuerParam !== undefined && issuer !== issuerParam) {
    throw malformed('has conflicting issuers in label and parameter');
  }
  const finalIssuer = issuer ?? issuerParam;
  const limit = OTPAUTH_URI_LIMITS.maxLabelPartLength;
  if (account.length > limit || (finalIssuer?.length ?? 0) > limit) throw malformed('has a label part too long');
  const secretText = params.get('secret');
  if (secretText === undefined || secretText === '') throw malformed('has no secret');
  let secret: string;
  try {
    secret = encodeBase32(decodeBase32(secretText));
  } catch {
    throw malformed('has a secret that is not base32');
  }
  const algorithmName = (params.get('algorithm') ?? 'SHA1').toUpperCase();
  const algorithm = (Object.keys(OTP_ALGORITHMS) as OtpAlgorithm[]).find(
    (a) => OTP_ALGORITHMS[a].uriName === algorithmName,
  );
  if (algorithm === undefined) throw malformed('has an unsupported algorithm');
  const digits = readInteger(
    params.get('digits'),
    DEFAULT_TOTP_OPTIONS.digits,
    'digits',
    OTP_DIGITS.min,
    OTP_DIGITS.max,
  );
  const common = { issuer: finalIssuer, account, secret, algorithm, digits };
  if (type === 'totp') {
    const periodSeconds = readInteger(params.get('period'), DEFAULT_TOTP_OPTIONS.periodSeconds, 'period', 1, 3600);
    return { type, ...common, periodSeconds };
  }
  if (!params.has('counter')) throw malformed('of type hotp has no counter');
  return { type, ...common, counter: readInteger(params.get('counter'), 0, 'counter', 0, Number.MAX_SAFE_INTEGER) };
}
