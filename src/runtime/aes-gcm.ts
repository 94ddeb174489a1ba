import { BulwarkError } from '../errors.js';
import { assertBytes, concatBytes, toArrayView } from '../internal/bytes.js';
import { getNodeCrypto, getSubtle } from './platform.js';

/** AES-256-GCM with 96-bit IVs and 128-bit tags only: the sizes whose security bounds are well understood. */
export const AES_GCM = Object.freeze({ keyBytes: 32, ivBytes: 12, tagBytes: 16 });
const EMPTY = new Uint8Array(0);

function checkSizes(key: Uint8Array, iv: Uint8Array): void {
  if (assertBytes(key, 'key').length !== AES_GCM.keyBytes) {
    throw new BulwarkError('INPUT_INVALID', 'key must be 32 bytes (AES-256)', { details: { parameter: 'key' } });
  }
  if (assertBytes(iv, 'iv').length !== AES_GCM.ivBytes) {
    throw new BulwarkError('INPUT_INVALID', 'iv must be 12 bytes (96 bits)', { details: { parameter: 'iv' } });
  }
}

/** Encrypts and authenticates `plaintext` (and `aad`, authenticated only). Returns ciphertext ‖ 16-byte tag. */
export async function aesGcmSeal(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Promise<Uint8Array> {
  checkSizes(key, iv);
  assertBytes(plaintext, 'plaintext');
  assertBytes(aad, 'aad');
  const node = getNodeCrypto();
  if (node !== null) {
    const cipher = node.createCipheriv('aes-256-gcm', key, iv, { authTagLength: AES_GCM.tagBytes });
    if (aad.length > 0) cipher.setAAD(aad);
    const body = cipher.update(plaintext);
    const last = cipher.final();
    return concatBytes(body, last, cipher.getAuthTag());
  }
  const subtle = getSubtle();
  const k = await subtle.importKey('raw', toArrayView(key), 'AES-GCM', false, ['encrypt']);
  const out = await subtle.encrypt(
    { name: 'AES-GCM', iv: toArrayView(iv), additionalData: toArrayView(aad), tagLength: 128 },
    k,
    toArrayView(plaintext),
  );
  return new Uint8Array(out);
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
  checkSizes(key, iv);
  assertBytes(sealed, 'sealed');
  assertBytes(aad, 'aad');
  if (sealed.length < AES_GCM.tagBytes) return null;
  const node = getNodeCrypto();
  if (node !== null) {
    const split = sealed.length - AES_GCM.tagBytes;
    const decipher = node.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: AES_GCM.tagBytes });
    decipher.setAuthTag(sealed.subarray(split));
    if (aad.length > 0) decipher.setAAD(aad);
    const body = decipher.update(sealed.subarray(0, split));
    try {
      const last = decipher.final();
      return last.length === 0 ? new Uint8Array(body.buffer, body.byteOffset, body.length) : concatBytes(body, last);
    } catch {
      return null;
    }
  }
  const subtle = getSubtle();
  const k = await subtle.importKey('raw', toArrayView(key), 'AES-GCM', false, ['decrypt']);
  try {
    const out = await subtle.decrypt(
      { name: 'AES-GCM', iv: toArrayView(iv), additionalData: toArrayView(aad), tagLength: 128 },
      k,
      toArrayView(sealed),
    );
    return new Uint8Array(out);
  } catch {
    return null;
  }
}
