/**
 * Recovery codes: single-use lookup secrets for when the authenticator is lost. Each code carries 120 random bits,
 * so a keyed SHA-256 (HMAC) is a sufficient stored form (ASVS 5.0 6.5.2 allows a plain hash from 112 bits; the
 * key adds that a leaked table alone cannot even be checked). See docs/otp.md.
 */
import { encodeBase32, encodeBase64Url, encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, frozenTable, readOptions } from '../internal/assert.js';
import { concatBytes, equalBytes, isBytes } from '../internal/bytes.js';
import { createHmacKey, type HmacKey, hmacBytes, wipeHmacKey } from '../internal/sha-core.js';
import { SHA256_CORE } from '../internal/sha256.js';
import { randomBytes } from '../runtime/index.js';
import { askStore, checkKey, type RecoveryCodeStore } from './store.js';

/** Options for {@link generateRecoveryCodes}. */
export interface GenerateRecoveryCodesOptions {
  /** How many codes, 1 to 50. Default 10. */
  count?: number;
}

/** Codes to show the user once, and the stored form to keep (same order). */
export interface RecoveryCodes {
  /** Human-readable codes, e.g. '7KQ2-M9XD-4HTP-R8WN-3FZA-6BCE'. Show once; never store them. */
  codes: string[];
  /** What to store: 'rc1:' + base64url HMAC-SHA256 per code. */
  stored: string[];
}

/** Everything {@link consumeRecoveryCode} needs besides the code and the stored set. */
export interface ConsumeRecoveryCodeOptions {
  /** The HMAC key the codes were generated with (keep it outside the database, like a pepper). */
  secretKey: Uint8Array;
  /** Where used codes are marked, atomically. */
  store: RecoveryCodeStore;
  /** Whose codes these are (e.g. the user id). */
  key: string;
}

/** Outcome of {@link consumeRecoveryCode}; on success, persist `remaining` as the user's new stored set. */
export type ConsumeRecoveryCodeResult =
  | { valid: true; remaining: string[] }
  | { valid: false; reason: 'malformed' | 'mismatch' | 'used' };

/** Sizes of recovery codes and their bounds. */
export const RECOVERY_CODES = Object.freeze({ bytes: 15, characters: 24, groupSize: 4, maxCount: 50 });

const DEFAULT_COUNT = 10;
// Crockford's base32: no I, L, O, U, so nothing reads as another character; typing them is mapped below.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// No prototype: a polluted single-character key must not remap what the user typed.
const TYPO_MAP: Readonly<Record<string, string>> = frozenTable({ O: '0', I: '1', L: '1' });
const STORED = /^rc1:[A-Za-z0-9_-]{43}$/;
const DOMAIN = encodeUtf8('bulwark/otp recovery code v1\u0000');

/**
 * The 5-bit value of an RFC 4648 base32 character ('A'..'Z' = 0..25, '2'..'7' = 26..31), computed without a
 * branch or search: the characters are secret.
 */
function toCrockfordIndex(code: number): number {
  const isLetter = (64 - code) >>> 31;
  return code - 24 - isLetter * 41;
}

function checkSecretKey(secretKey: unknown): Uint8Array {
  if (!isBytes(secretKey) || secretKey.length < 16 || secretKey.length > 1024) {
    throw new BulwarkError(
      'CONFIG_INVALID',
      'secretKey must be a Uint8Array of 16 to 1024 bytes (32 random bytes advised)',
      {
        details: { parameter: 'secretKey' },
      },
    );
  }
  return secretKey;
}

function tagOf(key: HmacKey, canonical: string): string {
  return `rc1:${encodeBase64Url(hmacBytes(key, concatBytes(DOMAIN, encodeUtf8(canonical))))}`;
}

/** The canonical form of a typed code (upper case, no separators, typos mapped), or undefined. */
function normalizeRecoveryCode(code: unknown): string | undefined {
  if (typeof code !== 'string' || code.length > 64) return undefined;
  let out = '';
  for (const c of code.toUpperCase()) {
    if (c === '-' || c === ' ' || c === '\t') continue;
    const mapped = TYPO_MAP[c] ?? c;
    if (!CROCKFORD.includes(mapped)) return undefined;
    out += mapped;
  }
  return out.length === RECOVERY_CODES.characters ? out : undefined;
}

/**
 * A fresh set of recovery codes (120 random bits each, grouped by four for reading) and their stored form.
 * Generating a new set replaces the old one: store the new `stored` array in place of the previous.
 * @throws BulwarkError CONFIG_INVALID (secretKey, count)
 * @example
 * const { codes, stored } = generateRecoveryCodes(recoveryKey);
 * await db.saveRecoveryCodes(user.id, stored); // show `codes` to the user once
 */
export function generateRecoveryCodes(secretKey: Uint8Array, options?: GenerateRecoveryCodesOptions): RecoveryCodes {
  checkSecretKey(secretKey);
  const { count = DEFAULT_COUNT } = readOptions<GenerateRecoveryCodesOptions>(options);
  assertIntegerInRange(count, 'count', 1, RECOVERY_CODES.maxCount);
  const key = createHmacKey(SHA256_CORE, secretKey);
  const codes: string[] = [];
  const stored: string[] = [];
  for (let i = 0; i < count; i++) {
    let canonical = '';
    const rfc4648 = encodeBase32(randomBytes(RECOVERY_CODES.bytes));
    for (let j = 0; j < rfc4648.length; j++) canonical += CROCKFORD[toCrockfordIndex(rfc4648.charCodeAt(j))];
    codes.push(canonical.match(/.{4}/g)!.join('-'));
    stored.push(tagOf(key, canonical));
  }
  wipeHmacKey(key);
  return { codes, stored };
}

/**
 * Uses one recovery code: normalizes what the user typed (case, spaces, hyphens, O/0 and I/L/1), finds it among
 * `stored` in constant time, and marks it used through the store, atomically, so it works exactly once even under
 * concurrent requests. Rate-limit this endpoint like a login.
 * @throws BulwarkError CONFIG_INVALID (options), INPUT_INVALID (stored set, key), STORE_UNAVAILABLE
 * @example
 * const result = await consumeRecoveryCode(typed, user.recoveryCodes, { secretKey, store, key: user.id });
 * if (result.valid) await db.saveRecoveryCodes(user.id, result.remaining);
 */
export async function consumeRecoveryCode(
  code: string,
  stored: readonly string[],
  options: ConsumeRecoveryCodeOptions,
): Promise<ConsumeRecoveryCodeResult> {
  const o = readOptions<ConsumeRecoveryCodeOptions>(options);
  const secretKey = checkSecretKey(o.secretKey);
  const store = o.store;
  if (typeof store?.markRecoveryCodeUsed !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'store must implement markRecoveryCodeUsed', {
      details: { parameter: 'store' },
    });
  }
  const key = checkKey(o.key);
  if (!Array.isArray(stored) || stored.length > RECOVERY_CODES.maxCount || !stored.every((s) => STORED.test(s))) {
    throw new BulwarkError('INPUT_INVALID', 'stored recovery codes must be an array of rc1: entries', {
      details: { parameter: 'stored' },
    });
  }
  const canonical = normalizeRecoveryCode(code);
  if (canonical === undefined) return { valid: false, reason: 'malformed' };
  const hmacKey = createHmacKey(SHA256_CORE, secretKey);
  const tag = encodeUtf8(tagOf(hmacKey, canonical));
  wipeHmacKey(hmacKey);
  // Compare against every entry, so timing does not tell which (or whether an early) entry matched.
  let found = -1;
  for (let i = 0; i < stored.length; i++) {
    const hit = equalBytes(tag, encodeUtf8(stored[i]!));
    found = hit && found < 0 ? i : found;
  }
  if (found < 0) return { valid: false, reason: 'mismatch' };
  const codeId = stored[found]!.slice(4);
  const fresh = await askStore(() => store.markRecoveryCodeUsed(key, codeId), 'recovery-code');
  if (!fresh) return { valid: false, reason: 'used' };
  return { valid: true, remaining: stored.filter((s) => s !== stored[found]) };
}
