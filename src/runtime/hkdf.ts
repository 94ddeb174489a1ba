import { BulwarkError } from '../errors.js';
import { assertBytes, toArrayView } from '../internal/bytes.js';
import { assertHash, HASHES, type HashAlgorithm } from './hash.js';
import { getNodeCrypto, getSubtle } from './platform.js';

const MAX_INFO_BYTES = 1024;

/**
 * HKDF (RFC 5869) extract-and-expand to `length` bytes; at most 255 × the hash length, as the RFC bounds it.
 * `info` is limited to 1024 bytes, as node:crypto limits it, so a derivation that works in one runtime works in all.
 * @throws BulwarkError CONFIG_INVALID for a length outside 1..255×HashLen or `info` over 1024 bytes
 */
export async function hkdf(
  algorithm: HashAlgorithm,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const hash = HASHES[assertHash(algorithm)];
  assertBytes(ikm, 'ikm');
  assertBytes(salt, 'salt');
  if (assertBytes(info, 'info').length > MAX_INFO_BYTES) {
    throw new BulwarkError('CONFIG_INVALID', `info must be at most ${MAX_INFO_BYTES} bytes`, {
      details: { parameter: 'info', max: MAX_INFO_BYTES },
    });
  }
  if (!Number.isInteger(length) || length < 1 || length > 255 * hash.bytes) {
    throw new BulwarkError('CONFIG_INVALID', `length must be an integer from 1 to ${255 * hash.bytes}`, {
      details: { parameter: 'length' },
    });
  }
  const node = getNodeCrypto();
  if (node !== null && typeof node.hkdfSync === 'function') {
    return new Uint8Array(node.hkdfSync(hash.node, ikm, salt, info, length));
  }
  const subtle = getSubtle();
  const key = await subtle.importKey('raw', toArrayView(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'HKDF', hash: algorithm, salt: toArrayView(salt), info: toArrayView(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}
