import { decodeBase64Url, encodeBase64Url } from '../encoding/index.js';
import { getNativeBase64 } from '../runtime/index.js';

/**
 * base64url for envelope text, through the platform's native codec when there is one. Envelope columns are a
 * few hundred characters, below the size where bulwark/encoding switches to native code, and at that size the
 * TypeScript codec costs as much as one AES-GCM call. Decoding stays as strict as decodeBase64Url: alphabet,
 * length and zero trailing bits are checked before the (lenient) native decoder runs.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STRICT = /^[A-Za-z0-9_-]*$/;

export function encodeEnvelopeBase64(bytes: Uint8Array): string {
  const native = getNativeBase64();
  return native === null ? encodeBase64Url(bytes) : native.encode(bytes, true, false);
}

/** Decoded bytes, or undefined for text that is not canonical unpadded base64url. */
export function decodeEnvelopeBase64(text: string, start: number): Uint8Array | undefined {
  const native = getNativeBase64();
  const body = text.slice(start);
  if (native === null) {
    try {
      return text.endsWith('=') ? undefined : decodeBase64Url(body);
    } catch {
      return undefined;
    }
  }
  const rest = body.length % 4;
  if (rest === 1 || !STRICT.test(body)) return undefined;
  if (rest !== 0) {
    // The unused low bits of the last character must be zero, or two texts would decode to the same bytes.
    const last = ALPHABET.indexOf(body.charAt(body.length - 1));
    if ((last & (rest === 2 ? 15 : 3)) !== 0) return undefined;
  }
  return native.decode(body, true);
}
