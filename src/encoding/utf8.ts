import { assertBytes } from '../internal/bytes.js';
import { invalidEncoding, requireString } from './errors.js';

const encoder = new TextEncoder();
let decoder: TextDecoder | undefined;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * UTF-8 bytes of a string. A lone surrogate is refused rather than replaced by U+FFFD, because replacement
 * would make different strings (two passwords, say) encode to the same bytes.
 * @throws BulwarkError ENCODING_INVALID
 */
export function encodeUtf8(text: string): Uint8Array {
  const s = requireString(text, 'utf-8');
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
