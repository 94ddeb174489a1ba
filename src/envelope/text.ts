import { decodeBase64Url, encodeBase64Url } from '../encoding/index.js';
import { isBulwarkError } from '../errors.js';

/**
 * base64url for envelope text: bulwark/encoding's codec, which hands envelope-sized text (a few hundred
 * characters) to the platform's native codec after its own strict checks (alphabet, length, zero trailing bits).
 */
export function encodeEnvelopeBase64(bytes: Uint8Array): string {
  return encodeBase64Url(bytes);
}

/** Decoded bytes, or undefined for text that is not canonical unpadded base64url. */
export function decodeEnvelopeBase64(text: string, start: number): Uint8Array | undefined {
  // decodeBase64Url also accepts padding; envelope text is never padded, so one text means one envelope.
  if (text.charCodeAt(text.length - 1) === 61) return undefined;
  try {
    return decodeBase64Url(text.slice(start));
  } catch (e) {
    if (isBulwarkError(e, 'ENCODING_INVALID')) return undefined;
    throw e;
  }
}
