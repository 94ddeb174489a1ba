import { BulwarkError } from '../errors.js';
import { readOptions } from '../internal/assert.js';
import { assertBytes, type OwnedBytes } from '../internal/bytes.js';
import { getNativeBase64 } from '../runtime/base64.js';
import { asciiFromCodes } from './ascii.js';
import { invalidEncoding, requireString } from './errors.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeTable(alphabet: string): Int16Array {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
/**
 * Where the platform codec takes over (measured on Node 20, Buffer, in bench/encoding.bench.ts): encoding from
 * about 32 output characters (TypeScript string building costs ~0.45 µs at 43 characters, native ~0.25 µs and
 * flat), decoding from about 384 input characters, where one native regex scan plus the native decoder beats the
 * TypeScript loop (1.9 µs vs 2.0 µs at 400 characters, 3.3 µs vs 4.3 µs at 1000). The native decoder writes into
 * an array of its own rather than Buffer's shared pool, and that allocation is what moves the crossover up.
 */
const NATIVE_OUTPUT = 32;
const NATIVE_INPUT = 384;
const STD_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;
const STD_TABLE = decodeTable(STD);
const URL_TABLE = decodeTable(URL);

function codesOf(alphabet: string): Uint8Array {
  return Uint8Array.from(alphabet, (c) => c.charCodeAt(0));
}
const STD_CODES = codesOf(STD);
const URL_CODES = codesOf(URL);

function encode(bytes: Uint8Array, url: boolean, pad: boolean): string {
  const n = bytes.length;
  const full = n - (n % 3);
  const rest = n - full;
  const length = (full / 3) * 4 + (rest === 0 ? 0 : pad ? 4 : rest + 1);
  const fast = length >= NATIVE_OUTPUT ? getNativeBase64() : null;
  if (fast !== null) return fast.encode(bytes, url, pad);
  const codes = url ? URL_CODES : STD_CODES;
  const out = new Uint8Array(length).fill(61); // '=' stays wherever padding is due
  let o = 0;
  for (let i = 0; i < full; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = codes[v >> 18] as number;
    out[o++] = codes[(v >> 12) & 63] as number;
    out[o++] = codes[(v >> 6) & 63] as number;
    out[o++] = codes[v & 63] as number;
  }
  if (rest === 1) {
    const v = bytes[full] as number;
    out[o++] = codes[v >> 2] as number;
    out[o++] = codes[(v & 3) << 4] as number;
  } else if (rest === 2) {
    const v = ((bytes[full] as number) << 8) | (bytes[full + 1] as number);
    out[o++] = codes[v >> 10] as number;
    out[o++] = codes[(v >> 4) & 63] as number;
    out[o++] = codes[(v & 15) << 2] as number;
  }
  return asciiFromCodes(out);
}

/** Decodes into a new array, or into the start of `target` when given (a view of it is returned). */
function decode(text: string, table: Int16Array, name: string, target?: Uint8Array): OwnedBytes {
  let end = text.length;
  if (end % 4 === 0 && end > 0) {
    if (text.charCodeAt(end - 1) === 61) end--;
    if (text.charCodeAt(end - 1) === 61) end--;
  }
  const rest = end % 4;
  if (rest === 1) throw invalidEncoding(name, 'length');
  // Padding, when present, must complete the last quantum exactly.
  if (end !== text.length && rest === 0) throw invalidEncoding(name, 'padding');
  checkTrailingBits(text, end, rest, table, name);
  const length = ((end - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1);
  if (target !== undefined && length > target.length) {
    throw new BulwarkError('INPUT_INVALID', 'target is too short for the decoded bytes', {
      details: { parameter: 'target', length },
    });
  }
  const fast = end >= NATIVE_INPUT ? getNativeBase64() : null;
  if (fast !== null) {
    // A native regex scan validates the alphabet; native decoders would otherwise skip bad characters silently.
    if (!(table === STD_TABLE ? STD_RE : URL_RE).test(text)) {
      throw invalidEncoding(name, 'character outside the alphabet');
    }
    // Padding, if any, was checked above; slicing it off would copy the string.
    if (target === undefined) return fast.decode(text, table === URL_TABLE);
    const out = target.subarray(0, length) as OwnedBytes;
    fast.decodeInto(text, table === URL_TABLE, out);
    return out;
  }
  const out = target === undefined ? new Uint8Array(length) : (target.subarray(0, length) as OwnedBytes);
  let o = 0;
  let i = 0;
  const full = end - rest;
  for (; i < full; i += 4) {
    const a = lookup(text, i, table, name);
    const b = lookup(text, i + 1, table, name);
    const c = lookup(text, i + 2, table, name);
    const d = lookup(text, i + 3, table, name);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (rest === 2) {
    const a = lookup(text, i, table, name);
    const b = lookup(text, i + 1, table, name);
    out[o++] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = lookup(text, i, table, name);
    const b = lookup(text, i + 1, table, name);
    const c = lookup(text, i + 2, table, name);
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

/** The bits past the last whole byte must be zero: otherwise two texts would decode to the same bytes. */
function checkTrailingBits(text: string, end: number, rest: number, table: Int16Array, name: string): void {
  if (rest === 0) return;
  const last = lookup(text, end - 1, table, name);
  if ((rest === 2 && (last & 15) !== 0) || (rest === 3 && (last & 3) !== 0)) {
    throw invalidEncoding(name, 'non-canonical trailing bits');
  }
}

function lookup(text: string, i: number, table: Int16Array, name: string): number {
  const c = text.charCodeAt(i);
  const v = c < 128 ? (table[c] as number) : -1;
  if (v < 0) throw invalidEncoding(name, 'character outside the alphabet');
  return v;
}

/**
 * Standard base64 (RFC 4648 §4). Emits padding unless `{ padding: false }` (as PHC strings want).
 * @throws BulwarkError INPUT_INVALID when `bytes` is not a Uint8Array, CONFIG_INVALID when `options` is not an object
 */
export function encodeBase64(bytes: Uint8Array, options?: { padding?: boolean }): string {
  const { padding } = readOptions<{ padding?: boolean }>(options);
  return encode(assertBytes(bytes, 'bytes'), false, padding !== false);
}

/**
 * Decodes standard base64, padded or not; refuses (ENCODING_INVALID) any character outside the alphabet,
 * whitespace, a wrong length, misplaced padding, or non-zero trailing bits.
 * @throws BulwarkError ENCODING_INVALID
 */
export function decodeBase64(text: string): OwnedBytes {
  return decode(requireString(text, 'base64'), STD_TABLE, 'base64');
}

/** base64url (RFC 4648 §5), never padded. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encode(assertBytes(bytes, 'bytes'), true, false);
}

/**
 * Decodes base64url, padding optional; strict as {@link decodeBase64}.
 * @throws BulwarkError ENCODING_INVALID
 */
export function decodeBase64Url(text: string): OwnedBytes {
  return decode(requireString(text, 'base64url'), URL_TABLE, 'base64url');
}

/**
 * {@link decodeBase64Url} writing into `target` instead of a new array; returns the view of `target` that holds the
 * bytes. For hot paths that decode into one reused buffer: a new array over 64 bytes lives outside the JavaScript
 * heap, and allocating one can cost more than decoding a few hundred characters. Strict as decodeBase64Url; after
 * a failure, `target` may hold part of the output. The target's size is checked first, from the text's length
 * alone: a target too short is INPUT_INVALID even for text that is not base64url.
 * @throws BulwarkError ENCODING_INVALID; INPUT_INVALID when `target` is not a Uint8Array or is too short
 * @example
 * const scratch = new Uint8Array(1024);
 * const bytes = decodeBase64UrlInto('AQID', scratch); // scratch.subarray(0, 3)
 */
export function decodeBase64UrlInto(text: string, target: Uint8Array): Uint8Array {
  return decode(requireString(text, 'base64url'), URL_TABLE, 'base64url', assertBytes(target, 'target'));
}
