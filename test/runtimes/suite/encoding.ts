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
} from 'bulwark/encoding';
import { equal, throwsCode } from './assert.js';
import type { ConformanceCase } from './index.js';
import { rfc4648 } from './vectors.js';

export function encodingCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = rfc4648.tests.map((t) => ({
    name: `RFC 4648 "${t.input}"`,
    run: () => {
      const input = encodeUtf8(t.input);
      equal(encodeBase64(input), t.base64, 'base64');
      equal(decodeUtf8(decodeBase64(t.base64)), t.input, 'base64 decode');
      equal(encodeBase64Url(input), t.base64url_nopad, 'base64url');
      equal(decodeUtf8(decodeBase64Url(t.base64url_nopad)), t.input, 'base64url decode');
      equal(encodeBase32(input, { padding: true }), t.base32, 'base32');
      equal(decodeUtf8(decodeBase32(t.base32)), t.input, 'base32 decode');
      equal(encodeHex(input), t.base16.toLowerCase(), 'hex');
      equal(decodeUtf8(decodeHex(t.base16)), t.input, 'hex decode');
    },
  }));
  cases.push({
    name: 'strict decoders refuse invalid input',
    run: async () => {
      await throwsCode(() => decodeBase64('Zh=='), 'ENCODING_INVALID', 'non-canonical base64');
      await throwsCode(() => decodeBase64Url('Zg=a'), 'ENCODING_INVALID', 'misplaced padding');
      await throwsCode(() => decodeBase32('MZ'), 'ENCODING_INVALID', 'non-canonical base32');
      await throwsCode(() => decodeHex('abc'), 'ENCODING_INVALID', 'odd hex');
      await throwsCode(() => decodeUtf8(new Uint8Array([0xc3])), 'ENCODING_INVALID', 'truncated UTF-8');
      await throwsCode(() => encodeUtf8('\ud800'), 'ENCODING_INVALID', 'lone surrogate');
    },
  });
  return cases;
}
