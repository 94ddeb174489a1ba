import { BulwarkError, isBulwarkError } from '../errors.js';
import { wipe } from '../internal/bytes.js';
import {
  type EnvelopeOptions,
  envelopeFromText,
  envelopeToText,
  openEnvelope,
  readEnvelope,
  sealEnvelope,
} from './envelope.js';
import { ENVELOPE_VERSION, findKey, keyAadFor, keyHeaderLength, unwrapDataKey, writeKeyHeader } from './format.js';
import { type Keyring, keyringState } from './keyring.js';

/** An envelope in either form; rotation functions return the form they were given. */
export type StoredEnvelope = Uint8Array | string;

function toBytes(envelope: StoredEnvelope): Uint8Array {
  return typeof envelope === 'string' ? envelopeFromText(envelope) : envelope;
}

function like(original: StoredEnvelope, bytes: Uint8Array): StoredEnvelope {
  return typeof original === 'string' ? envelopeToText(bytes) : bytes;
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
  return readEnvelope(toBytes(envelope)).header.keyId !== primary.id;
}

/**
 * Re-seals only the data key under the keyring's primary key: the cost does not depend on the payload size, and
 * no context is needed because the payload (still bound to its context) is copied unchanged. Returns the input
 * form (bytes or text); an envelope already under the primary is returned as is.
 * The payload is not authenticated here (decryption does that); the data key is.
 * @throws BulwarkError ENVELOPE_MALFORMED, ENVELOPE_DECRYPT_FAILED, KEY_NOT_FOUND, KEY_DISABLED
 * @example
 * const rotated = await rewrap(stored, keyring);
 */
export async function rewrap<T extends StoredEnvelope>(envelope: T, keyring: Keyring): Promise<T> {
  const { primary } = keyringState(keyring);
  const bytes = toBytes(envelope);
  const { header } = readEnvelope(bytes);
  if (header.keyId === primary.id) return envelope;
  const dataKey = await unwrapDataKey(findKey(keyring, header.keyId), header);
  try {
    const keyAad = keyAadFor(ENVELOPE_VERSION, primary);
    const wrapped = await primary.wrap(dataKey, keyAad);
    const head = keyHeaderLength(primary, wrapped);
    const out = new Uint8Array(head + bytes.length - header.end);
    writeKeyHeader(out, keyAad, wrapped);
    out.set(bytes.subarray(header.end), head);
    return like(envelope, out) as T;
  } finally {
    wipe(dataKey);
  }
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
  options?: EnvelopeOptions,
): Promise<T> {
  const plaintext = await openEnvelope(keyring, toBytes(envelope), options?.context, options);
  try {
    return like(envelope, await sealEnvelope(keyring, plaintext, options?.context, options)) as T;
  } finally {
    wipe(plaintext);
  }
}

/** One record for {@link rotateAll}: your identifier and the stored envelope. */
export interface RotationRecord<Id> {
  id: Id;
  envelope: StoredEnvelope;
}

/** Counts reported to `onProgress` and returned by {@link rotateAll}. */
export interface RotationProgress {
  processed: number;
  rewrapped: number;
  /** Already under the primary key. */
  skipped: number;
  failed: number;
}

/** What {@link rotateAll} returns: the counts and the first `maxFailures` failures. */
export interface RotateAllResult<Id> extends RotationProgress {
  failures: { id: Id; code: string; message: string }[];
}

/** Options of {@link rotateAll}. */
export interface RotateAllOptions<Id> {
  /** Persists a rewrapped envelope (same form as read). A throw counts as that record's failure. */
  save: (id: Id, envelope: StoredEnvelope) => unknown;
  /** Called after each record. */
  onProgress?: (progress: Readonly<RotationProgress>) => void;
  /** Failures kept in the result (all are counted); default 1000. */
  maxFailures?: number;
}

/**
 * Rewraps every record not yet under the primary key, one at a time, from an array, generator or async
 * generator (a database cursor): memory stays flat. A failing record (tampered, unknown key, save error) is
 * recorded and the run goes on.
 * @throws BulwarkError CONFIG_INVALID when `save` is missing
 * @example
 * const result = await rotateAll(rows, keyring, { save: (id, envelope) => db.update(id, envelope) });
 */
export async function rotateAll<Id>(
  records: Iterable<RotationRecord<Id>> | AsyncIterable<RotationRecord<Id>>,
  keyring: Keyring,
  options: RotateAllOptions<Id>,
): Promise<RotateAllResult<Id>> {
  keyringState(keyring);
  if (typeof options?.save !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'rotateAll needs a save(id, envelope) function', {
      details: { parameter: 'save' },
    });
  }
  const maxFailures = options.maxFailures ?? 1000;
  const result: RotateAllResult<Id> = { processed: 0, rewrapped: 0, skipped: 0, failed: 0, failures: [] };
  for await (const record of records) {
    try {
      const envelope = record.envelope;
      if (!needsRotation(envelope, keyring)) result.skipped++;
      else {
        await options.save(record.id, await rewrap(envelope, keyring));
        result.rewrapped++;
      }
    } catch (e) {
      result.failed++;
      if (result.failures.length < maxFailures) {
        const code = isBulwarkError(e) ? e.code : 'UNKNOWN';
        result.failures.push({ id: record?.id, code, message: e instanceof Error ? e.message : String(e) });
      }
    }
    result.processed++;
    options.onProgress?.({
      processed: result.processed,
      rewrapped: result.rewrapped,
      skipped: result.skipped,
      failed: result.failed,
    });
  }
  return result;
}
