import { assertBytes, type OwnedBytes } from '../internal/bytes.js';
import { invalidEncoding, requireString } from './errors.js';

const encoder = new TextEncoder();
let decoder: TextDecoder | undefined;
/** Strings up to this length are tried as ASCII first: the output array is then small enough to live on the heap. */
const SHORT = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * UTF-8 bytes of a string. A lone surrogate is refused rather than replaced by U+FFFD, because replacement
 * would make different strings (two passwords, say) encode to the same bytes.
 * @throws BulwarkError ENCODING_INVALID
 */
export function encodeUtf8(text: string): OwnedBytes {
  const s = requireString(text, 'utf-8');
  if (s.length <= SHORT) {
    // Short ASCII (field values, context keys, ids) without TextEncoder's call cost. No early exit: the loop runs
    // the same whatever the characters, and only "all ASCII or not" decides the path, as TextEncoder's own does.
    const out = new Uint8Array(s.length);
    let all = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      all |= c;
      out[i] = c;
    }
    if (all < 0x80) return out;
    out.fill(0); // it held (part of) the text: clear it before dropping it
  }
  const wellFormed = (s as { isWellFormed?: () => boolean }).isWellFormed;
  if (wellFormed === undefined ? LONE_SURROGATE.test(s) : !wellFormed.call(s)) {
    throw invalidEncoding('utf-8', 'lone surrogate');
  }
  return encoder.encode(s);
}

/**
 * Decodes UTF-8 strictly: invalid sequences are refused, not replaced. A leading BOM is kept as U+FEFF.
 * @throws BulwarkError ENCODING_INVALID
 */
export function decodeUtf8(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(bytes);
  } catch {
    throw invalidEncoding('utf-8', 'invalid byte sequence');
  }
}
