import { BulwarkError, isBulwarkError } from '../errors.js';
import { constantTimeEqual, randomBytes, scrypt } from '../runtime/index.js';
import { applyPepper, findPepper, type PasswordInput, passwordCandidates } from './input.js';
import { type PasswordHashOptions, resolvePasswordOptions } from './options.js';
import { formatScryptHash, parseScryptHash, readHashIdentifier, type ScryptHash } from './phc.js';

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_PREVIOUS_HASHES = 64;

function derive(bytes: Uint8Array, hash: Omit<ScryptHash, 'pepperId'>, pepperKey: Uint8Array | undefined) {
  const { cost, salt, key } = hash;
  return applyPepper(bytes, pepperKey).then((input) =>
    scrypt(input, salt, { N: 2 ** cost.logN, r: cost.blockSize, p: cost.parallelism, dkLen: key.length }),
  );
}

/**
 * Hashes a password with scrypt (default N = 2^17, r = 8, p = 1, a random 16-byte salt, a 32-byte key) into a
 * self-describing PHC string. Text is normalized to NFKC first. Runs natively where node:crypto exists (under Node, off the event loop on the libuv thread pool).
 * @throws BulwarkError CONFIG_INVALID, INPUT_INVALID, PASSWORD_TOO_LONG
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * // '$scrypt$ln=17,r=8,p=1$<salt>$<key>'
 */
export async function hashPassword(password: PasswordInput, options?: PasswordHashOptions): Promise<string> {
  const o = resolvePasswordOptions(options);
  const bytes = passwordCandidates(password, o.maxPasswordBytes)[0] as Uint8Array;
  const salt = randomBytes(SALT_BYTES);
  const pepperKey = o.pepper?.key;
  const key = await derive(bytes, { cost: o.cost, salt, key: new Uint8Array(KEY_BYTES) }, pepperKey);
  return formatScryptHash({ cost: o.cost, salt, key, pepperId: o.pepper?.id });
}

/**
 * Checks a password against a stored `$scrypt$` hash (ours, passlib's, or any system writing the same format),
 * comparing the derived key in constant time. Accepts the NFKC form of the password and, when that differs, the
 * password exactly as typed (other systems hash without normalizing; when only the NFKC form is over
 * `maxPasswordBytes`, only this one is tried). A wrong password resolves to false, and so does a submitted one that
 * no hash can match (over `maxPasswordBytes` as typed, or text with a lone surrogate): that input comes from the
 * client, so it is a failed sign-in, not an exception. A malformed, foreign or over-costly hash throws before any
 * work.
 * @throws BulwarkError PASSWORD_HASH_MALFORMED, PASSWORD_HASH_UNSUPPORTED, PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS,
 *   PASSWORD_PEPPER_NOT_FOUND, INPUT_INVALID (a password that is neither a string nor bytes, a hash that is not a
 *   string), CONFIG_INVALID
 * @example
 * if (await verifyPassword(submitted, user.passwordHash)) { ... signed in ... }
 */
export async function verifyPassword(
  password: PasswordInput,
  hash: string,
  options?: PasswordHashOptions,
): Promise<boolean> {
  const o = resolvePasswordOptions(options);
  const parsed = parseScryptHash(hash, o.limits);
  const pepperKey = findPepper(o.peppers, parsed.pepperId);
  return matchesAny(submittedCandidates(password, o.maxPasswordBytes), parsed, pepperKey);
}

/**
 * The candidates of a submitted password, or none for client input that must fail rather than throw: text with a
 * lone surrogate (no UTF-8, so no hash of it exists), or over `maxPasswordBytes` as typed. hashPassword refuses the
 * latter, but other systems bound differently or not at all (Node's scrypt has no bound), so a migrated hash of so
 * long a password verifies only with `maxPasswordBytes` raised. A value of the wrong type is the caller's bug and
 * still throws.
 */
function submittedCandidates(password: PasswordInput, maxPasswordBytes: number): Uint8Array[] {
  try {
    return passwordCandidates(password, maxPasswordBytes, 'verify');
  } catch (error) {
    if (isBulwarkError(error, 'PASSWORD_TOO_LONG')) return [];
    if (typeof password === 'string' && isBulwarkError(error, 'INPUT_INVALID')) return [];
    throw error;
  }
}

async function matchesAny(candidates: Uint8Array[], parsed: ScryptHash, pepperKey: Uint8Array | undefined) {
  for (const bytes of candidates) {
    if (constantTimeEqual(await derive(bytes, parsed, pepperKey), parsed.key)) return true;
  }
  return false;
}

/**
 * True when a stored hash was made with less than the current cost, a shorter salt, another pepper, or another
 * algorithm (a `$2b$` or `$argon2id$` hash you verified yourself): rehash with {@link hashPassword} after a
 * successful login. Does no hashing.
 * @throws BulwarkError PASSWORD_HASH_MALFORMED, PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS, CONFIG_INVALID, INPUT_INVALID
 * @example
 * if (await verifyPassword(pw, row.hash)) {
 *   if (needsRehash(row.hash)) row.hash = await hashPassword(pw);
 * }
 */
export function needsRehash(hash: string, options?: PasswordHashOptions): boolean {
  const o = resolvePasswordOptions(options);
  const id = readHashIdentifier(hash);
  if (id !== undefined && id !== 'scrypt') return true;
  const { cost, salt, pepperId } = parseScryptHash(hash, o.limits);
  return (
    cost.logN < o.cost.logN ||
    cost.blockSize < o.cost.blockSize ||
    cost.parallelism < o.cost.parallelism ||
    salt.length < SALT_BYTES ||
    pepperId !== o.pepper?.id
  );
}

/**
 * True when the password verifies against any of the user's previous hashes (password history). Checks them in
 * order and stops at the first match; each check costs one scrypt, so keep the history short. Like
 * {@link verifyPassword}, false for a password no hash can match (too long, a lone surrogate).
 * @throws BulwarkError INPUT_INVALID (more than 64 hashes), and whatever {@link verifyPassword} throws
 * @example
 * if (await isPasswordReused(newPassword, user.previousHashes)) return 'choose a password you have not used';
 */
export async function isPasswordReused(
  password: PasswordInput,
  previousHashes: readonly string[],
  options?: PasswordHashOptions,
): Promise<boolean> {
  if (!Array.isArray(previousHashes) || previousHashes.length > MAX_PREVIOUS_HASHES) {
    throw new BulwarkError('INPUT_INVALID', `previousHashes must be an array of at most ${MAX_PREVIOUS_HASHES}`, {
      details: { parameter: 'previousHashes' },
    });
  }
  const o = resolvePasswordOptions(options);
  // Parse and bound every hash before computing any: one bad row fails fast instead of after minutes of work.
  const parsed = previousHashes.map((h) => parseScryptHash(h, o.limits));
  const pepperKeys = parsed.map((p) => findPepper(o.peppers, p.pepperId));
  const candidates = submittedCandidates(password, o.maxPasswordBytes);
  for (let i = 0; i < parsed.length; i++) {
    if (await matchesAny(candidates, parsed[i] as ScryptHash, pepperKeys[i])) return true;
  }
  return false;
}
