import { readOptions } from '../internal/assert.js';
import { concatBytes, plainBytes, wipe } from '../internal/bytes.js';
import {
  assertEnvelopeWithin,
  type EnvelopeOptions,
  envelopeFromText,
  envelopeTooLarge,
  envelopeToText,
  openEnvelope,
  openEnvelopeText,
  readMaxBytes,
  sealEnvelope,
  sealEnvelopeToText,
} from './envelope.js';
import {
  ENVELOPE_TEXT_PREFIX,
  ENVELOPE_VERSION,
  findKey,
  IV_BYTES,
  type KeyHeader,
  keyAadFor,
  keyHeaderLength,
  malformedEnvelope,
  readKeyHeader,
  TAG_BYTES,
  unwrapDataKey,
  writeKeyAad,
  writeKeyHeader,
} from './format.js';
import { type KeyEntry, type Keyring, keyringState } from './keyring.js';
import { encodeEnvelopeBase64 } from './text.js';

/** An envelope in either form; rotation functions return the form they were given. */
export type StoredEnvelope = Uint8Array | string;

/** Options of {@link rewrap}. */
export interface RewrapOptions {
  /**
   * Bytes only: when the new key part has the old one's length (same key id length, local keys), overwrite it in
   * the given array and return that array, instead of copying the payload. For rotation jobs that own the buffer.
   */
  inPlace?: boolean;
  /**
   * Largest payload the envelope may carry, as for decryption (default 64 MiB): a longer envelope is refused before
   * any work. The payload is not decrypted here, so without a bound a junk tail of any length would be copied.
   */
  maxBytes?: number;
}

const PREFIX_CHARS = ENVELOPE_TEXT_PREFIX.length;
/** 1302 bytes: the largest key part (4 + 255 + 1024) and then some; a multiple of 4 characters, so valid alone. */
const HEAD_CHARS = 1736;

/**
 * An envelope as given, or its bytes as a plain view (see plainBytes): nothing a caller defined runs while rotation
 * works on it.
 */
function storedInput(envelope: StoredEnvelope): string | Uint8Array {
  return typeof envelope === 'string' ? envelope : plainBytes(envelope, 'envelope');
}

/** The key part of an envelope and its length in bytes, decoding only the head of a long text form. */
function readHead(envelope: string | Uint8Array): { bytes: Uint8Array; header: KeyHeader; length: number } {
  if (typeof envelope !== 'string')
    return { bytes: envelope, header: readKeyPart(envelope, envelope.length), length: envelope.length };
  if (envelope.length <= PREFIX_CHARS + HEAD_CHARS) {
    const bytes = envelopeFromText(envelope);
    return { bytes, header: readKeyPart(bytes, bytes.length), length: bytes.length };
  }
  const bytes = envelopeFromText(envelope.slice(0, PREFIX_CHARS + HEAD_CHARS));
  // Unpadded base64url: n characters carry floor(3n / 4) bytes.
  const length = Math.floor(((envelope.length - PREFIX_CHARS) * 3) / 4);
  return { bytes, header: readKeyPart(bytes, length), length };
}

/** The key part of an envelope `length` bytes long (its head in `bytes`), which must leave room for IV and tag. */
function readKeyPart(bytes: Uint8Array, length: number): KeyHeader {
  const header = readKeyHeader(bytes, ENVELOPE_VERSION);
  if (length < header.end + IV_BYTES + TAG_BYTES) throw malformedEnvelope();
  return header;
}

/**
 * True when the envelope's data key is sealed under a key other than the keyring's primary (so `rewrap` would
 * change it). Reads the header only: no decryption, no key needed.
 * @throws BulwarkError ENVELOPE_MALFORMED
 * @example
 * if (needsRotation(row.email, keyring)) row.email = await rewrap(row.email, keyring);
 */
export function needsRotation(envelope: StoredEnvelope, keyring: Keyring): boolean {
  const { primary } = keyringState(keyring);
  return readHead(storedInput(envelope)).header.keyId !== primary.id;
}

function replaceKeyPart(bytes: Uint8Array, oldEnd: number, keyPart: Uint8Array, inPlace: boolean): Uint8Array {
  if (inPlace && keyPart.length === oldEnd) {
    bytes.set(keyPart, 0);
    return bytes;
  }
  const out = new Uint8Array(keyPart.length + bytes.length - oldEnd);
  out.set(keyPart, 0);
  out.set(bytes.subarray(oldEnd), keyPart.length);
  return out;
}

/**
 * base64url turns each 3 bytes into 4 characters. When the old and new key parts end at the same offset mod 3,
 * everything after them encodes to the same characters: re-encode a few bytes and reuse the rest of the text
 * (V8 slices and joins long strings without copying them). Otherwise decode and encode it all.
 */
function replaceTextKeyPart(text: string, head: Uint8Array, oldEnd: number, keyPart: Uint8Array): string {
  const align = (3 - (keyPart.length % 3)) % 3;
  if ((oldEnd + align) % 3 !== 0) return envelopeToText(replaceKeyPart(envelopeFromText(text), oldEnd, keyPart, false));
  const joined = concatBytes(keyPart, head.subarray(oldEnd, oldEnd + align));
  return ENVELOPE_TEXT_PREFIX + encodeEnvelopeBase64(joined) + text.slice(PREFIX_CHARS + ((oldEnd + align) / 3) * 4);
}

/**
 * Re-seals only the data key under the keyring's primary key: no context is needed, and the payload (still bound
 * to its context) is kept byte for byte, so the cost does not grow with the payload beyond one copy (none for
 * text whose key id keeps its length mod 3, or bytes with `inPlace`). Returns the input form; an envelope
 * already under the primary is returned as is. The payload is neither decrypted nor validated here (decryption
 * authenticates it); the data key is.
 * @throws BulwarkError ENVELOPE_MALFORMED, ENVELOPE_TOO_LARGE, ENVELOPE_DECRYPT_FAILED, KEY_NOT_FOUND, KEY_DISABLED
 * @example
 * const rotated = await rewrap(stored, keyring);
 */
export async function rewrap<T extends StoredEnvelope>(
  envelope: T,
  keyring: Keyring,
  optionsArg: RewrapOptions = {},
): Promise<T> {
  const options = readOptions<RewrapOptions>(optionsArg);
  const { primary } = keyringState(keyring);
  const maxBytes = readMaxBytes(options);
  const input = storedInput(envelope);
  assertEnvelopeWithin(input, maxBytes);
  const { bytes, header, length } = readHead(input);
  // The exact bound, as decryption applies it: the payload this envelope carries.
  if (length - header.end - IV_BYTES - TAG_BYTES > maxBytes) throw envelopeTooLarge(maxBytes);
  if (header.keyId === primary.id) return envelope;
  // Awaited only when it is a promise: a local key unwraps and wraps synchronously, with no microtask in between.
  const unwrapped = unwrapDataKey(findKey(keyring, header.keyId), header);
  const dataKey = unwrapped instanceof Promise ? await unwrapped : unwrapped;
  let keyPart: Uint8Array;
  try {
    keyPart = keyPartSync(primary, dataKey) ?? (await keyPartAsync(primary, dataKey));
  } finally {
    wipe(dataKey);
  }
  // A key part from keyPartSync is a view of a shared scratch: it is used up below, before anything can yield.
  if (typeof envelope === 'string') return replaceTextKeyPart(envelope, bytes, header.end, keyPart) as T;
  const out = replaceKeyPart(bytes, header.end, keyPart, options.inPlace === true);
  // In place, the caller's own array comes back (bytes is a plain view of it, see plainBytes).
  return (out === bytes ? envelope : out) as T;
}

/** Room for the largest local key part: version, id length, id (≤ 255), wrapped length, wrapped key. */
const keyPartScratch = new Uint8Array(new ArrayBuffer(4 + 255 + 128));

/**
 * The new key part for a local primary, built in one reused off-heap array: its key additional data reaches
 * native code as a view of it (a fresh small array would be moved off-heap first, which costs more than the
 * wrap's own allocations), and the wrapped key is written in place. Undefined where wrapping is not synchronous.
 */
function keyPartSync(primary: KeyEntry, dataKey: Uint8Array): Uint8Array | undefined {
  const wrappedBytes = primary.wrappedBytes;
  if (wrappedBytes === undefined || 4 + primary.idBytes.length + wrappedBytes > keyPartScratch.length) {
    return undefined;
  }
  const keyAadEnd = writeKeyAad(keyPartScratch, ENVELOPE_VERSION, primary);
  keyPartScratch[keyAadEnd] = wrappedBytes >>> 8;
  keyPartScratch[keyAadEnd + 1] = wrappedBytes & 255;
  const keyAad = keyPartScratch.subarray(0, keyAadEnd);
  if (!primary.wrapSyncInto(dataKey, keyAad, keyPartScratch, keyAadEnd + 2)) return undefined;
  return keyPartScratch.subarray(0, keyAadEnd + 2 + wrappedBytes);
}

async function keyPartAsync(primary: KeyEntry, dataKey: Uint8Array): Promise<Uint8Array> {
  const keyAad = keyAadFor(ENVELOPE_VERSION, primary);
  const wrapped = await primary.wrap(dataKey, keyAad);
  const keyPart = new Uint8Array(keyHeaderLength(primary, wrapped));
  writeKeyHeader(keyPart, keyAad, wrapped);
  return keyPart;
}

/**
 * Decrypts and encrypts again under the primary key with a fresh data key: use it when the data key itself must
 * change (a data key suspected exposed); `rewrap` is the cheap rotation. Returns the input form.
 * @throws BulwarkError as decryptEnvelope and encryptEnvelope
 * @example
 * const fresh = await reencrypt(stored, keyring, { context: { table: 'users', id: 42 } });
 */
export async function reencrypt<T extends StoredEnvelope>(
  envelope: T,
  keyring: Keyring,
  optionsArg?: EnvelopeOptions,
): Promise<T> {
  const options = readOptions<EnvelopeOptions>(optionsArg);
  const plaintext =
    typeof envelope === 'string'
      ? await openEnvelopeText(keyring, envelope, options?.context, options)
      : await openEnvelope(keyring, envelope, options?.context, options);
  try {
    if (typeof envelope === 'string')
      return (await sealEnvelopeToText(keyring, plaintext, options?.context, options)) as T;
    return (await sealEnvelope(keyring, plaintext, options?.context, options)) as T;
  } finally {
    wipe(plaintext);
  }
}
