import { assertIntegerInRange } from '../internal/assert.js';
import type { OwnedBytes } from '../internal/bytes.js';
import { getNodeCrypto, getWebCrypto } from './platform.js';

const MAX_REQUEST = 1 << 30;
// WebCrypto's getRandomValues refuses more than 65536 bytes per call, and so does workerd's node:crypto
// randomFillSync, which is built on it: every path draws in chunks of this size.
const CHUNK = 65536;

/** Fills `buffer` from the platform CSPRNG and returns it. */
export function fillRandom<T extends Uint8Array>(buffer: T): T {
  const node = getNodeCrypto();
  if (node !== null) {
    for (let offset = 0; offset < buffer.length; offset += CHUNK) {
      node.randomFillSync(buffer, offset, Math.min(CHUNK, buffer.length - offset));
    }
    return buffer;
  }
  const c = getWebCrypto();
  for (let offset = 0; offset < buffer.length; offset += CHUNK) {
    c.getRandomValues(buffer.subarray(offset, Math.min(buffer.length, offset + CHUNK)));
  }
  return buffer;
}

/** `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): OwnedBytes {
  assertIntegerInRange(length, 'length', 0, MAX_REQUEST);
  return fillRandom(new Uint8Array(length));
}
