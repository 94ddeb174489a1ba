import { frozenTable, readOptions } from '../internal/assert.js';
import { assertBytes, type OwnedBytes } from '../internal/bytes.js';
import { asciiFromCodes } from './ascii.js';
import { invalidEncoding, requireString } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const TABLE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 32; i++) {
    t[ALPHABET.charCodeAt(i)] = i;
    t[ALPHABET.toLowerCase().charCodeAt(i)] = i;
  }
  return t;
})();
// Unpadded lengths mod 8 that can end a valid encoding, and how many bits of the last char are padding.
// No prototype: a polluted Object.prototype index must not make an impossible tail length decode.
const TAIL_BYTES: Readonly<Record<number, number>> = frozenTable({ 0: 0, 2: 1, 4: 2, 5: 3, 7: 4 });

/** Options for {@link decodeBase32}. */
export interface DecodeBase32Options {
  /** Tolerate spaces and hyphens, as a person copying a secret by hand types them. Default false. */
  humanInput?: boolean;
}

/**
 * RFC 4648 §6 base32, upper case. Unpadded unless `{ padding: true }` (authenticator apps expect no padding).
 * @throws BulwarkError INPUT_INVALID when `bytes` is not a Uint8Array, CONFIG_INVALID when `options` is not an object
 */
export function encodeBase32(bytes: Uint8Array, options?: { padding?: boolean }): string {
  const { padding } = readOptions<{ padding?: boolean }>(options);
  assertBytes(bytes, 'bytes');
  const chars = Math.ceil((bytes.length * 8) / 5);
  const length = padding === true ? Math.ceil(chars / 8) * 8 : chars;
  const out = new Uint8Array(length).fill(61);
  let o = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    buffer = ((buffer & 0xff) << 8) | (bytes[i] as number);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out[o++] = CODES[(buffer >>> bits) & 31] as number;
    }
  }
  if (bits > 0) out[o++] = CODES[(buffer << (5 - bits)) & 31] as number;
  return asciiFromCodes(out);
}

/**
 * Decodes RFC 4648 base32: case-insensitive, padding optional (but, when present, complete and only at the end).
 * Non-canonical trailing bits and impossible lengths are refused.
 * @throws BulwarkError ENCODING_INVALID, or CONFIG_INVALID when `options` is not an object
 */
export function decodeBase32(text: string, options?: DecodeBase32Options): OwnedBytes {
  const { humanInput } = readOptions<DecodeBase32Options>(options);
  let s = requireString(text, 'base32');
  if (humanInput === true) s = s.replace(/[\s-]+/g, '');
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  if (end !== s.length && s.length % 8 !== 0) throw invalidEncoding('base32', 'padding');
  const tail = end % 8;
  const tailBytes = TAIL_BYTES[tail];
  if (tailBytes === undefined) throw invalidEncoding('base32', 'length');
  if (end !== s.length && s.length - end > 6) throw invalidEncoding('base32', 'padding');
  const out = new Uint8Array(((end - tail) / 8) * 5 + tailBytes);
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? (TABLE[c] as number) : -1;
    if (v < 0) throw invalidEncoding('base32', 'character outside the alphabet');
    buffer = ((buffer & 0xff) << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw invalidEncoding('base32', 'non-canonical trailing bits');
  return out;
}
