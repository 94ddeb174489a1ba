/**
 * Interop: our codes equal otplib's, otpauth's and @oslojs/otp's for random secrets, times, digits and algorithms;
 * our URIs parse in otpauth and otpauth's parse in ours.
 */
import { generateHOTP } from '@oslojs/otp';
import { encodeBase32 } from 'bulwark/encoding';
import { createOtpauthUri, hotp, parseOtpauthUri, totp, verifyHotp, verifyTotp } from 'bulwark/otp';
import fc from 'fast-check';
import * as OTPAuth from 'otpauth';
import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  otpAlgorithm as algorithm,
  otpauthAccount,
  otpauthIssuer,
  otpSecretBytes as secret,
} from '../otp/arbitraries.js';

const PEER_NAME = { 'SHA-1': 'SHA1', 'SHA-256': 'SHA256', 'SHA-512': 'SHA512' } as const;
const OTPLIB_NAME = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' } as const;
const digits = fc.integer({ min: 6, max: 8 });
const period = fc.constantFrom(15, 30, 60, 90);
const epochSeconds = fc.integer({ min: 0, max: 2 ** 33 });

describe('codes agree with peer libraries', () => {
  it('TOTP: otplib and otpauth', async () => {
    await fc.assert(
      fc.asyncProperty(secret, algorithm, digits, period, epochSeconds, async (key, alg, d, p, t) => {
        const ours = totp(key, { algorithm: alg, digits: d, periodSeconds: p, now: () => t * 1000 });
        const base32 = encodeBase32(key);
        expect(generateSync({ secret: base32, algorithm: OTPLIB_NAME[alg], digits: d, period: p, epoch: t })).toBe(
          ours,
        );
        const peer = OTPAuth.TOTP.generate({
          secret: OTPAuth.Secret.fromBase32(base32),
          algorithm: PEER_NAME[alg],
          digits: d,
          period: p,
          timestamp: t * 1000,
        });
        expect(peer).toBe(ours);
        // A peer's code verifies with us.
        const result = await verifyTotp(peer, key, {
          algorithm: alg,
          digits: d,
          periodSeconds: p,
          now: () => t * 1000,
          unsafeAllowReplay: true,
        });
        expect(result).toMatchObject({ valid: true, delta: 0 });
      }),
      { numRuns: 200 },
    );
  });

  it('HOTP: otpauth and @oslojs/otp', async () => {
    await fc.assert(
      fc.asyncProperty(secret, algorithm, digits, fc.maxSafeNat(), async (key, alg, d, counter) => {
        const ours = hotp(key, counter, { algorithm: alg, digits: d });
        const peer = OTPAuth.HOTP.generate({
          secret: new OTPAuth.Secret({ buffer: key.slice().buffer }),
          algorithm: PEER_NAME[alg],
          digits: d,
          counter,
        });
        expect(peer).toBe(ours);
        if (alg === 'SHA-1') expect(generateHOTP(key, BigInt(counter), d)).toBe(ours);
        // The last safe counter never verifies: its next counter, 2^53, could not be stored and passed back.
        expect(await verifyHotp(peer, key, Math.max(0, counter - 2), { algorithm: alg, digits: d })).toMatchObject(
          counter === Number.MAX_SAFE_INTEGER ? { valid: false } : { valid: true, nextCounter: counter + 1 },
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('otpauth URIs agree with the otpauth library', () => {
  it('ours parse in otpauth', () => {
    fc.assert(
      fc.property(
        otpauthIssuer,
        otpauthAccount,
        secret,
        algorithm,
        digits,
        period,
        (issuer, account, key, alg, d, p) => {
          const uri = createOtpauthUri({ issuer, account, secret: key, algorithm: alg, digits: d, periodSeconds: p });
          const parsed = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
          expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
          expect(parsed.issuer).toBe(issuer);
          expect(parsed.label).toBe(account);
          expect(parsed.secret.base32).toBe(encodeBase32(key));
          expect(parsed.algorithm).toBe(PEER_NAME[alg]);
          expect(parsed.digits).toBe(d);
          expect(parsed.period).toBe(p);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("otpauth's parse in ours", () => {
    fc.assert(
      fc.property(
        otpauthIssuer,
        otpauthAccount,
        secret,
        algorithm,
        digits,
        fc.oneof(fc.constant(undefined), fc.maxSafeNat()),
        (issuer, account, key, alg, d, counter) => {
          const common = {
            issuer,
            label: account,
            secret: new OTPAuth.Secret({ buffer: key.slice().buffer }),
            algorithm: PEER_NAME[alg],
            digits: d,
          };
          const peer =
            counter === undefined
              ? new OTPAuth.TOTP({ ...common, period: 45 })
              : new OTPAuth.HOTP({ ...common, counter });
          const parsed = parseOtpauthUri(peer.toString());
          expect(parsed).toMatchObject({ issuer, account, secret: encodeBase32(key), algorithm: alg, digits: d });
          if (counter === undefined) expect(parsed).toMatchObject({ type: 'totp', periodSeconds: 45 });
          else expect(parsed).toMatchObject({ type: 'hotp', counter });
        },
      ),
      { numRuns: 300 },
    );
  });
});
