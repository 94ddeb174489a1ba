// Sources: RFC 4231 §4 (rfc/rfc4231-hmac.json), RFC 5869 App. A (rfc/rfc5869-hkdf.json), Project Wycheproof
// hmac_sha{1,256,512}_test.json and hkdf_sha256_test.json (wycheproof/, commit dac1dd47, Apache-2.0).
// Each vector runs on both paths of the seam: node:crypto (native, synchronous) and WebCrypto (as in browsers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, type HashAlgorithm, hkdf, hmac, setRuntimeOverrideForTesting } from '../../src/runtime/index.js';
import { hex, loadVectors, toHex } from '../support/vectors.js';

const paths = [
  ['node:crypto', undefined],
  ['WebCrypto', { nodeCrypto: null }],
] as const;

const rfc4231 = loadVectors('rfc/rfc4231-hmac.json');
const rfc5869 = loadVectors('rfc/rfc5869-hkdf.json');
const wycheproofHmac: [HashAlgorithm, string][] = [
  ['SHA-1', 'wycheproof/hmac_sha1_test.json'],
  ['SHA-256', 'wycheproof/hmac_sha256_test.json'],
  ['SHA-512', 'wycheproof/hmac_sha512_test.json'],
];
const wycheproofHkdf = loadVectors('wycheproof/hkdf_sha256_test.json');

for (const [pathName, override] of paths) {
  describe(`runtime seam via ${pathName}`, () => {
    beforeAll(() => setRuntimeOverrideForTesting(override));
    afterAll(() => setRuntimeOverrideForTesting(undefined));

    it('RFC 4231 HMAC-SHA-256 and HMAC-SHA-512 (cases 1-7, case 5 as a 128-bit prefix)', async () => {
      for (const t of rfc4231.tests) {
        for (const [alg, field] of [
          ['SHA-256', 'hmacSha256'],
          ['SHA-512', 'hmacSha512'],
        ] as const) {
          const mac = toHex(await hmac(alg, hex(t.keyHex), hex(t.dataHex)));
          const expected = t[field] as string;
          if (t.truncatedToBits) expect(mac.slice(0, t.truncatedToBits / 4), `case ${t.case}`).toBe(expected);
          else expect(mac, `case ${t.case} ${alg}`).toBe(expected);
        }
      }
    });

    for (const [alg, file] of wycheproofHmac) {
      it(`Wycheproof ${file}: full-length tags match exactly when valid, never when invalid`, async () => {
        const data = loadVectors(file);
        let checked = 0;
        for (const group of data.testGroups) {
          const full = group.tagSize / 8;
          for (const t of group.tests) {
            const mac = await hmac(alg, hex(t.key), hex(t.msg));
            // Truncated-tag groups check the prefix, as a verifier of truncated MACs would.
            const matches = toHex(mac.subarray(0, full)) === t.tag && t.tag.length === full * 2;
            expect(matches, `tcId ${t.tcId}`).toBe(t.result === 'valid');
            checked++;
          }
        }
        expect(checked).toBe(data.numberOfTests);
      });
    }

    it('RFC 5869 HKDF-SHA-256 (A.1-A.3)', async () => {
      for (const t of rfc5869.tests) {
        const okm = await hkdf('SHA-256', hex(t.IKM), hex(t.salt), hex(t.info), t.L);
        expect(toHex(okm), `case ${t.case}`).toBe(t.OKM);
      }
    });

    it('Wycheproof HKDF-SHA-256: valid vectors derive the expected OKM, over-long outputs are refused', async () => {
      let checked = 0;
      for (const group of wycheproofHkdf.testGroups) {
        for (const t of group.tests) {
          checked++;
          if (t.result === 'valid') {
            const okm = await hkdf('SHA-256', hex(t.ikm), hex(t.salt), hex(t.info), t.size);
            expect(toHex(okm), `tcId ${t.tcId}`).toBe(t.okm);
          } else {
            await expect(hkdf('SHA-256', hex(t.ikm), hex(t.salt), hex(t.info), t.size)).rejects.toMatchObject({
              code: 'CONFIG_INVALID',
            });
          }
        }
      }
      expect(checked).toBe(wycheproofHkdf.numberOfTests);
    });

    it('SHA digests of "abc" (FIPS 180-4 examples)', async () => {
      const abc = new TextEncoder().encode('abc');
      expect(toHex(await digest('SHA-1', abc))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
      expect(toHex(await digest('SHA-256', abc))).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
      expect(toHex(await digest('SHA-512', abc)).slice(0, 32)).toBe('ddaf35a193617abacc417349ae204131');
    });
  });
}
