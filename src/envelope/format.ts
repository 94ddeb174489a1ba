import { BulwarkError } from '../errors.js';
import { wipe } from '../internal/bytes.js';
import { type KeyEntry, type Keyring, keyringState } from './keyring.js';

/** Version byte of a one-shot envelope and of a stream header: different, so one is never read as the other. */
export const ENVELOPE_VERSION = 1;
export const STREAM_VERSION = 2;
/** The text form is this prefix followed by base64url of the envelope bytes. */
export const ENVELOPE_TEXT_PREFIX = 'bwe1.';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;
/** Wrapped keys longer than this are refused: local ones are 60 bytes, KMS ciphertexts a few hundred. */
export const MAX_WRAPPED_KEY_BYTES = 1024;

/** One fixed message per code: failures are no oracle, and never echo input. */
export function malformedEnvelope(): BulwarkError {
  return new BulwarkError('ENVELOPE_MALFORMED', 'envelope is malformed or truncated');
}

export function decryptFailed(): BulwarkError {
  return new BulwarkError('ENVELOPE_DECRYPT_FAILED', 'envelope decryption failed');
}

/** The key part every envelope and stream header starts with. */
export interface KeyHeader {
  keyId: string;
  /** version ‖ idLength ‖ id: the additional data the wrapped key is sealed with. */
  keyAad: Uint8Array;
  wrapped: Uint8Array;
  /** Offset of the first byte after the wrapped key. */
  end: number;
}

/** Bytes the key part takes: version(1) idLength(1) id(L) wrappedLength(2) wrapped(W). */
export function keyHeaderLength(entry: KeyEntry, wrapped: Uint8Array): number {
  return 4 + entry.idBytes.length + wrapped.length;
}

/** The additional data a data key is wrapped with: it binds the format version and the key id. */
export function keyAadFor(version: number, entry: KeyEntry): Uint8Array {
  const aad = new Uint8Array(2 + entry.idBytes.length);
  writeKeyAad(aad, version, entry);
  return aad;
}

/** Writes version ‖ idLength ‖ id (the key additional data, which is also how the key part starts); its length. */
export function writeKeyAad(out: Uint8Array, version: number, entry: KeyEntry): number {
  out[0] = version;
  out[1] = entry.idBytes.length;
  out.set(entry.idBytes, 2);
  return 2 + entry.idBytes.length;
}

/** Writes the key part at offset 0 of `out` (which the caller sized with keyHeaderLength). */
export function writeKeyHeader(out: Uint8Array, keyAad: Uint8Array, wrapped: Uint8Array): number {
  if (wrapped.length === 0 || wrapped.length > MAX_WRAPPED_KEY_BYTES) {
    throw new BulwarkError('CONFIG_INVALID', 'key provider returned a wrapped key outside 1..1024 bytes');
  }
  out.set(keyAad, 0);
  let o = keyAad.length;
  out[o++] = wrapped.length >>> 8;
  out[o++] = wrapped.length & 255;
  out.set(wrapped, o);
  return o + wrapped.length;
}

/** Reads the key part, or ENVELOPE_MALFORMED. Bytes after `end` are the caller's to check. */
export function readKeyHeader(bytes: Uint8Array, version: number): KeyHeader {
  if (bytes.length < 4 || bytes[0] !== version) throw malformedEnvelope();
  const idLength = bytes[1] as number;
  if (idLength === 0 || bytes.length < 4 + idLength) throw malformedEnvelope();
  let keyId = '';
  for (let i = 2; i < 2 + idLength; i++) {
    const c = bytes[i] as number;
    // The key id alphabet (see isKeyId): anything else cannot have been written by us.
    const ok =
      (c >= 48 && c <= 58) ||
      (c >= 64 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 43 && c <= 47) ||
      c === 61 ||
      c === 95;
    if (!ok || c === 44) throw malformedEnvelope();
    keyId += String.fromCharCode(c);
  }
  const at = 2 + idLength;
  const wrappedLength = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
  const end = at + 2 + wrappedLength;
  if (wrappedLength === 0 || wrappedLength > MAX_WRAPPED_KEY_BYTES || bytes.length < end) throw malformedEnvelope();
  return { keyId, keyAad: bytes.subarray(0, at), wrapped: bytes.subarray(at + 2, end), end };
}

/** The key named by an envelope, or KEY_NOT_FOUND / KEY_DISABLED. */
export function findKey(keyring: Keyring, keyId: string): KeyEntry {
  const entry = keyringState(keyring).entries.get(keyId);
  if (entry === undefined) {
    throw new BulwarkError('KEY_NOT_FOUND', 'the envelope names a key the keyring does not hold', {
      details: { keyId },
    });
  }
  if (entry.status === 'disabled') {
    throw new BulwarkError('KEY_DISABLED', 'the envelope names a disabled key', { details: { keyId } });
  }
  return entry;
}

/**
 * Unwraps a data key, or ENVELOPE_DECRYPT_FAILED. Synchronous when the key is local and the platform has a
 * synchronous AES-GCM (node:crypto), a promise otherwise: small envelopes then cost no promise hops.
 */
export function unwrapDataKey(entry: KeyEntry, header: KeyHeader): Uint8Array | Promise<Uint8Array> {
  const now = entry.unwrapSync(header.wrapped, header.keyAad);
  if (now !== undefined) return checkDataKey(now);
  return entry.unwrap(header.wrapped, header.keyAad).then(checkDataKey);
}

function checkDataKey(dataKey: Uint8Array | null): Uint8Array {
  if (dataKey === null) throw decryptFailed();
  if (dataKey.length !== DATA_KEY_BYTES) {
    wipe(dataKey); // A wrong-size key is still key material: leave no copy behind.
    throw decryptFailed();
  }
  return dataKey;
}
