import { assertBytes, type OwnedBytes } from '../internal/bytes.js';
import { asciiFromCodes } from './ascii.js';
import { invalidEncoding, requireString } from './errors.js';

const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Lower-case hexadecimal (RFC 4648 §8, base16). */
export function encodeHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    out[2 * i] = HEX_CODES[b >> 4] as number;
    out[2 * i + 1] = HEX_CODES[b & 15] as number;
  }
  return asciiFromCodes(out);
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Decodes hexadecimal, either case; refuses odd lengths and non-hex characters.
 * @throws BulwarkError ENCODING_INVALID
 */
export function decodeHex(text: string): OwnedBytes {
  const s = requireString(text, 'hex');
  if (s.length % 2 !== 0) throw invalidEncoding('hex', 'length');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw invalidEncoding('hex', 'character outside the alphabet');
    out[i] = (hi << 4) | lo;
  }
  return out;
}
