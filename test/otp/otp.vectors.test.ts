/**
 * External vectors:
 * - RFC 4226 Appendix D (HOTP, SHA-1): ../shared/vectors/rfc/rfc4226-hotp.json
 * - RFC 6238 Appendix B (TOTP, SHA-1/256/512 with per-mode seeds): ../shared/vectors/rfc/rfc6238-totp.json
 * - Project Wycheproof HMAC-SHA1/256/512 (full-length tags; C2SP/wycheproof testvectors_v1, see vectors README):
 *   ../shared/vectors/wycheproof/hmac_sha{1,256,512}_test.json
 */
import { hotp, totp, verifyHotp, verifyTotp } from 'bulwark/otp';
import { describe, expect, it } from 'vitest';
import { createHmacKey, hashBytes, hmacBytes, hmacCounter } from '../../src/internal/sha-core.js';
import { SHA1_CORE } from '../../src/internal/sha1.js';
import { SHA256_CORE } from '../../src/internal/sha256.js';
import { SHA512_CORE } from '../../src/internal/sha512.js';
import { hex, loadVectors, toHex } from '../support/vectors.js';

const rfc4226 = loadVectors('rfc/rfc4226-hotp.json');
const rfc6238 = loadVectors('rfc/rfc6238-totp.json');
const MODES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' } as const;

describe('RFC 4226 Appendix D', () => {
  const secret = hex(rfc4226.secretHex);
  for (const t of rfc4226.tests) {
    it(`counter ${t.count}`, async () => {
      const key = createHmacKey(SHA1_CORE, secret);
      const words = new Int32Array(5);
      hmacCounter(key, 0, t.count, words);
      expect(toHex(new Uint8Array(new Int32Array(words.map((w) => swap(w))).buffer))).toBe(t.hmacSha1Hex);
      expect(hotp(secret, t.count)).toBe(t.hotp);
      expect(hotp(rfc4226.secretBase32, t.count)).toBe(t.hotp);
      expect(await verifyHotp(t.hotp, secret, t.count, { lookAheadCounters: 0 })).toEqual({
        valid: true,
        delta: 0,
        nextCounter: t.count + 1,
      });
      expect(await verifyHotp(t.hotp, secret, 0, { lookAheadCounters: 9 })).toMatchObject({
        valid: true,
        nextCounter: t.count + 1,
      });
    });
  }
});

/** Byte-swaps a 32-bit word so that a little-endian Int32Array reads as the big-endian digest. */
function swap(w: number): number {
  return ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
}

describe('RFC 6238 Appendix B', () => {
  for (const t of rfc6238.tests) {
    const mode = t.mode as keyof typeof MODES;
    it(`${mode} at ${t.time}`, async () => {
      const secret = hex(rfc6238.seeds[mode].hex);
      const options = { algorithm: MODES[mode], digits: 8, now: () => t.time * 1000 };
      expect(totp(secret, options)).toBe(t.totp);
      expect(await verifyTotp(t.totp, secret, { ...options, unsafeAllowReplay: true })).toMatchObject({
        valid: true,
        delta: 0,
        step: Number.parseInt(t.T, 16),
      });
      // A step later the same code is still accepted (delta -1), two steps later it is not.
      const later = { ...options, unsafeAllowReplay: true, now: () => (t.time + 30) * 1000 };
      expect(await verifyTotp(t.totp, secret, later)).toMatchObject({ valid: true, delta: -1 });
      const tooLate = { ...later, now: () => (t.time + 60) * 1000 };
      expect((await verifyTotp(t.totp, secret, tooLate)).valid).toBe(false);
    });
  }
});

const WYCHEPROOF = [
  ['hmac_sha1_test.json', SHA1_CORE, 160],
  ['hmac_sha256_test.json', SHA256_CORE, 256],
  ['hmac_sha512_test.json', SHA512_CORE, 512],
] as const;

describe('Wycheproof HMAC (pure-TypeScript SHA cores)', () => {
  for (const [file, core, bits] of WYCHEPROOF) {
    it(`${file}: every full-length tag`, () => {
      const data = loadVectors(`wycheproof/${file}`);
      let checked = 0;
      for (const group of data.testGroups) {
        if (group.tagSize !== bits) continue;
        for (const t of group.tests) {
          const key = createHmacKey(core, hex(t.key));
          const message = hex(t.msg);
          const tag = toHex(hmacBytes(key, message));
          expect(tag === t.tag, `tcId ${t.tcId} (${t.comment})`).toBe(t.result === 'valid');
          if (message.length === 8) {
            // The HOTP-specialised path must agree with the general one on 8-byte messages.
            const words = new Int32Array(core.digestWords);
            const view = new DataView(message.buffer, message.byteOffset, 8);
            hmacCounter(key, view.getInt32(0), view.getInt32(4), words);
            expect(toHex(new Uint8Array(new Int32Array(words.map((w) => swap(w))).buffer))).toBe(tag);
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(80);
    });
  }

  it('hashes FIPS 180 "abc"', () => {
    const abc = new TextEncoder().encode('abc');
    expect(toHex(hashBytes(SHA1_CORE, abc))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(hashBytes(SHA256_CORE, abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(hashBytes(SHA512_CORE, abc))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });
});
