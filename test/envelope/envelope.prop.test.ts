import {
  changeKeyStatus,
  decryptEnvelope,
  decryptEnvelopeFromString,
  type EncryptionContext,
  encryptEnvelope,
  encryptEnvelopeToString,
  needsRotation,
  rewrap,
  rotateKeyring,
} from 'bulwark/envelope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeContext } from '../../src/envelope/context.js';
import { outcome, referenceContext, singleKeyring } from './helpers.js';

const keyring = singleKeyring('k1');
const INTEGRITY_OR_FORMAT = ['ENVELOPE_DECRYPT_FAILED', 'ENVELOPE_MALFORMED'];

// ASCII strings take the encoder's fast path; graphemes (any well-formed Unicode) the general one.
const text = (maxLength: number, minLength = 0) =>
  fc.oneof(fc.string({ minLength, maxLength }), fc.string({ unit: 'grapheme', minLength, maxLength }));
const contextValue = fc.oneof(
  text(40),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const contextKey = text(8, 1).filter((k) => !k.startsWith('$') && k !== '__proto__');
const context: fc.Arbitrary<EncryptionContext> = fc.dictionary(contextKey, contextValue, { maxKeys: 6 });
const plaintext = fc.uint8Array({ maxLength: 300 });

describe('envelope properties', () => {
  it('decrypt(encrypt(x, c), c) = x for any bytes and any context', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, context, async (x, c) => {
        const sealed = await encryptEnvelope(keyring, x, { context: c });
        expect(await decryptEnvelope(keyring, sealed, { context: c })).toEqual(x);
        const text = await encryptEnvelopeToString(keyring, x, { context: c });
        expect(await decryptEnvelopeFromString(keyring, text, { context: c })).toEqual(x);
      }),
      { numRuns: 150 },
    );
  });

  it('the context encoding is canonical: key order does not matter, any other change does', () => {
    fc.assert(
      fc.property(context, context, (a, b) => {
        const reversed = Object.fromEntries(Object.entries(a).reverse());
        expect(encodeContext(reversed)).toEqual(encodeContext(a));
        const same = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
        const normalize = (c: EncryptionContext) =>
          JSON.stringify(
            Object.entries(c)
              .map(([k, v]) => [k, typeof v, Object.is(v, -0) ? 0 : v])
              .sort(),
          );
        if (!same && normalize(a) !== normalize(b)) expect(encodeContext(a)).not.toEqual(encodeContext(b));
      }),
      { numRuns: 500 },
    );
  });

  it('the context encoding matches an independent implementation of the spec (ASCII fast path and general path)', () => {
    const ascii = fc.dictionary(
      fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '_', '0'), minLength: 1, maxLength: 6 }),
      fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
      ),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(fc.oneof(ascii, context), (c) => {
        expect(Buffer.from(encodeContext(c)).equals(referenceContext(c))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a different context fails with ENVELOPE_DECRYPT_FAILED', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, context, context, async (x, a, b) => {
        fc.pre(!equalBytes(encodeContext(a), encodeContext(b)));
        const sealed = await encryptEnvelope(keyring, x, { context: a });
        expect(await outcome(() => decryptEnvelope(keyring, sealed, { context: b }))).toBe('ENVELOPE_DECRYPT_FAILED');
      }),
      { numRuns: 100 },
    );
  });

  it('every single bit flip anywhere fails with an integrity or format error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 40 }), context, async (x, c) => {
        const sealed = await encryptEnvelope(keyring, x, { context: c });
        const idEnd = 2 + (sealed[1] as number);
        for (let bit = 0; bit < sealed.length * 8; bit++) {
          const tampered = sealed.slice();
          tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
          const result = await outcome(() => decryptEnvelope(keyring, tampered, { context: c }));
          // A flip inside the key id (or its length) names a key this keyring does not hold: KEY_NOT_FOUND says so.
          const allowed = bit >> 3 < idEnd ? [...INTEGRITY_OR_FORMAT, 'KEY_NOT_FOUND'] : INTEGRITY_OR_FORMAT;
          expect(allowed, `bit ${bit}`).toContain(result);
        }
      }),
      { numRuns: 8 },
    );
  });

  it('truncation at every length and appended bytes fail with an integrity or format error', async () => {
    await fc.assert(
      fc.asyncProperty(plaintext, context, fc.uint8Array({ minLength: 1, maxLength: 20 }), async (x, c, extra) => {
        const sealed = await encryptEnvelope(keyring, x, { context: c });
        for (let length = 0; length < sealed.length; length++) {
          const result = await outcome(() => decryptEnvelope(keyring, sealed.subarray(0, length), { context: c }));
          expect(INTEGRITY_OR_FORMAT, `length ${length}`).toContain(result);
        }
        const longer = new Uint8Array(sealed.length + extra.length);
        longer.set(sealed);
        longer.set(extra, sealed.length);
        expect(INTEGRITY_OR_FORMAT).toContain(await outcome(() => decryptEnvelope(keyring, longer, { context: c })));
      }),
      { numRuns: 10 },
    );
  });

  it('any change to the text form fails with an integrity or format error', async () => {
    const text = await encryptEnvelopeToString(keyring, 'alice@example.com');
    const alphabet = 'AQgw_-.= '; // each base64url bit position, and characters outside the alphabet
    for (let i = 0; i < text.length; i++) {
      for (const ch of alphabet) {
        if (ch === text[i]) continue;
        const changed = text.slice(0, i) + ch + text.slice(i + 1);
        const result = await outcome(() => decryptEnvelopeFromString(keyring, changed));
        const inKeyId = i >= 5 && i < 5 + 6; // base64url of version, length and "k1" spans these characters
        expect(inKeyId ? [...INTEGRITY_OR_FORMAT, 'KEY_NOT_FOUND'] : INTEGRITY_OR_FORMAT, `${i} ${ch}`).toContain(
          result,
        );
      }
    }
  });

  it('after rotation old ciphertexts decrypt, rewrap output decrypts under the new key id, disabled keys refuse', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plaintext, { minLength: 1, maxLength: 5 }), context, async (values, c) => {
        const old = await Promise.all(values.map((v) => encryptEnvelope(keyring, v, { context: c })));
        const rotated = rotateKeyring(keyring, { id: 'k2' });
        for (const [i, sealed] of old.entries()) {
          expect(needsRotation(sealed, rotated)).toBe(true);
          expect(await decryptEnvelope(rotated, sealed, { context: c })).toEqual(values[i]);
          const rewrapped = await rewrap(sealed, rotated);
          expect(needsRotation(rewrapped, rotated)).toBe(false);
          expect(new TextDecoder().decode(rewrapped.subarray(2, 4))).toBe('k2');
          expect(await decryptEnvelope(rotated, rewrapped, { context: c })).toEqual(values[i]);
          const retired = changeKeyStatus(rotated, 'k1', 'disabled');
          expect(await outcome(() => decryptEnvelope(retired, sealed, { context: c }))).toBe('KEY_DISABLED');
          expect(await outcome(() => rewrap(sealed, retired))).toBe('KEY_DISABLED');
          expect(await decryptEnvelope(retired, rewrapped, { context: c })).toEqual(values[i]);
        }
      }),
      { numRuns: 30 },
    );
  });
});

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
