import { decodeBase64Url, decodeUtf8, encodeBase64Url, encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { assertIntegerInRange, readOptions } from '../internal/assert.js';
import { isBytes, wipe } from '../internal/bytes.js';
import { importAesGcmKey, isScryptNWithinRfcBound, randomBytes, scrypt, scryptMemory } from '../runtime/index.js';
import { encodeContext } from './context.js';
import type { Keyring } from './keyring.js';
import { keyringFromJson, type LoadKeyringOptions, serializeKeyring } from './keyring-json.js';

/** What seals a keyring: a raw 32-byte master key (e.g. from an environment variable) or a passphrase. */
export type KeyringSecret = { masterKey: Uint8Array } | { passphrase: string };

/** scrypt cost for passphrase-sealed keyrings. */
export interface KeyringScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Options of {@link sealKeyring}. */
export interface SealKeyringOptions {
  /** scrypt cost for a passphrase (default N=2^17, r=8, p=1: 128 MiB, about half a second natively). */
  scrypt?: KeyringScryptParams;
  /** Allows N below 2^15 (tests only: a weak cost makes the passphrase cheap to guess). */
  unsafeAllowWeakScrypt?: boolean;
}

/** Options of {@link openKeyring}. */
export interface OpenKeyringOptions extends LoadKeyringOptions {
  /** Largest scrypt memory a sealed keyring may ask for, in bytes (default 256 MiB): bounds a hostile file. */
  maxScryptMemoryBytes?: number;
  /**
   * Largest scrypt work a sealed keyring may ask for, 128·N·r·p bytes processed (default 1 GiB, 8× the default
   * cost): `p` multiplies the time without adding memory, so a hostile file within the memory bound could
   * otherwise ask for seconds of CPU per open.
   */
  maxScryptWorkBytes?: number;
}

/** Default scrypt cost for sealing. */
export const DEFAULT_KEYRING_SCRYPT: Readonly<KeyringScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
const FORMAT = 'bulwark-keyring-sealed';
const MAX_SEALED_CHARS = 2 * 1024 * 1024;
const DEFAULT_MAX_MEMORY = 256 * 1024 * 1024;
const DEFAULT_MAX_WORK = 2 ** 30;
/** Salt bounds when opening: sealKeyring writes 16 bytes; anything far longer is a hostile or corrupt file. */
const MIN_SALT_BYTES = 16;
const MAX_SALT_BYTES = 64;
/** Unpadded base64url characters of MAX_SALT_BYTES, so an over-long salt is refused before it is decoded. */
const MAX_SALT_CHARS = Math.ceil((MAX_SALT_BYTES * 4) / 3);

function invalid(message: string, cause?: unknown): BulwarkError {
  return new BulwarkError('KEYRING_INVALID', message, cause === undefined ? {} : { cause });
}

function checkScrypt(params: KeyringScryptParams, maxMemory: number, maxWork: number, minN: number): void {
  const { N, r, p } = params;
  const ok =
    Number.isInteger(N) &&
    N >= minN &&
    N <= 2 ** 22 &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= 32 &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= 16 &&
    isScryptNWithinRfcBound(N, r) &&
    scryptMemory(N, r, p) <= maxMemory &&
    128 * N * r * p <= maxWork;
  if (!ok)
    throw invalid(
      `scrypt parameters out of bounds (N power of two ≥ ${minN} and below 2^(16·r), r ≤ 32, p ≤ 16, memory and work limits)`,
    );
}

type Header = {
  format: string;
  version: number;
  kdf: 'none' | 'scrypt';
  N?: number;
  r?: number;
  p?: number;
  salt?: string;
};

async function wrappingKey(secret: KeyringSecret, header: Header): Promise<Uint8Array> {
  if (typeof secret !== 'object' || secret === null) throw invalid('secret must be { masterKey } or { passphrase }');
  if ('masterKey' in secret) {
    if (header.kdf !== 'none') throw invalid('this keyring is sealed with a passphrase');
    if (!isBytes(secret.masterKey) || secret.masterKey.length !== 32) throw invalid('masterKey must be 32 bytes');
    return new Uint8Array(secret.masterKey);
  }
  if (header.kdf !== 'scrypt') throw invalid('this keyring is sealed with a master key');
  if (typeof secret.passphrase !== 'string' || secret.passphrase.length === 0 || secret.passphrase.length > 4096) {
    throw invalid('passphrase must be a non-empty string up to 4096 characters');
  }
  // NFC: the same passphrase typed on two systems must give the same key.
  const password = encodeUtf8(secret.passphrase.normalize('NFC'));
  try {
    const salt = decodeBase64Url(header.salt as string);
    return await scrypt(password, salt, {
      N: header.N as number,
      r: header.r as number,
      p: header.p as number,
      dkLen: 32,
    });
  } finally {
    wipe(password);
  }
}

function aadOf(header: Header): Uint8Array {
  return encodeContext(header as unknown as Record<string, string | number>);
}

/**
 * Seals the keyring's JSON with AES-256-GCM under a master key or a passphrase-derived key (scrypt, its
 * parameters and salt recorded in the output and authenticated). The result is JSON text to keep in a file or
 * a database row.
 * @throws BulwarkError KEYRING_INVALID for a bad secret or scrypt parameters
 * @example
 * const sealed = await sealKeyring(keyring, { masterKey: decodeBase64Url(process.env.KEYRING_MASTER_KEY!) });
 */
export async function sealKeyring(
  keyring: Keyring,
  secret: KeyringSecret,
  optionsArg: SealKeyringOptions = {},
): Promise<string> {
  const options = readOptions<SealKeyringOptions>(optionsArg);
  const json = encodeUtf8(serializeKeyring(keyring));
  let key: Uint8Array | undefined;
  // From here every exit wipes the encoded keyring, a refused secret or scrypt setting included.
  try {
    let header: Header;
    if (typeof secret === 'object' && secret !== null && 'passphrase' in secret) {
      const params = options.scrypt ?? DEFAULT_KEYRING_SCRYPT;
      checkScrypt(
        params,
        Number.MAX_SAFE_INTEGER,
        Number.MAX_SAFE_INTEGER,
        options.unsafeAllowWeakScrypt === true ? 2 : 2 ** 15,
      );
      header = {
        format: FORMAT,
        version: 1,
        kdf: 'scrypt',
        N: params.N,
        r: params.r,
        p: params.p,
        salt: encodeBase64Url(randomBytes(16)),
      };
    } else header = { format: FORMAT, version: 1, kdf: 'none' };
    key = await wrappingKey(secret, header);
    const iv = randomBytes(12);
    // Borrowed: the handle does not outlive this block, and `key` is wiped below, leaving no copy behind.
    const sealed = await importAesGcmKey(key, true).seal(iv, json, aadOf(header));
    return JSON.stringify({ ...header, iv: encodeBase64Url(iv), ciphertext: encodeBase64Url(sealed) });
  } finally {
    if (key !== undefined) wipe(key);
    wipe(json);
  }
}

/**
 * Opens what {@link sealKeyring} wrote. scrypt parameters are checked against `maxScryptMemoryBytes` first.
 * @throws BulwarkError KEYRING_INVALID for malformed input, a wrong master key or passphrase, or an invalid keyring
 * @example
 * const keyring = await openKeyring(sealed, { passphrase: process.env.KEYRING_PASSPHRASE! });
 */
export async function openKeyring(
  sealed: string,
  secret: KeyringSecret,
  optionsArg: OpenKeyringOptions = {},
): Promise<Keyring> {
  const options = readOptions<OpenKeyringOptions>(optionsArg);
  // Checked before the file is read: a bad bound is the caller's configuration, not a malformed keyring.
  const maxMemory = assertIntegerInRange(
    options.maxScryptMemoryBytes ?? DEFAULT_MAX_MEMORY,
    'maxScryptMemoryBytes',
    1,
    2 ** 40,
  );
  const maxWork = assertIntegerInRange(
    options.maxScryptWorkBytes ?? DEFAULT_MAX_WORK,
    'maxScryptWorkBytes',
    1,
    2 ** 44,
  );
  if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_CHARS)
    throw invalid('sealed keyring must be a string up to 2 MiB');
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(sealed);
  } catch {
    throw invalid('sealed keyring does not parse');
  }
  if (typeof value !== 'object' || value === null || value.format !== FORMAT || value.version !== 1) {
    throw invalid('not a sealed bulwark keyring (version 1)');
  }
  let header: Header;
  let iv: Uint8Array;
  let ciphertext: Uint8Array;
  try {
    iv = decodeBase64Url(value.iv as string);
    ciphertext = decodeBase64Url(value.ciphertext as string);
    if (value.kdf === 'none') header = { format: FORMAT, version: 1, kdf: 'none' };
    else if (value.kdf === 'scrypt') {
      const { N, r, p, salt } = value as { N: number; r: number; p: number; salt: string };
      checkScrypt({ N, r, p }, maxMemory, maxWork, 2);
      const saltBytes = typeof salt === 'string' && salt.length <= MAX_SALT_CHARS ? decodeBase64Url(salt).length : 0;
      if (saltBytes < MIN_SALT_BYTES || saltBytes > MAX_SALT_BYTES) {
        throw invalid(`salt must be ${MIN_SALT_BYTES} to ${MAX_SALT_BYTES} bytes`);
      }
      header = { format: FORMAT, version: 1, kdf: 'scrypt', N, r, p, salt };
    } else throw invalid('unknown kdf');
  } catch (e) {
    throw e instanceof BulwarkError && e.code === 'KEYRING_INVALID' ? e : invalid('sealed keyring is malformed');
  }
  if (iv.length !== 12) throw invalid('sealed keyring is malformed');
  const aad = aadOf(header);
  let key: Uint8Array;
  try {
    key = await wrappingKey(secret, header);
  } catch (e) {
    // The parameters came from the file: whatever the KDF refuses is the file's fault (docs: KEYRING_INVALID).
    throw e instanceof BulwarkError && e.code === 'KEYRING_INVALID'
      ? e
      : invalid('sealed keyring key derivation failed', e);
  }
  try {
    // Borrowed: the handle does not outlive this block, and `key` is wiped below, leaving no copy behind.
    const json = await importAesGcmKey(key, true).open(iv, ciphertext, aad);
    if (json === null) throw invalid('sealed keyring cannot be opened: wrong master key or passphrase, or modified');
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(decodeUtf8(json));
      } catch {
        // Authentic yet not JSON: only a holder of the master key could seal that. No cause: V8's JSON error quotes
        // the text it failed on, and that text is key material.
        throw invalid('sealed keyring content is not JSON');
      }
      return keyringFromJson(parsed, options);
    } finally {
      wipe(json);
    }
  } finally {
    wipe(key);
  }
}
