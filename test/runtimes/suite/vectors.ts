/**
 * External vectors for the conformance suite, imported as JSON so that the bundler inlines them: browsers and
 * workerd have no file system. Source files live in ../shared/vectors (see its README for provenance).
 */

export { default as scryptInterop } from '../../../../shared/vectors/interop/scrypt-hashes.json';
export { default as rfc4226 } from '../../../../shared/vectors/rfc/rfc4226-hotp.json';
export { default as rfc4231 } from '../../../../shared/vectors/rfc/rfc4231-hmac.json';
export { default as rfc4648 } from '../../../../shared/vectors/rfc/rfc4648-encoding.json';
export { default as rfc5869 } from '../../../../shared/vectors/rfc/rfc5869-hkdf.json';
export { default as rfc6238 } from '../../../../shared/vectors/rfc/rfc6238-totp.json';
export { default as rfc7914 } from '../../../../shared/vectors/rfc/rfc7914-scrypt.json';
export { default as wycheproofAesGcm } from '../../../../shared/vectors/wycheproof/aes_gcm_test.json';
export { default as wycheproofHkdfSha256 } from '../../../../shared/vectors/wycheproof/hkdf_sha256_test.json';
export { default as wycheproofHmacSha1 } from '../../../../shared/vectors/wycheproof/hmac_sha1_test.json';
export { default as wycheproofHmacSha256 } from '../../../../shared/vectors/wycheproof/hmac_sha256_test.json';
export { default as wycheproofHmacSha512 } from '../../../../shared/vectors/wycheproof/hmac_sha512_test.json';
