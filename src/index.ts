export {
  decodeBase32,
  decodeBase64,
  decodeBase64Url,
  decodeHex,
  decodeUtf8,
  encodeBase32,
  encodeBase64,
  encodeBase64Url,
  encodeHex,
  encodeUtf8,
} from './encoding/index.js';
export {
  BulwarkError,
  type BulwarkErrorCode,
  type BulwarkErrorOptions,
  ERROR_CODES,
  isBulwarkError,
} from './errors.js';
