import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase32,
  decodeBase64,
  decodeBase64Url,
  decodeBase64UrlInto,
  decodeHex,
  decodeUtf8,
  encodeBase32,
  encodeBase64,
  encodeBase64Url,
  encodeHex,
  encodeUtf8,
} from '../../src/encoding/index.js';
import { isBulwarkError } from '../../src/errors.js';

// Small inputs (the TypeScript path: base64 encodings below 32 characters, decodings below 384) and larger ones.
const bytes = fc.oneof(
  { weight: 9, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 700, maxLength: 3000 }) },
);

/** Runs `decode`; returns its bytes, or 'invalid' for ENCODING_INVALID. Any other throw fails the property. */
function attempt(decode: (s: string) => Uint8Array, s: string): Uint8Array | 'invalid' {
  try {
    return decode(s);
  } catch (e) {
    if (isBulwarkError(e, 'ENCODING_INVALID')) return 'invalid';
    throw e;
  }
}

describe('round trips for any bytes', () => {
  it('base64 (padded and unpadded), base64url, base32 (padded and unpadded), hex', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(decodeBase64(encodeBase64(b))).toEqual(b);
        expect(decodeBase64(encodeBase64(b, { padding: false }))).toEqual(b);
        expect(decodeBase64Url(encodeBase64Url(b))).toEqual(b);
        expect(decodeBase32(encodeBase32(b))).toEqual(b);
        expect(decodeBase32(encodeBase32(b, { padding: true }))).toEqual(b);
        expect(decodeBase32(encodeBase32(b).toLowerCase())).toEqual(b);
        expect(decodeHex(encodeHex(b))).toEqual(b);
        expect(decodeHex(encodeHex(b).toUpperCase())).toEqual(b);
      }),
    );
  });

  it('agrees with Node Buffer on base64/base64url/hex output', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const buf = Buffer.from(b);
        expect(encodeBase64(b)).toBe(buf.toString('base64'));
        expect(encodeBase64Url(b)).toBe(buf.toString('base64url'));
        expect(encodeHex(b)).toBe(buf.toString('hex'));
      }),
    );
  });

  it('UTF-8 round-trips any well-formed string and matches TextEncoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        const encoded = encodeUtf8(s);
        expect(encoded).toEqual(new TextEncoder().encode(s));
        expect(decodeUtf8(encoded)).toBe(s);
      }),
    );
  });

  it('a Node Buffer is accepted wherever bytes are', () => {
    const buf = Buffer.from('hello');
    expect(encodeBase64(buf)).toBe('aGVsbG8=');
    expect(decodeUtf8(buf)).toBe('hello');
  });
});

describe('decodeBase64UrlInto', () => {
  const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ '.split(''));
  const outcome = (f: () => Uint8Array): Uint8Array | string => {
    try {
      return Uint8Array.from(f());
    } catch (e) {
      return isBulwarkError(e) ? e.code : 'OTHER';
    }
  };

  it('agrees with decodeBase64Url on any text, short or native-path long, and writes into the target it returns', () => {
    const text = fc.oneof(
      bytes.map((b) => encodeBase64Url(b)),
      fc.string({ unit: alphabet, maxLength: 60 }),
      fc.tuple(fc.uint8Array({ minLength: 288, maxLength: 600 }), fc.nat(), alphabet).map(([b, at, c]) => {
        const t = encodeBase64Url(b);
        const i = at % t.length;
        return t.slice(0, i) + c + t.slice(i + 1);
      }),
    );
    fc.assert(
      fc.property(text, fc.nat({ max: 8 }), (s, offset) => {
        const target = new Uint8Array(offset + 2400).fill(0xaa).subarray(offset);
        const expected = outcome(() => decodeBase64Url(s));
        expect(outcome(() => decodeBase64UrlInto(s, target))).toEqual(expected);
        if (typeof expected !== 'string') {
          const view = decodeBase64UrlInto(s, target);
          expect(view.buffer).toBe(target.buffer);
          expect(view.byteOffset).toBe(target.byteOffset);
          expect(target[expected.length]).toBe(0xaa); // nothing written past the decoded bytes
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a target too short for the bytes, or not a Uint8Array, with INPUT_INVALID', () => {
    const text = encodeBase64Url(new Uint8Array(10).fill(7));
    expect(outcome(() => decodeBase64UrlInto(text, new Uint8Array(10)))).toEqual(new Uint8Array(10).fill(7));
    expect(outcome(() => decodeBase64UrlInto(text, new Uint8Array(9)))).toBe('INPUT_INVALID');
    expect(outcome(() => decodeBase64UrlInto(encodeBase64Url(new Uint8Array(600)), new Uint8Array(599)))).toBe(
      'INPUT_INVALID',
    );
    expect(outcome(() => decodeBase64UrlInto(text, [] as never))).toBe('INPUT_INVALID');
    expect(outcome(() => decodeBase64UrlInto(42 as never, new Uint8Array(10)))).toBe('ENCODING_INVALID');
  });
});

describe('decoders on arbitrary strings: a canonical answer or ENCODING_INVALID, nothing else', () => {
  const cases: [string, (s: string) => Uint8Array, (b: Uint8Array) => string[]][] = [
    ['base64', decodeBase64, (b) => [encodeBase64(b), encodeBase64(b, { padding: false })]],
    [
      'base64url',
      decodeBase64Url,
      (b) => [encodeBase64Url(b), `${encodeBase64Url(b)}${'='.repeat((4 - (encodeBase64Url(b).length % 4)) % 4)}`],
    ],
    ['base32', decodeBase32, (b) => [encodeBase32(b), encodeBase32(b, { padding: true })]],
    ['hex', decodeHex, (b) => [encodeHex(b)]],
  ];
  const alphabet = fc.constantFrom(
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= \n.é'.split(''),
  );
  for (const [name, decode, encodings] of cases) {
    it(`${name}: whatever decodes re-encodes to the same text (modulo case for base32/hex)`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: alphabet, maxLength: 40 })), (s) => {
          const out = attempt(decode, s);
          if (out === 'invalid') return;
          const forms = encodings(out);
          const normalized = name === 'base32' ? s.toUpperCase() : name === 'hex' ? s.toLowerCase() : s;
          expect(forms).toContain(normalized);
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('base64 and base64url from 384 characters up (the native path): one changed character is canonical or refused', () => {
    const [[, decode64, forms64], [, decodeUrl, formsUrl]] = cases as [(typeof cases)[0], (typeof cases)[0]];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 288, maxLength: 600 }),
        fc.nat(),
        alphabet,
        fc.boolean(),
        (b, at, c, url) => {
          const text = url ? encodeBase64Url(b) : encodeBase64(b);
          const i = at % text.length;
          const s = text.slice(0, i) + c + text.slice(i + 1);
          const out = attempt(url ? decodeUrl : decode64, s);
          if (out === 'invalid') return;
          expect((url ? formsUrl : forms64)(out)).toContain(s);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('UTF-8: arbitrary bytes decode or raise ENCODING_INVALID, and decoded text re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        let s: string;
        try {
          s = decodeUtf8(b);
        } catch (e) {
          expect(isBulwarkError(e, 'ENCODING_INVALID')).toBe(true);
          return;
        }
        expect(encodeUtf8(s)).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });
});
