import { encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';

/** A value allowed in an encryption context: scalars only, so the encoding stays canonical and small. */
export type EncryptionContextValue = string | number | boolean | null;

/**
 * Where a ciphertext belongs, e.g. `{ table: 'users', column: 'email', id: 42 }`. Bound to the ciphertext as
 * additional authenticated data: a ciphertext copied to another row, column or tenant fails to decrypt.
 * Keys starting with `$` are reserved for bulwark (`encryptFields` adds `$field`).
 */
export type EncryptionContext = Readonly<Record<string, EncryptionContextValue>>;

/** Bounds on a context, checked before any work. */
export const ENCRYPTION_CONTEXT_LIMITS = Object.freeze({ maxEntries: 32, maxKeyBytes: 128, maxStringBytes: 1024 });

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
export function encodeContext(context: unknown, reservedAllowed = false, lead = 0): Uint8Array {
  if (context === undefined) return new Uint8Array(lead + 1);
  assertPlainContext(context);
  const keys = Object.keys(context);
  if (keys.length === 0) return new Uint8Array(lead + 1);
  // The reserved entry encryptFields adds (reservedAllowed) is ours: it does not take one of the caller's 32.
  if (keys.length > ENCRYPTION_CONTEXT_LIMITS.maxEntries + (reservedAllowed ? 1 : 0))
    throw invalid(`may hold at most ${ENCRYPTION_CONTEXT_LIMITS.maxEntries} entries`);
  const fast = encodeAscii(context as Record<string, unknown>, keys, reservedAllowed, lead);
  if (fast !== undefined) return fast;
  const entries: Entry[] = [];
  let total = lead + 1;
  for (const key of keys) {
    if (key.length === 0) throw invalid('keys must not be empty');
    if (key.charCodeAt(0) === 36 && !reservedAllowed) throw invalid('keys starting with $ are reserved', key);
    // A UTF-16 unit encodes to at least one UTF-8 byte: an over-long string is refused before it is encoded.
    if (key.length > ENCRYPTION_CONTEXT_LIMITS.maxKeyBytes) throw invalid('key too long', key);
    const keyBytes = contextUtf8(key, key);
    if (keyBytes.length > ENCRYPTION_CONTEXT_LIMITS.maxKeyBytes) throw invalid('key too long', key);
    const entry = encodeValue((context as Record<string, unknown>)[key], keyBytes, key);
    entries.push(entry);
    total += 2 + keyBytes.length + entry.size;
  }
  // UTF-8 byte order equals code point order; sorting the byte strings makes the encoding independent of the
  // order the object's keys were written in.
  if (entries.length > 1) entries.sort((a, b) => compareBytes(a.key, b.key));
  const out = new Uint8Array(total);
  out[lead] = entries.length;
  let o = lead + 1;
  for (const e of entries) {
    out[o++] = e.key.length;
    out.set(e.key, o);
    o += e.key.length;
    out[o++] = e.type;
    if (e.type === TYPE_NUMBER) {
      writeFloat64(out, o, e.number);
      o += 8;
    } else if (e.type === TYPE_STRING) {
      const s = e.string as Uint8Array;
      out[o++] = s.length >>> 8;
      out[o++] = s.length & 255;
      out.set(s, o);
      o += s.length;
    }
  }
  return out;
}

/**
 * The common case, ASCII keys and strings, without per-entry objects or TextEncoder calls (a context is encoded on
 * every call). Undefined for anything else, which the general path then encodes or refuses. For ASCII, UTF-16
 * order (JavaScript's string comparison) is UTF-8 byte order, so the sort agrees with the general path.
 */
function encodeAscii(
  context: Record<string, unknown>,
  keys: string[],
  reservedAllowed: boolean,
  lead: number,
): Uint8Array | undefined {
  // Keys come from Object.keys (our own array): sorting it in place is free of side effects. Insertion sort: a
  // context has a handful of keys, where it beats Array.prototype.sort's call overhead; same UTF-16 order.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  const values: unknown[] = new Array(keys.length);
  let total = lead + 1;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const n = key.length;
    if (n === 0 || n > ENCRYPTION_CONTEXT_LIMITS.maxKeyBytes) return undefined;
    if (key.charCodeAt(0) === 36 && !reservedAllowed) return undefined;
    const v = context[key];
    if (typeof v === 'string') {
      if (v.length > ENCRYPTION_CONTEXT_LIMITS.maxStringBytes) return undefined;
      total += 4 + n + v.length;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return undefined;
      total += 10 + n;
    } else if (v === null || v === true || v === false) total += 2 + n;
    else return undefined;
    values[k] = v;
  }
  const out = new Uint8Array(total);
  out[lead] = keys.length;
  let o = lead + 1;
  // Sized as if every character were ASCII; `all` collects the bits of every character written, and anything
  // non-ASCII sends the context to the general path after one pass (no separate scan first).
  let all = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const v = values[k];
    out[o++] = key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      all |= c;
      out[o++] = c;
    }
    if (typeof v === 'string') {
      out[o++] = TYPE_STRING;
      out[o++] = v.length >>> 8;
      out[o++] = v.length & 255;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        all |= c;
        out[o++] = c;
      }
    } else if (typeof v === 'number') {
      out[o++] = TYPE_NUMBER;
      writeFloat64(out, o, v === 0 ? 0 : v);
      o += 8;
    } else out[o++] = v === null ? TYPE_NULL : v === true ? TYPE_TRUE : TYPE_FALSE;
  }
  return all < 0x80 ? out : undefined;
}

// One scratch double and its bytes: cheaper than a DataView per call. Written big-endian whatever the platform.
const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeFloat64(out: Uint8Array, at: number, value: number): void {
  scratch[0] = value;
  for (let i = 0; i < 8; i++) out[at + i] = scratchBytes[LITTLE_ENDIAN ? 7 - i : i] as number;
}

interface Entry {
  key: Uint8Array;
  type: number;
  size: number;
  number: number;
  string: Uint8Array | undefined;
}

function encodeValue(v: unknown, key: Uint8Array, name: string): Entry {
  if (v === null) return { key, type: TYPE_NULL, size: 0, number: 0, string: undefined };
  if (v === true) return { key, type: TYPE_TRUE, size: 0, number: 0, string: undefined };
  if (v === false) return { key, type: TYPE_FALSE, size: 0, number: 0, string: undefined };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw invalid('numbers must be finite', name);
    // -0 and 0 are one number to JSON and to databases: encode both as 0.
    return { key, type: TYPE_NUMBER, size: 8, number: v === 0 ? 0 : v, string: undefined };
  }
  if (typeof v === 'string') {
    if (v.length > ENCRYPTION_CONTEXT_LIMITS.maxStringBytes) throw invalid('string value too long', name);
    const s = contextUtf8(v, name);
    if (s.length > ENCRYPTION_CONTEXT_LIMITS.maxStringBytes) throw invalid('string value too long', name);
    return { key, type: TYPE_STRING, size: 2 + s.length, number: 0, string: s };
  }
  throw invalid('values must be strings, finite numbers, booleans or null', name);
}

/**
 * A context already encoded by bulwark itself. A distinct class, not a bare Uint8Array, so bytes passed as a
 * context through the public API are refused as a non-plain object rather than taken as pre-encoded.
 */
export class EncodedContext {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * A plain object (prototype Object.prototype or null), checked before anything spreads or reads it: spreading a
 * Map, a Date or a class instance gives `{}`, which would bind nothing.
 */
function assertPlainContext(context: unknown): asserts context is object {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw invalid('must be a plain object of strings, numbers, booleans and null');
  }
  const proto = Object.getPrototypeOf(context);
  if (proto !== Object.prototype && proto !== null) throw invalid('must be a plain object');
}

/** UTF-8 of a context key or string value; a lone surrogate is the caller's bad context (INPUT_INVALID). */
function contextUtf8(text: string, key: string): Uint8Array {
  try {
    return encodeUtf8(text);
  } catch {
    throw invalid('keys and strings must be well-formed Unicode (no lone surrogates)', key);
  }
}

/** The context with one reserved entry added (used by encryptFields for `$field`). */
export function extendContext(context: EncryptionContext | undefined, key: string, value: string): EncodedContext {
  if (context !== undefined) assertPlainContext(context);
  for (const k of Object.keys(context ?? {})) {
    if (k.charCodeAt(0) === 36) throw invalid('keys starting with $ are reserved', k);
  }
  return new EncodedContext(encodeContext({ ...context, [key]: value }, true));
}
