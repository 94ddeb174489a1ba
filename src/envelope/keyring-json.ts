import { decodeBase64Url, encodeBase64Url } from '../encoding/index.js';
import { BulwarkError } from '../errors.js';
import { readOptions, withoutPrototype } from '../internal/assert.js';
import { wipe } from '../internal/bytes.js';
import { createKeyring, type KeyProvider, type Keyring, type KeyringKeyDefinition } from './keyring.js';
import { exportKeyring } from './keyring-changes.js';

/** Options of {@link parseKeyring} and openKeyring. */
export interface LoadKeyringOptions {
  /** Supplies the keys listed without material. */
  provider?: KeyProvider;
}

const MAX_JSON_CHARS = 1024 * 1024;

function invalid(message: string): BulwarkError {
  return new BulwarkError('KEYRING_INVALID', message);
}

/**
 * The keyring as JSON, key material in base64url: `{"version":1,"keys":[{"id","status","key"}]}` (provider-held
 * keys have no `key`). This is secret: store it sealed (sealKeyring) or in a secret manager.
 * @throws BulwarkError CONFIG_INVALID when `keyring` did not come from createKeyring
 * @example
 * const json = serializeKeyring(keyring);
 */
export function serializeKeyring(keyring: Keyring): string {
  const keys = exportKeyring(keyring).keys.map((k) => {
    // Own `key` only: an inherited one (a polluted Object.prototype) would be written out as local key material.
    if (!Object.hasOwn(k, 'key') || k.key === undefined) return { id: k.id, status: k.status };
    const key = encodeBase64Url(k.key);
    wipe(k.key); // exportKeyring's copy: only the text is needed
    return { id: k.id, status: k.status, key };
  });
  return JSON.stringify({ version: 1, keys });
}

/** Builds a keyring from the parsed JSON value; shared by parseKeyring and openKeyring. */
export function keyringFromJson(value: unknown, optionsArg: LoadKeyringOptions = {}): Keyring {
  const options = readOptions<LoadKeyringOptions>(optionsArg);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('keyring JSON must be an object');
  const { version, keys } = value as { version?: unknown; keys?: unknown };
  if (version !== 1) throw invalid('keyring JSON version must be 1');
  if (!Array.isArray(keys)) throw invalid('keyring JSON must have a keys array');
  // createKeyring copies key material: the decoded arrays are wiped once it returns or throws.
  const materials: Uint8Array[] = [];
  try {
    const definitions: KeyringKeyDefinition[] = keys.map((k: unknown) => {
      if (typeof k !== 'object' || k === null) throw invalid('each key must be an object');
      // Own properties only: an inherited `key` would turn a key held by a provider into local key material.
      const { id, status, key } = withoutPrototype(k as Record<string, unknown>);
      if (key !== undefined && typeof key !== 'string') throw invalid('key material must be base64url text');
      let material: Uint8Array | undefined;
      try {
        material = key === undefined ? undefined : decodeBase64Url(key);
      } catch {
        throw invalid('key material must be base64url text');
      }
      const definition = { id, status } as KeyringKeyDefinition;
      if (material !== undefined) {
        materials.push(material);
        definition.key = material;
      }
      return definition;
    });
    return createKeyring(
      options.provider === undefined ? { keys: definitions } : { keys: definitions, provider: options.provider },
    );
  } finally {
    for (const material of materials) wipe(material);
  }
}

/**
 * Loads a keyring from the JSON {@link serializeKeyring} wrote.
 * @throws BulwarkError KEYRING_INVALID for malformed JSON or an invalid keyring
 * @example
 * const keyring = parseKeyring(await readFile('keyring.json', 'utf8'));
 */
export function parseKeyring(json: string, options?: LoadKeyringOptions): Keyring {
  if (typeof json !== 'string' || json.length > MAX_JSON_CHARS)
    throw invalid('keyring JSON must be a string up to 1 MiB');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid('keyring JSON does not parse');
  }
  return keyringFromJson(value, options);
}
