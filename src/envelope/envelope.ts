import { encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { readOptions } from '../internal/assert.js';
import { type OwnedBytes, plainBytes, wipe } from '../internal/bytes.js';
import { hasSyncAesGcm, importAesGcmKey, takeRandomBytes, takeRandomBytesInto } from '../runtime/index.js';
import { EncodedContext, type EncryptionContext, encodeContext } from './context.js';
import {
  DATA_KEY_BYTES,
  decryptFailed,
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
import { decodeEnvelopeBase64, encodeEnvelopeBase64 } from './text.js';

/** Options of the one-shot envelope functions. */
export interface EnvelopeOptions {
  /** Where the data belongs, bound as additional data: decryption must pass the same context. */
  context?: EncryptionContext;
  /** Largest plaintext accepted, in bytes (default 64 MiB, at most 1 GiB); stream anything bigger. */
  maxBytes?: number;
}

/** Defaults of {@link EnvelopeOptions}. */
export const DEFAULT_ENVELOPE_OPTIONS = Object.freeze({ maxBytes: 64 * 1024 * 1024 });
const MAX_MAX_BYTES = 1024 * 1024 * 1024;
/** Room for the header on top of maxBytes when bounding a ciphertext: id ≤ 255, wrapped key ≤ 1024. */
const MAX_OVERHEAD = 4 + 255 + 1024 + IV_BYTES + TAG_BYTES;

export function readMaxBytes(options: EnvelopeOptions | undefined): number {
  const value = options?.maxBytes ?? DEFAULT_ENVELOPE_OPTIONS.maxBytes;
  if (!Number.isInteger(value) || value < 0 || value > MAX_MAX_BYTES) {
    throw new BulwarkError('CONFIG_INVALID', `maxBytes must be an integer from 0 to ${MAX_MAX_BYTES}`, {
      details: { parameter: 'maxBytes' },
    });
  }
  return value;
}

/**
 * Refuses an envelope, bytes or text, longer than any envelope of a `maxBytes` payload can be, before it is decoded
 * or parsed (base64url: 4 characters per 3 bytes, plus the prefix).
 */
export function assertEnvelopeWithin(envelope: Uint8Array | string, maxBytes: number): void {
  const limit = maxBytes + MAX_OVERHEAD;
  if (typeof envelope === 'string' ? envelope.length > (limit * 4) / 3 + 8 : envelope.length > limit) {
    throw envelopeTooLarge(maxBytes);
  }
}

export function envelopeTooLarge(maxBytes: number): BulwarkError {
  return new BulwarkError('ENVELOPE_TOO_LARGE', 'input exceeds maxBytes: use encryptStream for large data', {
    details: { maxBytes },
  });
}

/** Additional data of the payload: the version and the context, never the key part (so rewrap can change it). */
function dataAad(context: EncryptionContext | EncodedContext | undefined): Uint8Array {
  if (!(context instanceof EncodedContext)) {
    const aad = encodeContext(context, false, 1);
    aad[0] = ENVELOPE_VERSION;
    return aad;
  }
  const aad = new Uint8Array(1 + context.bytes.length);
  aad[0] = ENVELOPE_VERSION;
  aad.set(context.bytes, 1);
  return aad;
}

function plaintextBytes(plaintext: Uint8Array | string): Uint8Array {
  return typeof plaintext === 'string' ? encodeUtf8(plaintext) : plainBytes(plaintext, 'plaintext');
}

/**
 * Encrypts with a pre-encoded context (encryptFields passes one that holds a reserved `$field`). Returns bytes
 * synchronously when every step can be synchronous (local key, node:crypto), else a promise.
 */
export function sealEnvelope(
  keyring: Keyring,
  plaintext: Uint8Array | string,
  context: EncryptionContext | EncodedContext | undefined,
  options: EnvelopeOptions | undefined,
): Uint8Array | Promise<Uint8Array> {
  return seal(keyring, plaintext, context, options, undefined);
}

/**
 * sealEnvelope straight to the text form. Synchronously, a small envelope is built in a reused scratch array and
 * encoded before this returns, so it never escapes: an array that would be read once is not allocated.
 */
export function sealEnvelopeToText(
  keyring: Keyring,
  plaintext: Uint8Array | string,
  context: EncryptionContext | EncodedContext | undefined,
  options: EnvelopeOptions | undefined,
): string | Promise<string> {
  const sealed = seal(keyring, plaintext, context, options, textScratch);
  return sealed instanceof Promise ? sealed.then(envelopeToText) : envelopeToText(sealed);
}

const textScratch = new Uint8Array(new ArrayBuffer(4096));

function seal(
  keyring: Keyring,
  plaintext: Uint8Array | string,
  context: EncryptionContext | EncodedContext | undefined,
  options: EnvelopeOptions | undefined,
  scratch: Uint8Array | undefined,
): Uint8Array | Promise<Uint8Array> {
  const { primary } = keyringState(keyring);
  const maxBytes = readMaxBytes(options);
  // Each UTF-16 unit encodes to at least one UTF-8 byte: a string longer than maxBytes is refused unencoded.
  if (typeof plaintext === 'string' && plaintext.length > maxBytes) throw envelopeTooLarge(maxBytes);
  const data = plaintextBytes(plaintext);
  if (data.length > maxBytes) throw envelopeTooLarge(maxBytes);
  const aad = dataAad(context);
  if (primary.wrappedBytes !== undefined && hasSyncAesGcm()) return sealInOneBuffer(primary, data, aad, scratch);
  return sealEnvelopeAsync(primary, takeRandomBytes(DATA_KEY_BYTES + IV_BYTES), data, aad);
}

/**
 * The data key of the synchronous path: one off-heap array, reused and wiped after every message (that path
 * never yields, so no two messages share it). Native code reads it in place, whereas a small fresh array lives
 * on the JavaScript heap and V8 moves it off-heap on first native use, which may leave an unwiped copy behind.
 */
const syncDataKey = new Uint8Array(new ArrayBuffer(DATA_KEY_BYTES));

/**
 * Additional data copied into one reused off-heap array right before a synchronous native call. A small new
 * array lives on the JavaScript heap, and handing it to native code makes V8 move it off-heap first, which costs
 * more than this copy. Only for synchronous calls: nothing may run between the copy and the call.
 */
const aadScratch = new Uint8Array(new ArrayBuffer(2048));
const SMALL_PLAINTEXT = 64;
function offHeap(aad: Uint8Array): Uint8Array {
  if (aad.length > aadScratch.length) return aad;
  aadScratch.set(aad);
  return aadScratch.subarray(0, aad.length);
}

/**
 * The whole envelope built in one pre-sized buffer (local key, synchronous AES-GCM): the key part, the wrapped
 * data key and the sealed payload are written in place, and the IVs and key additional data reach native code as
 * views of that buffer, with no intermediate arrays or copies.
 */
function sealInOneBuffer(
  primary: KeyEntry,
  data: Uint8Array,
  aad: Uint8Array,
  scratch: Uint8Array | undefined,
): Uint8Array {
  const wrappedBytes = primary.wrappedBytes as number;
  const keyAadEnd = 2 + primary.idBytes.length;
  const keyPart = keyAadEnd + 2 + wrappedBytes;
  const length = keyPart + IV_BYTES + data.length + TAG_BYTES;
  let out: Uint8Array | undefined;
  try {
    // Every byte of `out` is written below, so a reused scratch needs no clearing first.
    out = scratch !== undefined && length <= scratch.length ? scratch.subarray(0, length) : new Uint8Array(length);
    writeKeyAad(out, ENVELOPE_VERSION, primary);
    out[keyAadEnd] = wrappedBytes >>> 8;
    out[keyAadEnd + 1] = wrappedBytes & 255;
    // Random bytes go straight from the pool to where they are used, with no small array in between.
    takeRandomBytesInto(out, keyPart, IV_BYTES);
    takeRandomBytesInto(syncDataKey, 0, DATA_KEY_BYTES);
    const wrapped = primary.wrapSyncInto(syncDataKey, out.subarray(0, keyAadEnd), out, keyAadEnd + 2);
    const iv = out.subarray(keyPart, keyPart + IV_BYTES);
    const at = keyPart + IV_BYTES;
    let input = data;
    if (data.length <= SMALL_PLAINTEXT) {
      // Small arrays live on the JavaScript heap (see offHeap): copied where its ciphertext goes, the plaintext
      // reaches native code as a view of this off-heap buffer, and the ciphertext then overwrites it.
      out.set(data, at);
      input = out.subarray(at, at + data.length);
    }
    const sealed = importAesGcmKey(syncDataKey, true).sealSyncInto(iv, input, offHeap(aad), out, at);
    // Both hold when this path is taken (checked by the caller); never return a half-written envelope.
    if (!wrapped || !sealed) throw new BulwarkError('RUNTIME_UNSUPPORTED', 'synchronous AES-GCM became unavailable');
    return out;
  } catch (e) {
    // It may hold the plaintext copied in above.
    if (out !== undefined) wipe(out);
    throw e;
  } finally {
    wipe(syncDataKey);
  }
}

async function sealEnvelopeAsync(
  primary: KeyEntry,
  fresh: Uint8Array,
  data: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  try {
    const dataKey = fresh.subarray(0, DATA_KEY_BYTES);
    const iv = fresh.subarray(DATA_KEY_BYTES);
    const keyAad = keyAadFor(ENVELOPE_VERSION, primary);
    const wrapped = await primary.wrap(dataKey, keyAad);
    const keyPart = keyHeaderLength(primary, wrapped);
    const out = await importAesGcmKey(dataKey, true).seal(iv, data, aad, keyPart + IV_BYTES);
    writeKeyHeader(out, keyAad, wrapped);
    out.set(iv, keyPart);
    return out;
  } finally {
    wipe(fresh);
  }
}

/** Parses an envelope's layout (key part, data IV, sealed payload) from checked bytes. */
function readEnvelope(envelope: Uint8Array): { header: KeyHeader; iv: Uint8Array; sealed: Uint8Array } {
  const header = readKeyHeader(envelope, ENVELOPE_VERSION);
  if (envelope.length < header.end + IV_BYTES + TAG_BYTES) throw malformedEnvelope();
  return {
    header,
    iv: envelope.subarray(header.end, header.end + IV_BYTES),
    sealed: envelope.subarray(header.end + IV_BYTES),
  };
}

/** Decrypts with a pre-encoded context; synchronously where the platform allows, as sealEnvelope. */
export function openEnvelope(
  keyring: Keyring,
  envelope: Uint8Array,
  context: EncryptionContext | EncodedContext | undefined,
  options: EnvelopeOptions | undefined,
): Uint8Array | Promise<Uint8Array> {
  keyringState(keyring);
  const maxBytes = readMaxBytes(options);
  return openBounded(keyring, plainBytes(envelope, 'envelope'), context, maxBytes);
}

/** openEnvelope once the keyring, maxBytes and the envelope (plain bytes: ours, or the caller's checked) are. */
function openBounded(
  keyring: Keyring,
  envelope: Uint8Array,
  context: EncryptionContext | EncodedContext | undefined,
  maxBytes: number,
): Uint8Array | Promise<Uint8Array> {
  // The cheap bound refuses a huge input before parsing; the exact one (payload vs maxBytes) needs the header.
  assertEnvelopeWithin(envelope, maxBytes);
  const aad = dataAad(context);
  const { header, iv, sealed } = readEnvelope(envelope);
  if (sealed.length - TAG_BYTES > maxBytes) throw envelopeTooLarge(maxBytes);
  const dataKey = unwrapDataKey(findKey(keyring, header.keyId), header);
  if (dataKey instanceof Promise) return dataKey.then((key) => openPayload(key, iv, sealed, aad));
  return openPayload(dataKey, iv, sealed, aad);
}

/** Opens the payload and wipes the data key once done (or failed). */
function openPayload(
  dataKey: Uint8Array,
  iv: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  const aes = importAesGcmKey(dataKey, true);
  let now: Uint8Array | null | undefined;
  try {
    now = aes.openSync(iv, sealed, offHeap(aad));
  } catch (e) {
    wipe(dataKey);
    throw e;
  }
  if (now === undefined) {
    return aes.open(iv, sealed, aad).then(
      (plaintext) => authentic(plaintext, dataKey),
      (e) => {
        wipe(dataKey);
        throw e;
      },
    );
  }
  return authentic(now, dataKey);
}

function authentic(plaintext: Uint8Array | null, dataKey: Uint8Array): Uint8Array {
  wipe(dataKey);
  if (plaintext === null) throw decryptFailed();
  return plaintext;
}

/**
 * Encrypts `plaintext` (bytes, or a string as UTF-8) under a fresh 256-bit data key, itself sealed under the
 * keyring's primary key; both with AES-256-GCM. The context is bound: decryption needs the same one.
 * @throws BulwarkError ENVELOPE_TOO_LARGE above maxBytes; INPUT_INVALID for a bad context or plaintext
 * @example
 * const sealed = await encryptEnvelope(keyring, 'alice@example.com', { context: { table: 'users', id: 42 } });
 */
export async function encryptEnvelope(
  keyring: Keyring,
  plaintext: Uint8Array | string,
  options?: EnvelopeOptions,
): Promise<OwnedBytes> {
  const o = readOptions<EnvelopeOptions>(options);
  // Owned: a fresh array (or the platform cipher's output), never the caller's memory, so never a SharedArrayBuffer.
  return sealEnvelope(keyring, plaintext, o?.context, o) as OwnedBytes | Promise<OwnedBytes>;
}

/**
 * Decrypts an envelope made by {@link encryptEnvelope}, with the same context.
 * @throws BulwarkError ENVELOPE_MALFORMED, ENVELOPE_DECRYPT_FAILED (wrong context, key or any changed byte; one
 * fixed message), KEY_NOT_FOUND, KEY_DISABLED, ENVELOPE_TOO_LARGE
 * @example
 * const bytes = await decryptEnvelope(keyring, sealed, { context: { table: 'users', id: 42 } });
 */
export async function decryptEnvelope(
  keyring: Keyring,
  envelope: Uint8Array,
  options?: EnvelopeOptions,
): Promise<OwnedBytes> {
  const o = readOptions<EnvelopeOptions>(options);
  // Owned: what the platform cipher returned (a fresh ArrayBuffer), never a view of the caller's envelope.
  return openEnvelope(keyring, envelope, o?.context, o) as OwnedBytes | Promise<OwnedBytes>;
}

/** The text form of an envelope: `bwe1.` ‖ base64url(bytes). */
export function envelopeToText(envelope: Uint8Array): string {
  return ENVELOPE_TEXT_PREFIX + encodeEnvelopeBase64(envelope);
}

/** Bytes of an envelope's text form, or ENVELOPE_MALFORMED (wrong prefix, bad base64url). */
export function envelopeFromText(text: string): Uint8Array {
  if (typeof text !== 'string' || !text.startsWith(ENVELOPE_TEXT_PREFIX)) throw malformedEnvelope();
  const bytes = decodeEnvelopeBase64(text, ENVELOPE_TEXT_PREFIX.length);
  if (bytes === undefined) throw malformedEnvelope();
  return bytes;
}

/**
 * {@link encryptEnvelope} to text for a database column: `bwe1.` followed by base64url.
 * @throws BulwarkError ENVELOPE_TOO_LARGE, INPUT_INVALID
 * @example
 * const column = await encryptEnvelopeToString(keyring, 'alice@example.com', { context: { id: 42 } });
 */
export async function encryptEnvelopeToString(
  keyring: Keyring,
  plaintext: Uint8Array | string,
  options?: EnvelopeOptions,
): Promise<string> {
  const o = readOptions<EnvelopeOptions>(options);
  return sealEnvelopeToText(keyring, plaintext, o?.context, o);
}

/**
 * Decrypts the text form made by {@link encryptEnvelopeToString}; returns the plaintext bytes
 * (`decodeUtf8` them for text).
 * @throws BulwarkError ENVELOPE_MALFORMED, ENVELOPE_DECRYPT_FAILED, KEY_NOT_FOUND, KEY_DISABLED, ENVELOPE_TOO_LARGE
 * @example
 * const email = decodeUtf8(await decryptEnvelopeFromString(keyring, column, { context: { id: 42 } }));
 */
export async function decryptEnvelopeFromString(
  keyring: Keyring,
  text: string,
  options?: EnvelopeOptions,
): Promise<OwnedBytes> {
  const o = readOptions<EnvelopeOptions>(options);
  return openEnvelopeText(keyring, text, o?.context, o) as OwnedBytes | Promise<OwnedBytes>;
}

/** openEnvelope for the text form, its length bounded before it is decoded (base64url: 4 characters per 3 bytes). */
export function openEnvelopeText(
  keyring: Keyring,
  text: string,
  context: EncryptionContext | EncodedContext | undefined,
  options: EnvelopeOptions | undefined,
): Uint8Array | Promise<Uint8Array> {
  keyringState(keyring);
  const maxBytes = readMaxBytes(options);
  if (typeof text === 'string') assertEnvelopeWithin(text, maxBytes);
  return openBounded(keyring, envelopeFromText(text), context, maxBytes);
}
