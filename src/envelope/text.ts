import { decodeBase64Url, decodeBase64UrlInto, encodeBase64Url } from '../encoding/index.js';
import { isBulwarkError } from '../errors.js';
import { MAX_TRANSIENT_BYTES, transientBytes } from '../internal/bytes.js';

/**
 * base64url for envelope text: bulwark/encoding's codec, which hands envelope-sized text (a few hundred
 * characters) to the platform's native codec after its own strict checks (alphabet, length, zero trailing bits).
 */
export function encodeEnvelopeBase64(bytes: Uint8Array): string {
  return encodeBase64Url(bytes);
}

/**
 * Decoded bytes, or undefined for text that is not canonical unpadded base64url. The bytes are transient (see
 * transientBytes): bulwark's own, never to be returned to caller code.
 */
export function decodeEnvelopeBase64(text: string, start: number): Uint8Array | undefined {
  // decodeBase64Url also accepts padding; envelope text is never padded, so one text means one envelope.
  if (text.charCodeAt(text.length - 1) === 61) return undefined;
  // Unpadded base64url: n characters carry floor(3n / 4) bytes (a length of 4k + 1 is refused by the decoder).
  const length = Math.floor(((text.length - start) * 3) / 4);
  try {
    if (length > MAX_TRANSIENT_BYTES) return decodeBase64Url(text.slice(start));
    return decodeBase64UrlInto(text.slice(start), transientBytes(length));
  } catch (e) {
    if (isBulwarkError(e, 'ENCODING_INVALID')) return undefined;
    throw e;
  }
}
