/** The pure-TypeScript SHA cores and HMAC against node:crypto for random keys and messages of every length. */
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmacKey, hashBytes, hmacBytes, hmacCounter } from '../../src/internal/sha-core.js';
import { SHA1_CORE } from '../../src/internal/sha1.js';
import { SHA256_CORE } from '../../src/internal/sha256.js';
import { SHA512_CORE } from '../../src/internal/sha512.js';

const CORES = [
  ['sha1', SHA1_CORE],
  ['sha256', SHA256_CORE],
  ['sha512', SHA512_CORE],
] as const;

function wordsToHex(words: Int32Array): string {
  const view = new DataView(new ArrayBuffer(words.length * 4));
  words.forEach((w, i) => {
    view.setInt32(i * 4, w);
  });
  return Buffer.from(view.buffer).toString('hex');
}

describe.each(CORES)('%s in TypeScript', (name, core) => {
  it('hash and HMAC equal node:crypto for any key and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (key, message) => {
        expect(Buffer.from(hashBytes(core, message)).toString('hex')).toBe(
          createHash(name).update(message).digest('hex'),
        );
        expect(Buffer.from(hmacBytes(createHmacKey(core, key), message)).toString('hex')).toBe(
          createHmac(name, key).update(message).digest('hex'),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('the HOTP counter path equals HMAC of the 8-byte big-endian counter', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (key, c) => {
          const message = new Uint8Array(8);
          new DataView(message.buffer).setBigUint64(0, c);
          const words = new Int32Array(core.digestWords);
          const view = new DataView(message.buffer);
          const prepared = createHmacKey(core, key);
          hmacCounter(prepared, view.getInt32(0), view.getInt32(4), words);
          expect(wordsToHex(words)).toBe(createHmac(name, key).update(message).digest('hex'));
          // Reusing one prepared key for many counters is how verification works.
          expect(wordsToHex(words)).toBe(Buffer.from(hmacBytes(prepared, message)).toString('hex'));
        },
      ),
      { numRuns: 200 },
    );
  });
});
