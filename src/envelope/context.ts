import { encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';

/** A value allowed in an encryption context: scalars only, so the encoding stays canonical and small. */
export type ContextValue = string | number | boolean | null;

/**
 * Where a ciphertext belongs, e.g. `{ table: 'users', column: 'email', id: 42 }`. Bound to the ciphertext as
 * additional authenticated data: a ciphertext copied to another row, column or tenant fails to decrypt.
 * Keys starting with `$` are reserved for bulwark (`encryptFields` adds `$field`).
 */
export type EncryptionContext = Readonly<Record<string, ContextValue>>;

/** Bounds on a context, checked before any work. */
export const CONTEXT_LIMITS = Object.freeze({ maxEntries: 32, maxKeyBytes: 128, maxStringBytes: 1024 });

const TYPE_NULL = 0;
const TYPE_FALSE = 1;
const TYPE_TRUE = 2;
const TYPE_NUMBER = 3;
const TYPE_STRING = 4;



function invalid(message: string, key?: string): BulwarkError {
  return new BulwarkError('INPUT_INVALID', `context ${message}`, {
    details: key === undefined ? { parameter: 'context' } : { parameter: 'context', key },
  });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/**
 * The canonical bytes of a context (documented in docs/envelope.md, "Context encoding"):
 * `count:u8`, then per entry sorted by the UTF-8 bytes of its key: `keyLength:u8 key type:u8 value`, where the
 * value is nothing (null, false, true), 8 bytes IEEE-754 big-endian (number; -0 written as 0), or
 * `length:u16be utf8` (string). Every field is length-prefixed or fixed-size and typed, so two different contexts
 * never share an encoding: `{ id: 42 }` and `{ id: '42' }` differ, as do `{ a: 'b,c' }` and `{ a: 'b', c: '' }`.
 * @throws BulwarkError INPUT_INVALID for a non-object, a nested value, a non-finite number, or a bound exceeded
 */
export function encodeContext(context: unknown, reservedAllowed = false): Uint8Array {
  if (context === undefined) return new Uint8Array(1);
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw invalid('must be a plain object of strings, numbers, booleans and null');
  }
  const proto = Object.getPrototypeOf(context);
  if (proto !== Object.prototype && proto !== null) throw invalid('must be a plain object');
  const keys = Object.keys(context);
  if (keys.length === 0) return new Uint8Array(1);
  if (keys.length > CONTEXT_LIMITS.maxEntries) throw invalid(`may hold at most ${CONTEXT_LIMITS.maxEntries} entries`);
  const entries: { key: Uint8Array; type: number; value: Uint8Array | undefined }[] = [];
  let total = 1;
  for (const key of keys) {
    if (key.length === 0) throw invalid('keys must not be empty');
    if (key.charCodeAt(0) === 36 && !reservedAllowed) throw invalid('keys starting with $ are reserved', key);
    const keyBytes = encodeUtf8(key);
    if (keyBytes.length > CONTEXT_LIMITS.maxKeyBytes) throw invalid('key too long', key);
    const v = (context as Record<string, unknown>)[key];
    let type: number;
    let value: Uint8Array | undefined;
    if (v === null) type = TYPE_NULL;
    else if (v === true) type = TYPE_TRUE;
    else if (v === false) type = TYPE_FALSE;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw invalid('numbers must be finite', key);
      type = TYPE_NUMBER;
      value = new Uint8Array(8);
      new DataView(value.buffer).setFloat64(0, v === 0 ? 0 : v);
    } else if (typeof v === 'string') {
      type = TYPE_STRING;
      const s = encodeUtf8(v);
      if (s.length > CONTEXT_LIMITS.maxStringBytes) throw invalid('string value too long', key);
      value = new Uint8Array(2 + s.length);
      value[0] = s.length >>> 8;
      value[1] = s.length & 255;
      value.set(s, 2);
    } else throw invalid('values must be strings, finite numbers, booleans or null', key);
    entries.push({ key: keyBytes, type, value });
    total += 2 + keyBytes.length + (value?.length ?? 0);
  }
  entries.sort((a, b) => compareBytes(a.key, b.key));
  const out = new Uint8Array(total);
  out[0] = entries.length;
  let o = 1;
  for (const e of entries) {
    out[o++] = e.key.length;
    out.set(e.key, o);
    o += e.key.length;
    out[o++] = e.type;
    if (e.value !== undefined) {
      out.set(e.value, o);
      o += e.value.length;
    }
  }
  return out;
}

/** The context with one reserved entry added (used by encryptFields for `$field`). */
export function extendContext(context: EncryptionContext | undefined, key: string, value: string): Uint8Array {
  if (context !== undefined && (typeof context !== 'object' || context === null || Array.isArray(context))) {
    throw invalid('must be a plain object of strings, numbers, booleans and null');
  }
  for (const k of Object.keys(context ?? {})) {
    if (k.charCodeAt(0) === 36) throw invalid('keys starting with $ are reserved', k);
  }
  return encodeContext({ ...context, [key]: value }, true);
}
