import { encodeUtf8 } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { withoutPrototype } from '../internal/assert.js';
import { isBytes, type OwnedBytes } from '../internal/bytes.js';
import {
  type AesGcmKey,
  importAesGcmKey,
  randomBytes,
  takeRandomBytes,
  takeRandomBytesInto,
} from '../runtime/index.js';

/**
 * What a key may do. `primary` encrypts and decrypts (exactly one per keyring); `active` decrypts and is ready to
 * become primary (stage a new key as `active` on every instance before promoting it); `decrypt-only` decrypts
 * data awaiting rotation; `disabled` refuses with KEY_DISABLED (kept so it can be re-enabled if data turns up).
 */
export type KeyringKeyStatus = 'primary' | 'active' | 'decrypt-only' | 'disabled';

/** The statuses, in order of capability. */
export const KEYRING_KEY_STATUSES: readonly KeyringKeyStatus[] = Object.freeze([
  'primary',
  'active',
  'decrypt-only',
  'disabled',
]);

/**
 * Supplies key-encryption keys held elsewhere (a KMS, an HSM): it wraps and unwraps 32-byte data keys by key id.
 * `aad` must be authenticated with the wrapped key (KMS "encryption context"); `unwrapKey` returns null when the
 * wrapped key does not authenticate (bulwark then throws ENVELOPE_DECRYPT_FAILED). Wrapped keys are opaque to
 * bulwark, at most 1024 bytes. Errors the provider throws (network, permissions) reach the caller unchanged.
 * Ownership: the `dataKey` passed to `wrapKey` is zeroed once its promise settles (copy it to keep it); the array
 * `unwrapKey` resolves to stays the provider's (bulwark copies it), so a provider may cache unwrapped keys; the
 * `wrappedKey` and `aad` it is given are fresh copies, its to keep. Both results
 * must be `Uint8Array`s (an `ArrayBuffer` from WebCrypto needs `new Uint8Array(...)`): anything else is
 * CONFIG_INVALID.
 * @example
 * const provider: KeyProvider = { wrapKey: (id, key, aad) => kms.encrypt(id, key, aad), unwrapKey: (id, w, aad) => kms.decrypt(id, w, aad) };
 */
export interface KeyProvider {
  wrapKey(keyId: string, dataKey: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  unwrapKey(keyId: string, wrappedKey: Uint8Array, aad: Uint8Array): Promise<Uint8Array | null>;
}

/** One key of a keyring definition. Omit `key` for a key the keyring's `provider` holds. */
export interface KeyringKeyDefinition {
  /** 1..255 characters from `A-Z a-z 0-9 . _ : / + = @ -`, stored in clear in every envelope. */
  id: string;
  /** 32 bytes of key material (see {@link generateEnvelopeKey}); absent for provider-held keys. */
  key?: Uint8Array;
  status: KeyringKeyStatus;
}

/** Input to {@link createKeyring}. */
export interface KeyringDefinition {
  keys: readonly KeyringKeyDefinition[];
  /** Wraps and unwraps data keys for entries without `key` material. */
  provider?: KeyProvider;
}

/** A key's public facts (never its material). */
export interface KeyringKeyInfo {
  readonly id: string;
  readonly status: KeyringKeyStatus;
  readonly source: 'local' | 'provider';
}

/** An immutable set of key-encryption keys. Key material is not reachable from the object (nor logged). */
export interface Keyring {
  readonly primaryKeyId: string;
  readonly keys: readonly KeyringKeyInfo[];
}

/** Internal view of one key: a wrapper that both local keys and providers satisfy. */
export interface KeyEntry {
  readonly id: string;
  readonly idBytes: Uint8Array;
  readonly status: KeyringKeyStatus;
  readonly material: Uint8Array | undefined;
  wrap(dataKey: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  unwrap(wrapped: Uint8Array, aad: Uint8Array): Promise<Uint8Array | null>;
  /** The same, synchronously, for local keys where the platform allows; undefined otherwise. */
  wrapSync(dataKey: Uint8Array, aad: Uint8Array): Uint8Array | undefined;
  /** Length of a wrapped key when it is fixed (local keys), so an envelope can be sized before wrapping. */
  readonly wrappedBytes: number | undefined;
  /** wrapSync writing the wrapped key into `out` at `at` (wrappedBytes long); false when it cannot. */
  wrapSyncInto(dataKey: Uint8Array, aad: Uint8Array, out: Uint8Array, at: number): boolean;
  unwrapSync(wrapped: Uint8Array, aad: Uint8Array): Uint8Array | null | undefined;
}

interface KeyringState {
  entries: Map<string, KeyEntry>;
  primary: KeyEntry;
  provider: KeyProvider | undefined;
}

const KEY_BYTES = 32;
/** wrapIv(12) ‖ AES-256-GCM(KEK, wrapIv, dataKey, aad) (32 + 16). */
const LOCAL_WRAPPED_BYTES = 12 + KEY_BYTES + 16;
const KEY_ID = /^[A-Za-z0-9._:/+=@-]{1,255}$/;
const states = new WeakMap<Keyring, KeyringState>();

function invalid(message: string, details: Record<string, unknown> = {}): BulwarkError {
  return new BulwarkError('KEYRING_INVALID', message, { details });
}

/** True when `id` is a well-formed key id. */
export function isKeyId(id: unknown): id is string {
  return typeof id === 'string' && KEY_ID.test(id);
}

/**
 * A new random 256-bit key for a keyring (or for a master key), from the platform CSPRNG.
 * @example
 * const keyring = createKeyring({ keys: [{ id: '2026-01', key: generateEnvelopeKey(), status: 'primary' }] });
 */
export function generateEnvelopeKey(): OwnedBytes {
  return randomBytes(KEY_BYTES);
}

function localEntry(id: string, status: KeyringKeyStatus, material: Uint8Array): KeyEntry {
  // One private copy of the key serves both the AES handle (borrowed) and exportKeyring.
  const copy = new Uint8Array(material);
  const aes: AesGcmKey = importAesGcmKey(copy, true);
  const idBytes = encodeUtf8(id);
  // A local wrapped key is wrapIv(12) ‖ AES-256-GCM(KEK, wrapIv, dataKey, aad) (32 + 16), written where the
  // caller wants it; the IV is passed as a view of that buffer, so no second small array goes to native code.
  const wrapSyncInto = (dataKey: Uint8Array, aad: Uint8Array, out: Uint8Array, at: number): boolean => {
    takeRandomBytesInto(out, at, 12);
    return aes.sealSyncInto(out.subarray(at, at + 12), dataKey, aad, out, at + 12);
  };
  return {
    id,
    idBytes,
    status,
    material: copy,
    wrapSync(dataKey, aad) {
      const out = new Uint8Array(LOCAL_WRAPPED_BYTES);
      return wrapSyncInto(dataKey, aad, out, 0) ? out : undefined;
    },
    async wrap(dataKey, aad) {
      const iv = takeRandomBytes(12);
      const out = await aes.seal(iv, dataKey, aad, iv.length);
      out.set(iv, 0);
      return out;
    },
    wrappedBytes: LOCAL_WRAPPED_BYTES,
    wrapSyncInto,
    unwrapSync(wrapped, aad) {
      if (wrapped.length !== LOCAL_WRAPPED_BYTES) return null;
      return aes.openSync(wrapped.subarray(0, 12), wrapped.subarray(12), aad);
    },
    async unwrap(wrapped, aad) {
      if (wrapped.length !== LOCAL_WRAPPED_BYTES) return null;
      return aes.open(wrapped.subarray(0, 12), wrapped.subarray(12), aad);
    },
  };
}

function providerEntry(id: string, status: KeyringKeyStatus, provider: KeyProvider): KeyEntry {
  return {
    id,
    idBytes: encodeUtf8(id),
    status,
    material: undefined,
    // The provider boundary: what it returns is checked here, before anything sizes a header from it (an
    // ArrayBuffer, WebCrypto's result, has no usable length), and an unwrapped key is copied, since bulwark zeroes
    // its data keys and the provider's array stays the provider's (it may cache it; a Buffer's slice() would be a
    // view, so new Uint8Array).
    wrap: async (dataKey, aad) => providerBytes(await provider.wrapKey(id, dataKey, aad)),
    wrapSync: () => undefined,
    wrappedBytes: undefined,
    wrapSyncInto: () => false,
    unwrapSync: () => undefined,
    unwrap: async (wrapped, aad) => {
      // Copies: the provider is caller code, and the envelope may be a view of bulwark's transient memory.
      const key = await provider.unwrapKey(id, wrapped.slice(), aad.slice());
      return key === null ? null : new Uint8Array(providerBytes(key));
    },
  };
}

function providerBytes(value: unknown): Uint8Array {
  if (!isBytes(value)) {
    throw new BulwarkError('CONFIG_INVALID', 'key provider must return a Uint8Array', {
      details: { parameter: 'provider' },
    });
  }
  return value;
}

/**
 * Builds a keyring from key definitions: exactly one `primary`, unique ids, 32-byte keys.
 * @throws BulwarkError KEYRING_INVALID when the definition breaks any of those rules
 * @example
 * const keyring = createKeyring({ keys: [{ id: 'k1', key: generateEnvelopeKey(), status: 'primary' }] });
 */
export function createKeyring(definition: KeyringDefinition): Keyring {
  // Own properties only: an inherited `provider` would receive every data key (see withoutPrototype).
  const own = typeof definition === 'object' && definition !== null ? withoutPrototype(definition) : undefined;
  if (own === undefined || !Array.isArray(own.keys)) {
    throw invalid('keyring definition must be an object with a keys array');
  }
  const { keys, provider } = own;
  if (keys.length === 0 || keys.length > 1000) throw invalid('a keyring holds 1 to 1000 keys');
  if (provider !== undefined && (typeof provider?.wrapKey !== 'function' || typeof provider.unwrapKey !== 'function')) {
    throw invalid('provider must have wrapKey and unwrapKey functions');
  }
  const entries = new Map<string, KeyEntry>();
  let primary: KeyEntry | undefined;
  keys.forEach((definition, index) => {
    if (typeof definition !== 'object' || definition === null) throw invalid('each key must be an object', { index });
    // Own properties only: an inherited `key` (a polluted Object.prototype) would turn a key held by the provider
    // into local key material chosen by whoever polluted it.
    const k = withoutPrototype(definition);
    if (!isKeyId(k.id)) throw invalid('key id must be 1-255 characters from A-Z a-z 0-9 . _ : / + = @ -', { index });
    if (entries.has(k.id)) throw invalid('duplicate key id', { id: k.id });
    if (!(KEYRING_KEY_STATUSES as readonly unknown[]).includes(k.status)) {
      throw invalid(`key status must be one of ${KEYRING_KEY_STATUSES.join(', ')}`, { id: k.id });
    }
    let entry: KeyEntry;
    if (k.key === undefined) {
      if (provider === undefined) throw invalid('key material is missing and no provider is set', { id: k.id });
      entry = providerEntry(k.id, k.status, provider);
    } else {
      if (!isBytes(k.key) || k.key.length !== KEY_BYTES) throw invalid('key must be 32 bytes', { id: k.id });
      entry = localEntry(k.id, k.status, k.key);
    }
    if (k.status === 'primary') {
      if (primary !== undefined) throw invalid('a keyring has exactly one primary key', { id: k.id });
      primary = entry;
    }
    entries.set(k.id, entry);
  });
  if (primary === undefined) throw invalid('a keyring has exactly one primary key');
  const infos = [...entries.values()].map((e) =>
    Object.freeze({ id: e.id, status: e.status, source: e.material === undefined ? 'provider' : 'local' } as const),
  );
  const keyring: Keyring = Object.freeze({ primaryKeyId: primary.id, keys: Object.freeze(infos) });
  states.set(keyring, { entries, primary, provider });
  return keyring;
}

/** Internal: the state behind a keyring, or CONFIG_INVALID for anything that is not one. */
export function keyringState(keyring: Keyring): KeyringState {
  const state = typeof keyring === 'object' && keyring !== null ? states.get(keyring) : undefined;
  if (state === undefined) {
    // Key material is reachable only through the module copy that holds it, so a keyring from another copy (the
    // CommonJS build when this is the ESM one, or another version) is refused rather than shared through a global.
    throw new BulwarkError('CONFIG_INVALID', 'keyring must come from createKeyring of this copy of bulwark', {
      details: { parameter: 'keyring' },
    });
  }
  return state;
}
