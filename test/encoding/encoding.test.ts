import { describe, expect, it } from 'vitest';
import {
  decodeBase32,
  decodeBase64,
  decodeBase64Url,
  decodeHex,
  decodeUtf8,
  encodeBase32,
  encodeBase64,
  encodeUtf8,
} from '../../src/encoding/index.js';
import { expectBulwarkErrorSync } from '../support/errors.js';

describe('strict decoding', () => {
  it.each([
    ['base64', 'Zg=', 'length with partial padding'],
    ['base64', 'Zh==', 'non-zero trailing bits'],
    ['base64', 'Zm9=', 'non-zero trailing bits (2 bytes)'],
    ['base64', 'Z===', 'impossible length'],
    ['base64', 'Zg==Zg==', 'padding in the middle'],
    ['base64', 'Zm 9v', 'whitespace'],
    ['base64', 'Zm9v\n', 'newline'],
    ['base64', '-_8=', 'url alphabet in standard base64'],
    ['base64url', '+/8', 'standard alphabet in base64url'],
    ['base32', 'MZ', 'non-zero trailing bits'],
    ['base32', 'MZXW6===X', 'data after padding'],
    ['base32', 'MZXW6=', 'incomplete padding'],
    ['base32', 'A', 'impossible length 1'],
    ['base32', 'AAA', 'impossible length 3'],
    ['base32', 'AAAAAA', 'impossible length 6'],
    ['base32', 'MZXW1', 'digit 1 is not base32'],
    ['base32', 'MZXW 6YTB', 'space without humanInput'],
    ['hex', 'abc', 'odd length'],
    ['hex', 'zz', 'non-hex'],
    ['hex', ' 00', 'whitespace'],
  ])('%s refuses %j (%s)', (kind, text) => {
    const decode = { base64: decodeBase64, base64url: decodeBase64Url, base32: decodeBase32, hex: decodeHex }[kind]!;
    const e = expectBulwarkErrorSync(() => decode(text), 'ENCODING_INVALID');
    expect(e.message).not.toContain(text.trim() || '\u0000');
  });

  it('non-string input is ENCODING_INVALID, not a TypeError', () => {
    expectBulwarkErrorSync(() => decodeBase64(42 as unknown as string), 'ENCODING_INVALID');
    expectBulwarkErrorSync(() => decodeBase32(null as unknown as string), 'ENCODING_INVALID');
  });

  it('non-bytes input to encoders is INPUT_INVALID', () => {
    expectBulwarkErrorSync(() => encodeBase64('abc' as unknown as Uint8Array), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => encodeBase32([1, 2] as unknown as Uint8Array), 'INPUT_INVALID');
  });

  it.each([
    ['encodeBase64', (o: unknown) => encodeBase64(new Uint8Array(3), o as never)],
    ['encodeBase32', (o: unknown) => encodeBase32(new Uint8Array(3), o as never)],
    ['decodeBase32', (o: unknown) => decodeBase32('AAAA', o as never)],
  ])('%s refuses options that are not an object with CONFIG_INVALID, not a TypeError', (_, call) => {
    for (const bad of [null, 'padding', 1, []]) expectBulwarkErrorSync(() => call(bad), 'CONFIG_INVALID');
    expect(call(undefined)).toBeDefined();
  });

  it('base32 tolerates what a person types only when asked', () => {
    const typed = 'jbsw y3dp-ehpk 3pxp';
    expect(encodeBase32(decodeBase32(typed, { humanInput: true }))).toBe('JBSWY3DPEHPK3PXP');
  });

  it('UTF-8 refuses lone surrogates instead of replacing them (two passwords must never collide)', () => {
    expectBulwarkErrorSync(() => encodeUtf8('a\ud800b'), 'ENCODING_INVALID');
    expectBulwarkErrorSync(() => encodeUtf8('\udc00'), 'ENCODING_INVALID');
    expect(encodeUtf8('😀')).toEqual(new Uint8Array([0xf0, 0x9f, 0x98, 0x80]));
  });

  it('UTF-8 decoding refuses overlong forms, surrogates and truncation', () => {
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff]]) {
      expectBulwarkErrorSync(() => decodeUtf8(new Uint8Array(bad)), 'ENCODING_INVALID');
    }
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
  });

  it('large inputs round-trip (byte-buffer string building, native codec)', () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 31) & 255);
    expect(decodeBase64(encodeBase64(big))).toEqual(big);
  });
});

describe('large inputs take the native path and stay strict', () => {
  const big = new Uint8Array(5000).map((_, i) => (i * 7) & 255);
  it('round-trips and matches Buffer', () => {
    const text = Buffer.from(big).toString('base64');
    expect(decodeBase64(text)).toEqual(big);
    expect(decodeBase64(text.replace(/=+$/, ''))).toEqual(big);
    expect(decodeBase64Url(Buffer.from(big).toString('base64url'))).toEqual(big);
  });
  it.each([128, 400, 1000, 8000])(
    'decodes %i characters into an array of its own (decoded values can be keys)',
    (n) => {
      const text = Buffer.from(big.subarray(0, (n / 4) * 3)).toString('base64');
      for (const out of [decodeBase64(text), decodeBase64Url(text.replace(/\+/g, '-').replace(/\//g, '_'))]) {
        expect(out.byteOffset).toBe(0);
        expect(out.buffer.byteLength).toBe(out.length);
        expect(out).toEqual(big.subarray(0, out.length));
      }
    },
  );
  it.each([
    ['a space in the middle', (t: string) => `${t.slice(0, 100)} ${t.slice(101)}`],
    ['a url character in standard base64', (t: string) => `${t.slice(0, 100)}-${t.slice(101)}`],
    ['non-zero trailing bits', (t: string) => t.replace(/=+$/, '').slice(0, -1).concat('B')],
    ['padding in the middle', (t: string) => `${t.slice(0, 100)}=${t.slice(101)}`],
  ])('refuses %s', (_, mutate) => {
    const text = Buffer.from(big.subarray(0, 4000)).toString('base64');
    expectBulwarkErrorSync(() => decodeBase64(mutate(text)), 'ENCODING_INVALID');
  });
});
