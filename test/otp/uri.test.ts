import { createOtpauthUri, generateOtpSecret, parseOtpauthUri } from 'bulwark/otp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBulwarkError } from '../../src/errors.js';
import { expectBulwarkErrorSync } from '../support/errors.js';
import { otpauthAccount, otpauthIssuer } from './arbitraries.js';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('createOtpauthUri', () => {
  it('writes the Key Uri Format with the issuer in label and parameter', () => {
    expect(createOtpauthUri({ issuer: 'ACME Co', account: 'jane@example.com', secret: SECRET })).toBe(
      `otpauth://totp/ACME%20Co:jane%40example.com?secret=${SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`,
    );
    expect(
      createOtpauthUri({
        type: 'hotp',
        issuer: 'Ünïcødé ☃',
        account: 'a:b c/d?e&f=g',
        secret: new Uint8Array(32).fill(1),
        algorithm: 'SHA-512',
        digits: 8,
        counter: 7,
      }),
    ).toBe(
      'otpauth://hotp/%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%E2%98%83:a%3Ab%20c%2Fd%3Fe%26f%3Dg?secret=AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQ&issuer=%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%E2%98%83&algorithm=SHA512&digits=8&counter=7',
    );
  });

  it('refuses what the format cannot carry', () => {
    const base = { issuer: 'ACME', account: 'jane', secret: SECRET };
    for (const bad of [
      { issuer: '' },
      { issuer: 'A:B' },
      { account: '' },
      { account: ' leading space' },
      { account: 'tab\there' },
      { account: 'x'.repeat(257) },
      { account: '\ud800' },
      { issuer: 42 },
      // C1 controls (U+0085 is a line break, U+009B a terminal escape), separators and direction overrides.
      { issuer: 'ACME\u0085Bank' },
      { account: 'jane\u009b31m' },
      { account: 'jane\u2028' },
      { account: 'evil\u202egpj.exe' },
      { issuer: 'AC\u2066ME' },
      // Format characters display as nothing: "Goo\u200Bgle" shows as "Google" and is not equal to it.
      { issuer: 'Goo\u200bgle' },
      { issuer: 'Goo\ufeffgle' },
      { issuer: 'Goo\u00adgle' },
      { account: 'jane\u2060' },
      { account: 'jane\u{e0041}' },
      // Within the 256-character part limits, but over the 4096-character URI limit once percent-encoded.
      { issuer: '\u00e9'.repeat(256), account: '\u00e9'.repeat(256) },
    ]) {
      expectBulwarkErrorSync(() => createOtpauthUri({ ...base, ...bad } as never), 'INPUT_INVALID');
    }
    expectBulwarkErrorSync(() => createOtpauthUri({ ...base, type: 'motp' as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createOtpauthUri({ ...base, digits: 4 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createOtpauthUri({ ...base, periodSeconds: 0 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createOtpauthUri({ ...base, type: 'hotp' }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createOtpauthUri({ ...base, secret: 'JBSWY3DPEHPK3PXP' }), 'OTP_SECRET_INVALID');
    expect(createOtpauthUri({ ...base, secret: 'JBSWY3DPEHPK3PXP', unsafeAllowShortSecret: true })).toContain(
      'secret=JBSWY3DPEHPK3PXP&',
    );
  });
});

describe('parseOtpauthUri', () => {
  it('reads every field, with defaults for the optional ones', () => {
    expect(parseOtpauthUri(`otpauth://totp/ACME:jane?secret=${SECRET}`)).toEqual({
      type: 'totp',
      issuer: 'ACME',
      account: 'jane',
      secret: SECRET,
      algorithm: 'SHA-1',
      digits: 6,
      periodSeconds: 30,
    });
    expect(
      parseOtpauthUri(
        `OTPAUTH://HOTP/jane?SECRET=${SECRET.toLowerCase()}&counter=12&algorithm=sha256&digits=8&image=https%3A%2F%2Fx&period=1`,
      ),
    ).toEqual({
      type: 'hotp',
      issuer: undefined,
      account: 'jane',
      secret: SECRET,
      algorithm: 'SHA-256',
      digits: 8,
      counter: 12,
    });
  });

  it('splits the label at a literal or encoded colon and drops spaces before the account', () => {
    const p = (label: string, query = '') => parseOtpauthUri(`otpauth://totp/${label}?secret=${SECRET}${query}`);
    expect(p('ACME%20Co:%20%20jane')).toMatchObject({ issuer: 'ACME Co', account: 'jane' });
    expect(p('ACME%3Ajane')).toMatchObject({ issuer: 'ACME', account: 'jane' });
    expect(p('ACME%3Ajane', '&issuer=ACME')).toMatchObject({ issuer: 'ACME', account: 'jane' });
    expect(p('ACME%3Ajane%3Awork', '&issuer=ACME')).toMatchObject({ issuer: 'ACME', account: 'jane:work' });
    expect(p('ACME%3Ajane:work')).toMatchObject({ issuer: 'ACME', account: 'jane:work' });
    expect(p('ACME:jane%3Awork')).toMatchObject({ issuer: 'ACME', account: 'jane:work' });
    expect(p('jane', '&issuer=ACME+Co')).toMatchObject({ issuer: 'ACME Co', account: 'jane' });
    expect(p(':jane', '&issuer=ACME')).toMatchObject({ issuer: 'ACME', account: 'jane' });
    expect(p('ACME:jane', '#issuer=Other')).toMatchObject({ issuer: 'ACME', account: 'jane' });
  });

  it('treats an encoded colon as the issuer separator: a different issuer parameter is a conflict', () => {
    const p =
      (label: string, query = '') =>
      () =>
        parseOtpauthUri(`otpauth://totp/${label}?secret=${SECRET}${query}`);
    for (const label of ['Evil%3Ajane', 'Evil%3ajane', 'Evil:jane', 'jane%3Awork']) {
      expect(p(label, '&issuer=ACME')).toThrow(expect.objectContaining({ code: 'OTP_URI_MALFORMED' }));
    }
  });

  it('refuses control characters and a leading space in the decoded issuer or account, as create does', () => {
    const p =
      (label: string, query = '') =>
      () =>
        parseOtpauthUri(`otpauth://totp/${label}?secret=${SECRET}${query}`);
    for (const [label, query] of [
      ['AC%0AME:jane', ''],
      ['ACME:ja%0Ane', ''],
      ['ACME:jane%00', ''],
      ['ACME:jane%7F', ''],
      ['jane', '&issuer=AC%09ME'],
      ['jane', '&issuer=%20ACME'],
      ['ACME%C2%85Bank:jane', ''],
      ['ACME:jane%C2%9B31m', ''],
      ['ACME:evil%E2%80%AEgpj', ''],
      ['jane', '&issuer=AC%E2%80%A8ME'],
      ['Goo%E2%80%8Bgle:jane', ''],
      ['jane', '&issuer=Goo%EF%BB%BFgle'],
      // A colon in the issuer parameter: create refuses it, so read refuses it too.
      ['jane', '&issuer=Evil%3ACo'],
      ['jane', '&issuer=Evil:Co'],
    ] as const) {
      expect(p(label, query)).toThrow(expect.objectContaining({ code: 'OTP_URI_MALFORMED' }));
    }
  });

  it('refuses raw lone surrogates in the issuer or account, which create refuses to write', () => {
    const p =
      (label: string, query = '') =>
      () =>
        parseOtpauthUri(`otpauth://totp/${label}?secret=${SECRET}${query}`);
    for (const [label, query] of [
      ['ACME:jane\uD800', '&issuer=ACME'],
      ['ACME:\uDFFFjane', ''],
      ['AC\uDC00ME:jane', ''],
      ['jane', '&issuer=AC\uDC00ME'],
      ['jane', '&issuer=ACME\uD83D'],
    ] as const) {
      expect(p(label, query)).toThrow(expect.objectContaining({ code: 'OTP_URI_MALFORMED' }));
    }
    // A surrogate pair is one well-formed character, raw or percent-encoded.
    expect(parseOtpauthUri(`otpauth://totp/ACME:jane\uD83D\uDE00?secret=${SECRET}`)).toMatchObject({
      account: 'jane\u{1F600}',
    });
    expect(parseOtpauthUri(`otpauth://totp/jane?secret=${SECRET}&issuer=AC%F0%9F%98%80ME`)).toMatchObject({
      issuer: 'AC\u{1F600}ME',
    });
  });

  it('rejects malformed URIs with OTP_URI_MALFORMED, never echoing the secret', () => {
    const bad = [
      'https://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ',
      'otpauth://motp/ACME:jane?secret=GEZDGNBVGY3TQOJQ',
      'otpauth://totp?secret=GEZDGNBVGY3TQOJQ',
      'otpauth://totp/ACME:jane',
      'otpauth://totp/ACME:jane?issuer=ACME',
      'otpauth://totp/ACME:jane?secret=',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJ1',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&secret=GEZDGNBVGY3TQOJQ',
      'otpauth://totp/ACME:?secret=GEZDGNBVGY3TQOJQ',
      'otpauth://totp/ACME:%E0%A4%A?secret=GEZDGNBVGY3TQOJQ',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&issuer=Other',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&algorithm=MD5',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&digits=5',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&digits=six',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&period=0',
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&period=-30',
      'otpauth://hotp/ACME:jane?secret=GEZDGNBVGY3TQOJQ',
      'otpauth://hotp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&counter=1e3',
      `otpauth://totp/ACME:${'a'.repeat(300)}?secret=GEZDGNBVGY3TQOJQ`,
      `otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&x=${'a'.repeat(5000)}`,
      // A secret pasted as a parameter name, twice: the name is attacker text and must not be echoed either.
      'otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&GEZDGNBVGY3TQOJQ&GEZDGNBVGY3TQOJQ',
    ];
    for (const uri of bad) {
      const e = expectBulwarkErrorSync(() => parseOtpauthUri(uri), 'OTP_URI_MALFORMED');
      expect(e.message).not.toContain('GEZDGNBVGY3TQOJQ');
    }
    expectBulwarkErrorSync(() => parseOtpauthUri(42 as never), 'OTP_URI_MALFORMED');
    // Log injection through a repeated unknown name: neither the message nor the details carry it.
    const injected = expectBulwarkErrorSync(
      () => parseOtpauthUri('otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&x%0AFAKE=1&x%0AFAKE=2'),
      'OTP_URI_MALFORMED',
    );
    expect(JSON.stringify([injected.message, injected.details])).not.toMatch(/fake/i);
    const known = expectBulwarkErrorSync(
      () => parseOtpauthUri('otpauth://totp/ACME:jane?secret=GEZDGNBVGY3TQOJQ&digits=6&digits=6'),
      'OTP_URI_MALFORMED',
    );
    expect(known.message).toBe('otpauth URI repeats the digits parameter');
  });

  it('parse(garbage) only ever throws OTP_URI_MALFORMED', () => {
    const prefix = fc.constantFrom(
      '',
      'otpauth://',
      'otpauth://totp/',
      'otpauth://hotp/a:b?',
      'otpauth://totp/a?secret=',
    );
    fc.assert(
      fc.property(prefix, fc.string({ unit: 'binary', maxLength: 80 }), (p, rest) => {
        try {
          parseOtpauthUri(p + rest);
        } catch (e) {
          expect(isBulwarkError(e, 'OTP_URI_MALFORMED')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('round trips', () => {
  it('parse(create(x)) = x for any issuer, account, parameters', () => {
    fc.assert(
      fc.property(
        otpauthIssuer,
        otpauthAccount,
        fc.constantFrom('SHA-1', 'SHA-256', 'SHA-512' as const),
        fc.integer({ min: 6, max: 10 }),
        fc.oneof(
          fc.record({ type: fc.constant('totp' as const), periodSeconds: fc.integer({ min: 1, max: 3600 }) }),
          fc.record({ type: fc.constant('hotp' as const), counter: fc.maxSafeNat() }),
        ),
        (issuer, account, algorithm, digits, kind) => {
          const secret = generateOtpSecret();
          const uri = createOtpauthUri({ issuer, account, secret, algorithm, digits, ...kind });
          expect(parseOtpauthUri(uri)).toEqual({ issuer, account, secret, algorithm, digits, ...kind });
        },
      ),
      { numRuns: 300 },
    );
  });
});
