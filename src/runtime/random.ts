import { assertIntegerInRange } from '../internal/assert.js';
import { getNodeCrypto, getWebCrypto } from './platform.js';

const MAX_REQUEST = 1 << 30;

/** Fills `buffer` from the platform CSPRNG and returns it. */
export function fillRandom<T extends Uint8Array>(buffer: T): T {
  const node = getNodeCrypto();
  if (node !== null) return node.randomFillSync(buffer);
  const c = getWebCrypto();
  // getRandomValues refuses more than 65536 bytes per call.
  for (let offset = 0; offset < buffer.length; offset += 65536) {
    c.getRandomValues(buffer.subarray(offset, Math.min(buffer.length, offset + 65536)));
  }
  return buffer;
}

/** `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  assertIntegerInRange(length, 'length', 0, MAX_REQUEST);
  return fillRandom(new Uint8Array(length));
}
