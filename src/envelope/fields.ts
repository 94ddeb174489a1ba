import { decodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { readOptions } from '../internal/assert.js';
import { type EncryptionContext, extendContext } from './context.js';
import { openEnvelopeText, sealEnvelopeToText } from './envelope.js';
import type { Keyring } from './keyring.js';

/** Options of {@link encryptFields} and {@link decryptFields}. */
export interface EncryptFieldsOptions {
  keyring: Keyring;
  /** The record's context (e.g. `{ table: 'users', id: 42 }`); each field adds `$field: <name>` to it. */
  context?: EncryptionContext;
  /** Largest JSON encoding of one field, in bytes (default 64 MiB). */
  maxBytes?: number;
}

const MAX_FIELDS = 256;

function checkFields(object: unknown, fields: readonly string[]): Record<string, unknown> {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new BulwarkError('INPUT_INVALID', 'object must be a plain object', { details: { parameter: 'object' } });
  }
  if (!Array.isArray(fields) || fields.length > MAX_FIELDS || fields.some((f) => typeof f !== 'string' || f === '')) {
    throw new BulwarkError('INPUT_INVALID', `fields must be an array of at most ${MAX_FIELDS} field names`, {
      details: { parameter: 'fields' },
    });
  }
  return object as Record<string, unknown>;
}

/**
 * JSON text, not bytes: the envelope then refuses a text longer than maxBytes before encoding it. Only JSON values
 * are taken: JSON.stringify alone would turn NaN into null, a Date into a string, a Map or Set into {} and drop a
 * function, so decryptFields would hand back something else than was stored, without a word. (Plain JSON's own
 * rewrites pass, as docs/envelope.md says: undefined and symbol-keyed properties, -0, a plain object's toJSON.)
 */
function jsonText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, onlyJson);
  } catch {
    // onlyJson's refusal, a BigInt, a cycle or a throwing toJSON: all the caller's value.
    text = undefined;
  }
  if (text === undefined) throw notJson(field);
  return text;
}

/** What onlyJson throws; jsonText turns every throw into one INPUT_INVALID. */
const NOT_JSON = Symbol('not JSON');

/**
 * A JSON.stringify replacer that throws on anything but null, booleans, finite numbers, strings, arrays and plain
 * objects.
 */
function onlyJson(this: unknown, key: string, value: unknown): unknown {
  // `value` is after toJSON; the holder still has the original.
  const original = (this as Record<string, unknown>)[key];
  if (typeof value === 'number' && !Number.isFinite(value)) throw NOT_JSON;
  if (typeof original === 'function' || typeof original === 'symbol') throw NOT_JSON;
  if (original === undefined && Array.isArray(this)) throw NOT_JSON;
  if (typeof original === 'object' && original !== null && !Array.isArray(original)) {
    const proto = Object.getPrototypeOf(original);
    if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
  }
  return value;
}

function notJson(field: string): BulwarkError {
  return new BulwarkError(
    'INPUT_INVALID',
    'field value must be JSON: null, a boolean, a finite number, a string, or arrays and plain objects of them',
    { details: { field } },
  );
}

/**
 * A copy of `object` whose listed fields hold envelope text (`bwe1.…`) instead of their values. Each value may be
 * any JSON value; each is bound to the context plus its own field name, so two fields cannot be swapped. Fields
 * absent from the object (or `undefined`) are left out; other fields are copied untouched.
 * @throws BulwarkError INPUT_INVALID for a non-JSON value or a bad context; ENVELOPE_TOO_LARGE
 * @example
 * const row = await encryptFields(user, ['email', 'phone'], { keyring, context: { table: 'users', id: user.id } });
 */
export async function encryptFields<T extends object, K extends keyof T & string>(
  object: T,
  fields: readonly K[],
  optionsArg: EncryptFieldsOptions,
): Promise<Omit<T, K> & { [P in K]: string }> {
  const options = readOptions<EncryptFieldsOptions>(optionsArg);
  const source = checkFields(object, fields);
  const out: Record<string, unknown> = { ...source };
  for (const field of new Set(fields)) {
    if (!Object.hasOwn(source, field) || source[field] === undefined) continue;
    const aad = extendContext(options.context, '$field', field);
    out[field] = await sealEnvelopeToText(options.keyring as Keyring, jsonText(source[field], field), aad, options);
  }
  return out as Omit<T, K> & { [P in K]: string };
}

/**
 * The inverse of {@link encryptFields}: a copy of `object` whose listed fields are decrypted and parsed back to
 * their JSON values. Absent fields are left out.
 * @throws BulwarkError ENVELOPE_MALFORMED (a listed field is not envelope text), ENVELOPE_DECRYPT_FAILED,
 * KEY_NOT_FOUND, KEY_DISABLED
 * @example
 * const user = await decryptFields(row, ['email', 'phone'], { keyring, context: { table: 'users', id: row.id } });
 */
export async function decryptFields<T = Record<string, unknown>>(
  object: object,
  fields: readonly string[],
  optionsArg: EncryptFieldsOptions,
): Promise<T> {
  const options = readOptions<EncryptFieldsOptions>(optionsArg);
  const source = checkFields(object, fields);
  const out: Record<string, unknown> = { ...source };
  for (const field of new Set(fields)) {
    if (!Object.hasOwn(source, field) || source[field] === undefined) continue;
    const aad = extendContext(options.context, '$field', field);
    const plaintext = await openEnvelopeText(options.keyring as Keyring, source[field] as string, aad, options);
    // Authentic data we wrote with JSON.stringify: parsing cannot fail unless the key was misused elsewhere.
    try {
      out[field] = JSON.parse(decodeUtf8(plaintext));
    } catch {
      throw new BulwarkError('ENVELOPE_MALFORMED', 'decrypted field is not JSON', { details: { field } });
    }
  }
  return out as T;
}
