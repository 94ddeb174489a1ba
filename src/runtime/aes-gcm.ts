import { AES_GCM, importAesGcmKey } from './aes-gcm-key.js';

export { AES_GCM };

const EMPTY = new Uint8Array(0);

/**
 * Encrypts and authenticates `plaintext` (and `aad`, authenticated only). Returns ciphertext ‖ 16-byte tag.
 * A one-message use of {@link importAesGcmKey}: the key is borrowed, not copied, and one code path serves both.
 */
export async function aesGcmSeal(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Promise<Uint8Array> {
  return importAesGcmKey(key, true).seal(iv, plaintext, aad);
}

/**
 * Verifies and decrypts ciphertext ‖ tag. Returns null when authentication fails (wrong key, IV, AAD, or any
 * changed byte): the caller decides which error that is; the tag length is always enforced to be 16 bytes.
 */
export async function aesGcmOpen(
  key: Uint8Array,
  iv: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Promise<Uint8Array | null> {
  return importAesGcmKey(key, true).open(iv, sealed, aad);
}
