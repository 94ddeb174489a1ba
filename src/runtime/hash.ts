import { BulwarkError } from '../errors.js';
import { assertBytes, toArrayView } from '../internal/bytes.js';
import { getNodeCrypto, getSubtle } from './platform.js';

/** Hash functions the seam offers. SHA-1 exists only for HOTP/TOTP compatibility and HIBP range queries. */
export type HashAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Facts per hash function, described once. */
export const HASHES: Readonly<Record<HashAlgorithm, { node: string; bytes: number; blockBytes: number }>> =
  Object.freeze({
    'SHA-1': { node: 'sha1', bytes: 20, blockBytes: 64 },
    'SHA-256': { node: 'sha256', bytes: 32, blockBytes: 64 },
    'SHA-384': { node: 'sha384', bytes: 48, blockBytes: 128 },
    'SHA-512': { node: 'sha512', bytes: 64, blockBytes: 128 },
  });

export function assertHash(algorithm: unknown): HashAlgorithm {
  if (typeof algorithm !== 'string' || !Object.hasOwn(HASHES, algorithm)) {
    throw new BulwarkError('CONFIG_INVALID', 'hash algorithm must be one of SHA-1, SHA-256, SHA-384, SHA-512', {
      details: { parameter: 'algorithm' },
    });
  }
  return algorithm as HashAlgorithm;
}

/** Synchronous digest where the platform has a native synchronous hash (node:crypto), else undefined. */
export function digestSync(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array | undefined {
  const node = getNodeCrypto();
  if (node === null) return undefined;
  const h = node.createHash(HASHES[assertHash(algorithm)].node);
  h.update(assertBytes(data, 'data'));
  return new Uint8Array(h.digest());
}

/** Digest of `data`; synchronous native path under Node (faster for small inputs), WebCrypto elsewhere. */
export async function digest(algorithm: HashAlgorithm, data: Uint8Array): Promise<Uint8Array> {
  const sync = digestSync(algorithm, data);
  if (sync !== undefined) return sync;
  assertBytes(data, 'data');
  return new Uint8Array(await getSubtle().digest(assertHash(algorithm), toArrayView(data)));
}
