/**
 * bulwark/otp on every runtime: RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1/256/512), the pure-TypeScript
 * HMAC-SHA1/256/512 against Wycheproof (full-length tags), otpauth URI round trips, single use through the memory
 * store, and recovery codes.
 */
import {
  consumeRecoveryCode,
  createMemoryOtpStore,
  createOtpauthUri,
  generateOtpSecret,
  generateRecoveryCodes,
  hotp,
  parseOtpauthUri,
  totp,
  verifyHotp,
  verifyTotp,
} from 'bulwark/otp';
import { createHmacKey, type HashCore, hmacBytes } from '../../../src/internal/sha-core.js';
import { SHA1_CORE } from '../../../src/internal/sha1.js';
import { SHA256_CORE } from '../../../src/internal/sha256.js';
import { SHA512_CORE } from '../../../src/internal/sha512.js';
import { equal, fromHex, ok, throwsCode, toHex } from './assert.js';
import type { ConformanceCase } from './index.js';
import { rfc4226, rfc6238, wycheproofHmacSha1, wycheproofHmacSha256, wycheproofHmacSha512 } from './vectors.js';

const MODES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' } as const;

interface MacFile {
  testGroups: { tagSize: number; tests: { tcId: number; key: string; msg: string; tag: string; result: string }[] }[];
}

function wycheproofCase(name: string, file: MacFile, core: HashCore): ConformanceCase {
  return {
    name: `Wycheproof ${name} (pure-TypeScript HMAC, full-length tags)`,
    run: () => {
      for (const group of file.testGroups) {
        if (group.tagSize !== core.digestWords * 32) continue;
        for (const t of group.tests) {
          const tag = toHex(hmacBytes(createHmacKey(core, fromHex(t.key)), fromHex(t.msg)));
          equal(tag === t.tag, t.result === 'valid', `tcId ${t.tcId}`);
        }
      }
    },
  };
}

export function otpCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [
    {
      name: 'RFC 4226 Appendix D (HOTP)',
      run: async () => {
        for (const t of rfc4226.tests) {
          equal(hotp(fromHex(rfc4226.secretHex), t.count), t.hotp, `counter ${t.count}`);
          equal(hotp(rfc4226.secretBase32, t.count), t.hotp, `counter ${t.count} (base32)`);
          const result = await verifyHotp(t.hotp, rfc4226.secretBase32, 0, { lookAheadCounters: 9 });
          ok(result.valid && result.nextCounter === t.count + 1, `verifyHotp counter ${t.count}`);
        }
      },
    },
    {
      name: 'RFC 6238 Appendix B (TOTP, SHA-1/256/512)',
      run: async () => {
        for (const t of rfc6238.tests) {
          const mode = t.mode as keyof typeof MODES;
          const secret = fromHex(rfc6238.seeds[mode].hex);
          const options = { algorithm: MODES[mode], digits: 8, now: () => t.time * 1000 };
          equal(totp(secret, options), t.totp, `${mode} at ${t.time}`);
          const result = await verifyTotp(t.totp, secret, { ...options, unsafeAllowReplay: true });
          ok(result.valid && result.delta === 0, `verifyTotp ${mode} at ${t.time}`);
        }
      },
    },
    wycheproofCase('HMAC-SHA1', wycheproofHmacSha1 as MacFile, SHA1_CORE),
    wycheproofCase('HMAC-SHA256', wycheproofHmacSha256 as MacFile, SHA256_CORE),
    wycheproofCase('HMAC-SHA512', wycheproofHmacSha512 as MacFile, SHA512_CORE),
    {
      name: 'single use: a code verifies once per key, concurrently too',
      run: async () => {
        const secret = generateOtpSecret();
        const store = createMemoryOtpStore();
        const code = totp(secret);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => verifyTotp(code, secret, { replay: { store, key: 'user' } })),
        );
        equal(results.filter((r) => r.valid).length, 1, 'exactly one accepted');
        await throwsCode(() => verifyTotp(code, secret), 'CONFIG_INVALID', 'no store and no opt-out');
      },
    },
    {
      name: 'otpauth URI round trip with Unicode and colons',
      run: () => {
        const secret = generateOtpSecret();
        const uri = createOtpauthUri({ issuer: 'Ünïcødé Co', account: 'jane:doe@example.com', secret, digits: 8 });
        const parsed = parseOtpauthUri(uri);
        equal(parsed.issuer, 'Ünïcødé Co', 'issuer');
        equal(parsed.account, 'jane:doe@example.com', 'account');
        equal(parsed.secret, secret, 'secret');
        equal(parsed.digits, 8, 'digits');
      },
    },
    {
      name: 'recovery codes: generate, consume once',
      run: async () => {
        const secretKey = fromHex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
        const store = createMemoryOtpStore();
        const { codes, stored } = generateRecoveryCodes(secretKey, { count: 3 });
        const first = await consumeRecoveryCode(codes[0] as string, stored, { secretKey, store, key: 'u' });
        ok(first.valid && first.remaining.length === 2, 'first use accepted');
        const again = await consumeRecoveryCode(codes[0] as string, stored, { secretKey, store, key: 'u' });
        ok(!again.valid && again.reason === 'used', 'second use refused');
      },
    },
  ];
  return cases;
}
