export type { OwnedBytes } from '../internal/bytes.js';
export { type DecodeBase32Options, decodeBase32, encodeBase32 } from './base32.js';
export { decodeBase64, decodeBase64Url, decodeBase64UrlInto, encodeBase64, encodeBase64Url } from './base64.js';
export { decodeHex, encodeHex } from './hex.js';
export { decodeUtf8, encodeUtf8 } from './utf8.js';
