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
import { bytesEqual, equal, ok, throwsCode, toHex } from './assert.js';
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
  cases.push(
    {
      name: 'large inputs (native fast paths) agree with a reference encoder, both ways',
      run: () => {
        // Sizes on both sides of the native codec's thresholds (32 output, 128 input characters) and far beyond.
        for (const size of [0, 1, 2, 3, 23, 24, 25, 95, 96, 97, 767, 768, 1500, 4097, 100_002]) {
          const bytes = patternBytes(size);
          const base64 = referenceEncode(bytes, BASE64, 6);
          const base64Url = base64.replaceAll('+', '-').replaceAll('/', '_');
          equal(encodeBase64(bytes), padTo(base64, 4), `base64 of ${size} bytes`);
          equal(encodeBase64Url(bytes), base64Url, `base64url of ${size} bytes`);
          equal(encodeBase32(bytes), referenceEncode(bytes, BASE32, 5), `base32 of ${size} bytes`);
          equal(encodeHex(bytes), toHex(bytes), `hex of ${size} bytes`);
          bytesEqual(decodeBase64(padTo(base64, 4)), bytes, `base64 decode of ${size} bytes`);
          bytesEqual(decodeBase64Url(base64Url), bytes, `base64url decode of ${size} bytes`);
          bytesEqual(decodeBase32(referenceEncode(bytes, BASE32, 5)), bytes, `base32 decode of ${size} bytes`);
          bytesEqual(decodeHex(toHex(bytes)), bytes, `hex decode of ${size} bytes`);
        }
      },
    },
    {
      name: 'large inputs: one bad character anywhere is refused, never skipped',
      run: async () => {
        for (const size of [99, 30_000]) {
          const text = encodeBase64(patternBytes(size));
          ok(text.length > 128, 'long enough for the native path');
          for (const bad of ['*', ' ', '\n', '-', '=', '\u00e9']) {
            const middle = text.length / 2;
            const broken = text.slice(0, middle) + bad + text.slice(middle + 1);
            const label = `base64 of ${size} bytes with ${JSON.stringify(bad)}`;
            await throwsCode(() => decodeBase64(broken), 'ENCODING_INVALID', label);
          }
        }
        const url = encodeBase64Url(patternBytes(30_001));
        await throwsCode(() => decodeBase64Url(`${url.slice(0, 100)}+${url.slice(101)}`), 'ENCODING_INVALID', 'url +');
        // 30,001 bytes leave 2 trailing characters: the last one's low 4 bits must be zero.
        const last = url.at(-1)!;
        const nonCanonical = url.slice(0, -1) + (last === 'A' ? 'B' : 'A');
        await throwsCode(() => decodeBase64Url(nonCanonical), 'ENCODING_INVALID', 'non-canonical trailing bits');
      },
    },
  );
  return cases;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Bytes that cover every value and differ in every position. */
function patternBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + (i >> 8) * 7 + 17) & 255;
  return out;
}

/** RFC 4648 written the slow, obvious way: a bit buffer read `bits` at a time, unpadded. */
function referenceEncode(bytes: Uint8Array, alphabet: string, bits: number): string {
  let out = '';
  let buffer = 0;
  let count = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    count += 8;
    while (count >= bits) {
      out += alphabet[(buffer >> (count - bits)) & ((1 << bits) - 1)];
      count -= bits;
    }
  }
  if (count > 0) out += alphabet[(buffer << (bits - count)) & ((1 << bits) - 1)];
  return out;
}

function padTo(text: string, multiple: number): string {
  return text + '='.repeat((multiple - (text.length % multiple)) % multiple);
}
