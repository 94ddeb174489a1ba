/**
 * The `$scrypt$` PHC string, as passlib writes it: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<key>` with salt and key
 * in standard base64 without padding. bulwark adds one optional parameter, `pepper=<id>`, after `p`.
 * Parsing is strict (one canonical spelling per hash) and bounds the cost before anyone computes anything.
 */
import { decodeBase64, encodeBase64 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { assertString } from '../internal/assert.js';
import { isScryptNWithinRfcBound } from '../runtime/index.js';
import { exceedsCostLimits, type ScryptCost, type ScryptCostLimits } from './options.js';

/** A parsed `$scrypt$` hash. */
export interface ScryptHash {
  cost: ScryptCost;
  salt: Uint8Array;
  key: Uint8Array;
  /** The id of the pepper the hash was made with, if any. */
  pepperId: string | undefined;
}

const MAX_HASH_CHARS = 512;
const MAX_SALT_BYTES = 64;
// A key shorter than 32 bytes is either another system's weak choice or a truncated column: a prefix of the real
// key verifies as well as the whole, so accepting short keys would silently weaken every truncated hash.
const MIN_KEY_BYTES = 32;
const MAX_KEY_BYTES = 64;
const IDENTIFIER = /^[A-Za-z0-9-]{1,32}$/;
const NUMBER = '(0|[1-9][0-9]{0,9})';
const PARAMS = new RegExp(`^ln=${NUMBER},r=${NUMBER},p=${NUMBER}(?:,pepper=([A-Za-z0-9.-]{1,32}))?$`);
const BASE64 = /^[A-Za-z0-9+/]*$/;

function malformed(part: string): BulwarkError {
  return new BulwarkError('PASSWORD_HASH_MALFORMED', 'password hash is not a well-formed $scrypt$ PHC string', {
    details: { part },
  });
}

function decodePart(text: string, part: string, minBytes: number, maxBytes: number): Uint8Array {
  if (!BASE64.test(text) || text.length > Math.ceil((maxBytes * 4) / 3)) throw malformed(part);
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(text);
  } catch {
    throw malformed(part);
  }
  if (bytes.length < minBytes || bytes.length > maxBytes) throw malformed(part);
  return bytes;
}

function assertCostWithinLimits(cost: ScryptCost, limits: ScryptCostLimits): void {
  if (exceedsCostLimits(cost, limits)) {
    throw new BulwarkError(
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
      'password hash asks for a cost above maxCost; refused before any work',
      { details: { logN: cost.logN, blockSize: cost.blockSize, parallelism: cost.parallelism } },
    );
  }
}

/**
 * The algorithm identifier of a PHC-style string (`$<id>$...`), or undefined when there is none.
 * @throws BulwarkError INPUT_INVALID when `hash` is not a string
 */
export function readHashIdentifier(hash: string): string | undefined {
  assertString(hash, 'hash');
  if (hash.length > MAX_HASH_CHARS || hash.charCodeAt(0) !== 36) return undefined;
  const end = hash.indexOf('$', 1);
  const id = hash.slice(1, end === -1 ? undefined : end);
  return IDENTIFIER.test(id) ? id : undefined;
}

/**
 * Parses and bounds a `$scrypt$` hash.
 * @throws BulwarkError INPUT_INVALID, PASSWORD_HASH_MALFORMED, PASSWORD_HASH_UNSUPPORTED,
 *   PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS
 */
export function parseScryptHash(hash: string, limits: ScryptCostLimits): ScryptHash {
  const id = readHashIdentifier(hash);
  if (id === undefined) throw malformed('identifier');
  if (id !== 'scrypt') {
    throw new BulwarkError('PASSWORD_HASH_UNSUPPORTED', 'password hash uses an algorithm other than $scrypt$', {
      details: { algorithm: id },
    });
  }
  const parts = hash.split('$');
  if (parts.length !== 5) throw malformed('segments');
  const match = PARAMS.exec(parts[2] as string);
  if (match === null) throw malformed('parameters');
  const cost: ScryptCost = {
    logN: Number(match[1]),
    blockSize: Number(match[2]),
    parallelism: Number(match[3]),
  };
  // N = 2^0 = 1 is not a valid scrypt N; r and p start at 1; RFC 7914 also caps N below 2^(16·r), a bound no
  // conforming implementation can have produced a hash outside of.
  if (cost.logN < 1 || cost.blockSize < 1 || cost.parallelism < 1) throw malformed('parameters');
  if (!isScryptNWithinRfcBound(2 ** cost.logN, cost.blockSize)) throw malformed('parameters');
  assertCostWithinLimits(cost, limits);
  const salt = decodePart(parts[3] as string, 'salt', 0, MAX_SALT_BYTES);
  const key = decodePart(parts[4] as string, 'key', MIN_KEY_BYTES, MAX_KEY_BYTES);
  return { cost, salt, key, pepperId: match[4] };
}

/** Writes the canonical `$scrypt$` string for a hash. */
export function formatScryptHash(hash: ScryptHash): string {
  const { logN, blockSize, parallelism } = hash.cost;
  const pepper = hash.pepperId === undefined ? '' : `,pepper=${hash.pepperId}`;
  const salt = encodeBase64(hash.salt, { padding: false });
  const key = encodeBase64(hash.key, { padding: false });
  return `$scrypt$ln=${logN},r=${blockSize},p=${parallelism}${pepper}$${salt}$${key}`;
}
