/**
 * Breached-password lookups by k-anonymity (the Have I Been Pwned range API shape): only the first 5 hex characters
 * of the password's SHA-1 leave the process; the caller's fetcher returns every known suffix under that prefix.
 */
import { encodeHex } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { isBytes } from '../internal/bytes.js';
import { digest } from '../runtime/index.js';
import { type PasswordInput, utf8 } from './input.js';

/**
 * Fetches one k-anonymity range: given a 5-character upper-case hex SHA-1 prefix, resolves to the response body,
 * one `SUFFIX:COUNT` line per known hash (35 hex characters, a colon, a decimal count), as
 * `https://api.pwnedpasswords.com/range/{prefix}` returns it. Padding lines with count 0 are ignored.
 */
export type BreachRangeFetcher = (prefix: string) => Promise<string>;

const LINE = /^([0-9A-Fa-f]{35}):([0-9]{1,12})$/;
const MAX_RESPONSE_CHARS = 4 * 2 ** 20;
const MAX_PASSWORD_CHARS = 2 ** 20;

function failed(reason: string, cause?: unknown): BulwarkError {
  return new BulwarkError('PASSWORD_BREACH_CHECK_FAILED', `breached-password range lookup failed: ${reason}`, {
    details: { reason },
    cause,
  });
}

function passwordBytes(password: PasswordInput): Uint8Array {
  if (isBytes(password)) return password;
  if (typeof password !== 'string' || password.length > MAX_PASSWORD_CHARS) {
    throw new BulwarkError('INPUT_INVALID', 'password must be a string (at most 1 MiB) or a Uint8Array', {
      details: { parameter: 'password' },
    });
  }
  return utf8(password);
}

/**
 * How many times the password appears in a breach corpus, asked through `fetchRange` without revealing it: only the
 * 5-character SHA-1 prefix is passed on. The password is hashed exactly as given (breach corpora are not
 * normalized; `checkPasswordPolicy` asks for its NFKC form too). 0 means not found.
 * @throws BulwarkError PASSWORD_BREACH_CHECK_FAILED (the fetcher threw or answered in another format), INPUT_INVALID,
 *   CONFIG_INVALID
 * @example
 * const count = await countPasswordBreaches(pw, async (prefix) =>
 *   (await fetch(`https://api.pwnedpasswords.com/range/${prefix}`, { headers: { 'Add-Padding': 'true' } })).text());
 */
export async function countPasswordBreaches(password: PasswordInput, fetchRange: BreachRangeFetcher): Promise<number> {
  if (typeof fetchRange !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'fetchRange must be a function (prefix) => Promise<string>', {
      details: { parameter: 'fetchRange' },
    });
  }
  const sha1 = encodeHex(await digest('SHA-1', passwordBytes(password))).toUpperCase();
  const prefix = sha1.slice(0, 5);
  const suffix = sha1.slice(5);
  let body: unknown;
  try {
    body = await fetchRange(prefix);
  } catch (cause) {
    throw failed('the fetcher threw', cause);
  }
  if (typeof body !== 'string') throw failed('the fetcher did not resolve to a string');
  if (body.length > MAX_RESPONSE_CHARS) throw failed('the response is too large');
  let count = 0;
  for (const raw of body.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const match = LINE.exec(line);
    if (match === null) throw failed('a response line is not SUFFIX:COUNT');
    if ((match[1] as string).toUpperCase() === suffix) count = Number(match[2]);
  }
  return count;
}
