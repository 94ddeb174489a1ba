import { BulwarkError } from '../errors.js';
import { readOptions } from '../internal/assert.js';
import {
  createKeyring,
  generateEnvelopeKey,
  type Keyring,
  type KeyringDefinition,
  type KeyringKeyDefinition,
  type KeyringKeyStatus,
  keyringState,
} from './keyring.js';

/**
 * The keyring's definition, key material included (copies): the way to derive a new keyring or back one up.
 * @throws BulwarkError CONFIG_INVALID when `keyring` did not come from createKeyring
 * @example
 * const copy = createKeyring(exportKeyring(keyring)); // same keys, ids and statuses
 */
export function exportKeyring(keyring: Keyring): KeyringDefinition {
  const state = keyringState(keyring);
  const keys = [...state.entries.values()].map((e) =>
    e.material === undefined
      ? { id: e.id, status: e.status }
      : { id: e.id, status: e.status, key: new Uint8Array(e.material) },
  );
  return state.provider === undefined ? { keys } : { keys, provider: state.provider };
}

/**
 * A new keyring whose primary is a new key (`key`, or a generated one); the old primary becomes `decrypt-only`
 * (or `previousStatus`). Step one of the rotation runbook in docs/envelope.md.
 * @throws BulwarkError KEYRING_INVALID for a duplicate id or a bad key
 * @example
 * const next = rotateKeyring(keyring, { id: '2026-07' });
 */
export function rotateKeyring(
  keyring: Keyring,
  optionsArg: { id: string; key?: Uint8Array; previousStatus?: 'active' | 'decrypt-only' | 'disabled' },
): Keyring {
  const options = readOptions<{ id: string; key?: Uint8Array; previousStatus?: KeyringKeyStatus }>(optionsArg);
  const definition = exportKeyring(keyring);
  const previous = options.previousStatus ?? 'decrypt-only';
  const keys: KeyringKeyDefinition[] = definition.keys.map((k) =>
    k.status === 'primary' ? { ...k, status: previous } : k,
  );
  keys.push({ id: options.id as string, key: options.key ?? generateEnvelopeKey(), status: 'primary' });
  return createKeyring({ ...definition, keys });
}

/**
 * A new keyring with one key's status changed (e.g. `decrypt-only` → `disabled` once rotation is done).
 * Promoting a key to `primary` demotes the current primary to `decrypt-only`.
 * @throws BulwarkError KEY_NOT_FOUND for an unknown id; KEYRING_INVALID if the result has no single primary
 * @example
 * const retired = changeKeyStatus(keyring, '2026-01', 'disabled');
 */
export function changeKeyStatus(keyring: Keyring, id: string, status: KeyringKeyStatus): Keyring {
  const definition = exportKeyring(keyring);
  if (!definition.keys.some((k) => k.id === id)) {
    throw new BulwarkError('KEY_NOT_FOUND', 'no key with this id in the keyring', { details: { keyId: id } });
  }
  const keys = definition.keys.map((k) =>
    k.id === id
      ? { ...k, status }
      : status === 'primary' && k.status === 'primary'
        ? { ...k, status: 'decrypt-only' as const }
        : k,
  );
  return createKeyring({ ...definition, keys });
}
