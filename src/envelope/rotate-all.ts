import { BulwarkError, isBulwarkError } from '../errors.js';
import { assertIntegerInRange, readOptions } from '../internal/assert.js';
import { readMaxBytes } from './envelope.js';
import { type Keyring, keyringState } from './keyring.js';
import { needsRotation, rewrap, type StoredEnvelope } from './rotation.js';

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
  /** Failures kept in the result (all are counted), 0 to 1,000,000; default 1000. */
  maxFailures?: number;
  /** Largest payload a record's envelope may carry (default 64 MiB); a longer one is that record's failure. */
  maxBytes?: number;
}

const DEFAULT_MAX_FAILURES = 1000;
/** Bounds the memory the failure list can take on a table where every row fails. */
const MAX_MAX_FAILURES = 1_000_000;

function isIterable(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof v[Symbol.asyncIterator] === 'function' || typeof v[Symbol.iterator] === 'function';
}

/**
 * Rewraps every record not yet under the primary key, one at a time, from an array, generator or async
 * generator (a database cursor): memory stays flat. A failing record (tampered, unknown key, save error) is
 * recorded and the run goes on. Every argument is checked before the first record is read.
 * @throws BulwarkError INPUT_INVALID when `records` is not an iterable or async iterable object; CONFIG_INVALID
 * for a keyring not from createKeyring, a missing `save`, an `onProgress` that is not a function, a
 * `maxFailures` outside 0..1,000,000 or a bad `maxBytes` (`details.parameter` names it)
 * @example
 * const result = await rotateAll(rows, keyring, { save: (id, envelope) => db.update(id, envelope) });
 */
export async function rotateAll<Id>(
  records: Iterable<RotationRecord<Id>> | AsyncIterable<RotationRecord<Id>>,
  keyring: Keyring,
  options: RotateAllOptions<Id>,
): Promise<RotateAllResult<Id>> {
  keyringState(keyring);
  if (!isIterable(records)) {
    throw new BulwarkError('INPUT_INVALID', 'records must be an iterable or async iterable of { id, envelope }', {
      details: { parameter: 'records' },
    });
  }
  const o = readOptions<RotateAllOptions<Id>>(options);
  if (typeof o.save !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'rotateAll needs a save(id, envelope) function', {
      details: { parameter: 'save' },
    });
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new BulwarkError('CONFIG_INVALID', 'onProgress must be a function', { details: { parameter: 'onProgress' } });
  }
  const maxFailures = assertIntegerInRange(o.maxFailures ?? DEFAULT_MAX_FAILURES, 'maxFailures', 0, MAX_MAX_FAILURES);
  const maxBytes = readMaxBytes(o);
  const result: RotateAllResult<Id> = { processed: 0, rewrapped: 0, skipped: 0, failed: 0, failures: [] };
  for await (const record of records) {
    try {
      const envelope = record.envelope;
      if (!needsRotation(envelope, keyring)) result.skipped++;
      else {
        await o.save(record.id, await rewrap(envelope, keyring, { maxBytes }));
        result.rewrapped++;
      }
    } catch (e) {
      result.failed++;
      if (result.failures.length < maxFailures) {
        const code = isBulwarkError(e) ? e.code : 'UNKNOWN';
        result.failures.push({ id: record?.id, code, message: describeThrown(e) });
      }
    }
    result.processed++;
    o.onProgress?.({
      processed: result.processed,
      rewrapped: result.rewrapped,
      skipped: result.skipped,
      failed: result.failed,
    });
  }
  return result;
}

/** A thrown value's message; never throws itself (a prototype-less object has no string form). */
function describeThrown(e: unknown): string {
  try {
    return e instanceof Error ? String(e.message) : String(e);
  } catch {
    return 'a value with no string form was thrown';
  }
}
