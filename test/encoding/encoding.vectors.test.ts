// Source: RFC 4648 §10 test vectors, ../shared/vectors/rfc/rfc4648-encoding.json
import { describe, expect, it } from 'vitest';
import {
  decodeBase32,
  decodeBase64,
  decodeBase64Url,
  decodeHex,
  decodeUtf8,
  encodeBase32,
  encodeBase64,
  encodeBase64Url,
  encodeHex,
  encodeUtf8,
} from '../../src/encoding/index.js';
import { loadVectors } from '../support/vectors.js';

const file = loadVectors('rfc/rfc4648-encoding.json');

describe('RFC 4648 §10 vectors', () => {
  for (const t of file.tests as Array<Record<string, string>>) {
    const input = encodeUtf8(t.input as string);
    it(`"${t.input}"`, () => {
      expect(encodeBase64(input)).toBe(t.base64);
      expect(decodeBase64(t.base64 as string)).toEqual(input);
      expect(encodeBase32(input, { padding: true })).toBe(t.base32);
      expect(decodeBase32(t.base32 as string)).toEqual(input);
      expect(encodeBase32(input)).toBe(t.base32_nopad);
      expect(decodeBase32(t.base32_nopad as string)).toEqual(input);
      expect(encodeHex(input)).toBe((t.base16 as string).toLowerCase());
      expect(decodeHex(t.base16 as string)).toEqual(input);
      expect(encodeBase64Url(input)).toBe(t.base64url_nopad);
      expect(decodeBase64Url(t.base64url_nopad as string)).toEqual(input);
      expect(decodeUtf8(input)).toBe(t.input);
    });
  }
});
