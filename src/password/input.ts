/**
 * From the password a user typed to the bytes scrypt sees: Unicode normalization, the length bound, the pepper.
 */
import { encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { isBytes } from '../internal/bytes.js';
import { hmac } from '../runtime/index.js';

/** A password: text (normalized to NFKC) or raw bytes (used exactly as given, for hashes made from bytes). */
export type PasswordInput = string | Uint8Array;

function tooLong(maxPasswordBytes: number): BulwarkError {
  return new BulwarkError('PASSWORD_TOO_LONG', `password must be at most ${maxPasswordBytes} bytes of UTF-8`, {
    details: { parameter: 'password', maxPasswordBytes },
  });
}

/** UTF-8 of a password; a lone surrogate is INPUT_INVALID (it has no UTF-8, and replacing it would merge passwords). */
export function utf8(text: string): Uint8Array {
  try {
    return encodeUtf8(text);
  } catch (cause) {
    throw new BulwarkError('INPUT_INVALID', 'password must be well-formed Unicode (no lone surrogates)', {
      details: { parameter: 'password' },
      cause,
    });
  }
}

/**
 * The byte strings a password may have been hashed from, preferred first: the NFKC form, then (when it differs) the
 * text exactly as given, which is what systems that do not normalize hashed. Bytes pass through unchanged.
 * The length bound is checked before normalizing (NFKC of a huge string is itself work) and after (NFKC can expand).
 * With `purpose: 'verify'`, an NFKC form over the bound is dropped instead of refused: no hash of ours can be of it,
 * but a foreign hash of the form as typed can still match.
 * @throws BulwarkError INPUT_INVALID, PASSWORD_TOO_LONG
 */
export function passwordCandidates(
  password: PasswordInput,
  maxPasswordBytes: number,
  purpose: 'hash' | 'verify' = 'hash',
): Uint8Array[] {
  if (isBytes(password)) {
    if (password.length > maxPasswordBytes) throw tooLong(maxPasswordBytes);
    return [password];
  }
  if (typeof password !== 'string') {
    throw new BulwarkError('INPUT_INVALID', 'password must be a string or a Uint8Array', {
      details: { parameter: 'password' },
    });
  }
  // Every UTF-16 code unit takes at least one UTF-8 byte, so this bound is safe to apply first.
  if (password.length > maxPasswordBytes) throw tooLong(maxPasswordBytes);
  const raw = utf8(password);
  if (raw.length > maxPasswordBytes) throw tooLong(maxPasswordBytes);
  const normalized = password.normalize('NFKC');
  if (normalized === password) return [raw];
  const nfkc = utf8(normalized);
  if (nfkc.length <= maxPasswordBytes) return [nfkc, raw];
  if (purpose === 'verify') return [raw];
  throw tooLong(maxPasswordBytes);
}

/** HMAC-SHA256 of the password under the pepper key: what scrypt then hashes. Without a pepper, the bytes as is. */
export async function applyPepper(bytes: Uint8Array, pepperKey: Uint8Array | undefined): Promise<Uint8Array> {
  return pepperKey === undefined ? bytes : hmac('SHA-256', pepperKey, bytes);
}

/** The pepper key for a stored hash's pepper id. */
export function findPepper(peppers: ReadonlyMap<string, Uint8Array>, id: string | undefined): Uint8Array | undefined {
  if (id === undefined) return undefined;
  const key = peppers.get(id);
  if (key === undefined) {
    throw new BulwarkError('PASSWORD_PEPPER_NOT_FOUND', 'password hash names a pepper id that is not configured', {
      details: { pepperId: id },
    });
  }
  return key;
}
