import { assertBytes, toArrayView } from '../internal/bytes.js';
import { assertHash, HASHES, type HashAlgorithm } from './hash.js';
import { getNodeCrypto, getSubtle } from './platform.js';

/** Synchronous HMAC where node:crypto exists, else undefined (callers then take {@link hmac}). */
export function hmacSync(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  const node = getNodeCrypto();
  if (node === null) return undefined;
  const h = node.createHmac(HASHES[assertHash(algorithm)].node, assertBytes(key, 'key'));
  h.update(assertBytes(data, 'data'));
  return new Uint8Array(h.digest());
}

/** HMAC of `data` under `key` (RFC 2104). Keys of any length, as the RFC allows. */
export async function hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const sync = hmacSync(algorithm, key, data);
  if (sync !== undefined) return sync;
  const cryptoKey = await importHmacKey(algorithm, key);
  return new Uint8Array(await getSubtle().sign('HMAC', cryptoKey, toArrayView(assertBytes(data, 'data'))));
}

/** A non-extractable WebCrypto HMAC key, for callers that sign many messages with one key. */
export async function importHmacKey(algorithm: HashAlgorithm, key: Uint8Array): Promise<CryptoKey> {
  assertBytes(key, 'key');
  // WebCrypto refuses zero-length HMAC keys; RFC 2104 pads any key to the block size, so one zero byte is equivalent.
  const raw = key.length === 0 ? new Uint8Array(1) : toArrayView(key);
  return getSubtle().importKey('raw', raw, { name: 'HMAC', hash: assertHash(algorithm) }, false, ['sign', 'verify']);
}
