/**
 * The runtime seam: the only code in `src/` that touches platform crypto. Modules import from here.
 * Not a public subpath: its shape may change between minor versions.
 */

export { equalBytes as constantTimeEqual } from '../internal/bytes.js';
export { aesGcmOpen, aesGcmSeal } from './aes-gcm.js';
export { AES_GCM, type AesGcmKey, hasSyncAesGcm, importAesGcmKey } from './aes-gcm-key.js';
export { getNativeBase64, type NativeBase64 } from './base64.js';
export { digest, digestSync, type HashAlgorithm } from './hash.js';
export { hkdf } from './hkdf.js';
export { hmac, hmacSync, importHmacKey } from './hmac.js';
export {
  describeRuntime,
  getNodeCrypto,
  getSubtle,
  type NodeCrypto,
  setRuntimeOverrideForTesting,
} from './platform.js';
export { fillRandom, randomBytes } from './random.js';
export { resetRandomPool, takeRandomBytes, takeRandomBytesInto } from './random-pool.js';
export { isScryptNWithinRfcBound, pbkdf2Sha256, scrypt, scryptMemory } from './scrypt.js';
