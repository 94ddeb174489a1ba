/** Parsing otpauth:// URIs (Key Uri Format), strict where it matters and tolerant of what real generators write. */
import { decodeBase32, encodeBase32 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { OTP_ALGORITHMS, OTP_DIGITS, type OtpAlgorithm } from './algorithms.js';
import { DEFAULT_TOTP_OPTIONS } from './totp.js';
import { hasControlCharacter, OTPAUTH_SCHEME, OTPAUTH_URI_LIMITS, type OtpauthUri } from './uri.js';

function malformed(rule: string): BulwarkError {
  return new BulwarkError('OTP_URI_MALFORMED', `otpauth URI ${rule}`, { details: { rule } });
}

function decode(value: string, what: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw malformed(`has invalid percent-encoding in the ${what}`);
  }
}

const KNOWN_PARAMETERS = new Set(['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter']);

function readQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq), 'query').toLowerCase();
    // '+' means space in query strings (URLSearchParams writes it so); an encoded plus stays %2B.
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' '), 'query');
    if (params.has(name)) {
      // The name is named only when it is one of ours: anything else is attacker text (log injection), or even a
      // pasted secret.
      throw malformed(KNOWN_PARAMETERS.has(name) ? `repeats the ${name} parameter` : 'repeats a parameter');
    }
    params.set(name, value);
  }
  return params;
}

/**
 * Splits the label into issuer and account at its first separator, a literal or an encoded colon: the Key Uri
 * Format allows both, so `Evil%3Ajane` names the issuer `Evil` exactly as `Evil:jane` does (an issuer parameter
 * that differs is then a conflict, never an account that merely contains a colon).
 */
function readLabel(label: string): { issuer: string | undefined; account: string } {
  const literal = label.indexOf(':');
  const encoded = label.search(/%3a/i);
  const at = encoded >= 0 && (literal < 0 || encoded < literal) ? encoded : literal;
  let issuer: string | undefined;
  let account: string;
  if (at < 0) account = decode(label, 'label');
  else {
    issuer = decode(label.slice(0, at), 'label');
    account = decode(label.slice(at + (at === encoded ? 3 : 1)), 'label');
  }
  account = account.replace(/^ +/, '');
  if (account === '') throw malformed('has no account name');
  if (issuer === '') issuer = undefined;
  return { issuer, account };
}

/**
 * A UTF-16 surrogate not paired with its other half (\p{Cs} matches only those under the u flag). Percent-encoded
 * ones already fail decodeURIComponent, but raw ones pass through it untouched. A regex rather than
 * String.prototype.isWellFormed, which older browsers and runtimes lack.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What createOtpauthUri refuses to write is refused when read: control characters, a leading space, text that is
 * not well-formed Unicode.
 */
function checkLabelText(value: string | undefined): void {
  if (value === undefined) return;
  if (value.startsWith(' ')) throw malformed('has a label part starting with a space');
  if (hasControlCharacter(value)) throw malformed('has a control character in the label or issuer');
  if (LONE_SURROGATE.test(value)) throw malformed('has a label or issuer that is not well-formed Unicode');
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
  if (uri.slice(0, OTPAUTH_SCHEME.length).toLowerCase() !== OTPAUTH_SCHEME)
    throw malformed('must start with otpauth://');
  const hash = uri.indexOf('#');
  const body = uri.slice(OTPAUTH_SCHEME.length, hash < 0 ? uri.length : hash);
  const slash = body.indexOf('/');
  const question = body.indexOf('?');
  if (slash < 0 || question < slash) throw malformed('must be otpauth://TYPE/LABEL?PARAMETERS');
  const type = body.slice(0, slash).toLowerCase();
  if (type !== 'totp' && type !== 'hotp') throw malformed('type must be totp or hotp');
  const params = readQuery(body.slice(question + 1));
  const issuerParam = params.get('issuer') || undefined;
  // createOtpauthUri refuses a colon in the issuer (it would split the label differently when written back).
  if (issuerParam?.includes(':')) throw malformed('has a colon in the issuer parameter');
  const { issuer, account } = readLabel(body.slice(slash + 1, question));
  if (issuer !== undefined && issuerParam !== undefined && issuer !== issuerParam) {
    throw malformed('has conflicting issuers in label and parameter');
  }
  const finalIssuer = issuer ?? issuerParam;
  checkLabelText(finalIssuer);
  checkLabelText(account);
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
