/**
 * bulwark/envelope: envelope encryption (a fresh AES-256-GCM data key per message, sealed under a rotating
 * keyring), context binding, key rotation, field-level encryption, blind indexes and streaming.
 * Guide: docs/envelope.md.
 */

export { resetRandomPool } from '../runtime/index.js';
export {
  type BlindIndexKey,
  type BlindIndexNormalize,
  type BlindIndexOptions,
  blindIndex,
  createBlindIndexKey,
  DEFAULT_BLIND_INDEX_OPTIONS,
  generateBlindIndexKey,
} from './blind-index.js';
export { ENCRYPTION_CONTEXT_LIMITS, type EncryptionContext, type EncryptionContextValue } from './context.js';
export {
  DEFAULT_ENVELOPE_OPTIONS,
  decryptEnvelope,
  decryptEnvelopeFromString,
  type EnvelopeOptions,
  encryptEnvelope,
  encryptEnvelopeToString,
} from './envelope.js';
export { decryptFields, type EncryptFieldsOptions, encryptFields } from './fields.js';
export {
  createKeyring,
  generateEnvelopeKey,
  KEYRING_KEY_STATUSES,
  type KeyProvider,
  type Keyring,
  type KeyringDefinition,
  type KeyringKeyDefinition,
  type KeyringKeyInfo,
  type KeyringKeyStatus,
} from './keyring.js';
export { changeKeyStatus, exportKeyring, rotateKeyring } from './keyring-changes.js';
export { type LoadKeyringOptions, parseKeyring, serializeKeyring } from './keyring-json.js';
export {
  DEFAULT_KEYRING_SCRYPT,
  type KeyringScryptParams,
  type KeyringSecret,
  type OpenKeyringOptions,
  openKeyring,
  type SealKeyringOptions,
  sealKeyring,
} from './keyring-seal.js';
export {
  type RotateAllOptions,
  type RotateAllResult,
  type RotationProgress,
  type RotationRecord,
  rotateAll,
} from './rotate-all.js';
export { needsRotation, type RewrapOptions, reencrypt, rewrap, type StoredEnvelope } from './rotation.js';
export { DEFAULT_ENVELOPE_STREAM_OPTIONS, decryptStream, type EnvelopeStreamOptions, encryptStream } from './stream.js';
