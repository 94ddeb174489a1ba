import { checkPasswordPolicy, checkPasswordPolicySync, DEFAULT_PASSWORD_POLICY } from 'bulwark/password';
import { getCommonPasswords, isCommonPassword } from 'bulwark/password/blocklist';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countPatterns } from '../../src/password/patterns.js';
import { trimNonLetters } from '../../src/password/policy.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';

const codes = (password: string, options?: Parameters<typeof checkPasswordPolicySync>[1]) =>
  checkPasswordPolicySync(password, options).problems.map((p) => p.code);

describe('length (NIST SP 800-63B Rev. 4)', () => {
  it('requires 15 characters, or 8 with a second factor', () => {
    expect(DEFAULT_PASSWORD_POLICY).toEqual({ minLength: 15, minLengthWithMfa: 8, maxLength: 128 });
    expect(codes('violet tundra 7')).toEqual([]);
    expect(codes('violet tundra')).toEqual(['TOO_SHORT']);
    expect(codes('violet tundra', { mfa: true })).toEqual([]);
    expect(codes('violet', { mfa: true })).toEqual(['TOO_SHORT']);
    expect(codes('violet tundra', { minLength: 12 })).toEqual([]);
  });

  it('counts code points after NFKC, not UTF-16 units or bytes', () => {
    // 15 emoji are 30 UTF-16 units and 60 bytes, and 15 characters.
    const emoji = '🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵🐔🐧🐦🐤🦆';
    expect(codes(emoji)).toEqual([]);
    expect(codes(emoji.slice(0, -2))).toEqual(['TOO_SHORT']);
    // "cafe" + combining acute is 5 code points, NFKC makes it 4.
    expect(countPatterns('cafe\u0301'.normalize('NFKC')).length).toBe(4);
  });

  it('allows at least 64 characters, 128 by default, and refuses longer', () => {
    const long = 'the quick brown fox jumps over the lazy dog while the cat sleeps on a warm mat';
    expect(long.length).toBeGreaterThan(64);
    expect(codes(long)).toEqual([]);
    expect(codes(`${long}${long}`)).toEqual(['TOO_LONG']);
    expect(codes(`${long}${long}`, { maxLength: 200 })).toEqual([]);
    expect(codes('x'.repeat(10_000)).includes('TOO_LONG')).toBe(true);
  });

  it('never lets NFKC lengthen a password: one key press that expands to 18 is one character', () => {
    expect(codes('\uFDFA')).toEqual(['TOO_SHORT']);
    expect(codes('\uFDFA', { mfa: true })).toEqual(['TOO_SHORT']);
    expect(codes('\u3300\u3310\u3320\u3330', { mfa: true })).toEqual(['TOO_SHORT']);
    // 64 characters must be allowed (NIST SP 800-63B), though NFKC makes these 64 four times as long.
    expect(codes('\u3300\u3301\u3302\u3303'.repeat(16))).not.toContain('TOO_LONG');
    // Twenty presses of one key are repetitive, whatever NFKC makes of the key.
    expect(codes('\uFDFA'.repeat(20))).toContain('REPETITIVE');
    // A decomposed accent is one character, as its composed form is.
    expect(codes(`${'cafe\u0301 '.repeat(3)}`)).toEqual(codes(`${'caf\u00e9 '.repeat(3)}`));
  });

  it('never accepts a password hashPassword would refuse: NFKC bytes over maxPasswordBytes are TOO_LONG', async () => {
    // 256 characters typed, 2,748 code points and 5,556 UTF-8 bytes after NFKC: over hashPassword's 4,096.
    let expanding = '';
    for (let i = 0; i < 128; i++) expanding += `\uFDFA${String.fromCharCode(0x3300 + (i % 0x58))}`;
    expect(codes(expanding, { maxLength: 256 })).toEqual(['TOO_LONG']);
    // Raise both together and it is accepted by both.
    expect(codes(expanding, { maxLength: 256, maxPasswordBytes: 8192 })).not.toContain('TOO_LONG');
    expectBulwarkErrorSync(() => checkPasswordPolicySync('x', { maxPasswordBytes: 0 }), 'CONFIG_INVALID');
  });

  it('says why a password within maxLength is TOO_LONG when it is over maxPasswordBytes after NFKC', () => {
    // 125 characters typed, 2,250 code points and 4,125 UTF-8 bytes after NFKC.
    const { problems } = checkPasswordPolicySync('\uFDFA'.repeat(125));
    expect(problems).toEqual([
      {
        code: 'TOO_LONG',
        message: 'This password is too long to store (some characters count as several); use a shorter one.',
      },
    ]);
    expect(checkPasswordPolicySync('x'.repeat(129)).problems[0]?.message).toBe('Use at most 128 characters.');
  });

  it('answers MALFORMED for a lone surrogate (which hashPassword refuses), never ok', () => {
    expect(codes('correct horse battery \ud800 staple')).toEqual(['MALFORMED']);
    expect(codes('\udc00'.repeat(20))).toEqual(['MALFORMED']);
    expect(codes('correct horse battery \ud83e\udd8a staple')).toEqual([]);
  });

  it('answers TOO_LONG before any other check', () => {
    // U+2A0C is four integral signs after NFKC: 130 of them, plus two letters, are 132 characters typed.
    const expanding = `a${'\u2A0C'.repeat(130)}a`;
    const asked: string[] = [];
    const blocklist = (candidate: string) => {
      asked.push(candidate);
      return false;
    };
    expect(codes(expanding, { blocklist })).toEqual(['TOO_LONG']);
    expect(asked).toEqual([]);
  });

  it('imposes no composition rules', () => {
    expect(codes('all lower case words here')).toEqual([]);
    expect(codes('ALL UPPER CASE WORDS HERE')).toEqual([]);
  });

  it('states problems in messages fit for users, never repeating the password', () => {
    const result = checkPasswordPolicySync('hunter2', { blocklist: isCommonPassword });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.message)).toContain('Use at least 15 characters.');
    for (const p of result.problems) expect(p.message).not.toContain('hunter2');
  });
});

describe('blocklist core trimming', () => {
  // The regex the trim replaced (quadratic on long runs of non-letters), kept here as the reference.
  const reference = (s: string) => s.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const pieces = fc.constantFrom('a', 'Z', 'é', 'ß', '1', '!', ' ', '\u0301', '🦊', '𝐀', '\ud800', '\udc00', '∫', '_');

  it('removes exactly what the reference regex removes', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 24 }), (parts) => {
        const s = parts.join('');
        expect(trimNonLetters(s)).toBe(reference(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('is linear in a run of non-letters', () => {
    const run = '1'.repeat(20_000);
    expect(trimNonLetters(`${run}pass${run}`)).toBe('pass');
    expect(trimNonLetters(run)).toBe('');
  });
});

describe('blocklist', () => {
  it('ships at least the 10,000 most common passwords, lower-cased', () => {
    const list = getCommonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(list.has('password')).toBe(true);
    expect(list.has('123456')).toBe(true);
    expect(getCommonPasswords()).toBe(list); // built once
    for (const w of list) expect(w).toBe(w.toLowerCase());
  });

  it('matches case-insensitively, after NFKC', () => {
    expect(isCommonPassword('PassWord')).toBe(true);
    expect(isCommonPassword('ｐａｓｓｗｏｒｄ')).toBe(true); // full-width folds under NFKC
    expect(isCommonPassword('violet tundra 7')).toBe(false);
    expect(isCommonPassword(42 as any)).toBe(false);
  });

  it('refuses common passwords and their decorated forms, with a Set or a function', () => {
    expect(codes('password', { mfa: true, blocklist: isCommonPassword })).toEqual(['COMMON']);
    expect(codes('Password2024!!', { mfa: true, blocklist: isCommonPassword })).toEqual(['COMMON']);
    expect(codes('!!!baseball!!!', { mfa: true, blocklist: getCommonPasswords() })).toEqual(['COMMON']);
    expect(codes('correct horse battery', { blocklist: new Set(['correct horse battery']) })).toEqual(['COMMON']);
    expect(codes('violet tundra 7', { blocklist: isCommonPassword })).toEqual([]);
    // Cores under 4 characters are not matched on their own: "cat!" is not the listed "cat".
    expect(codes('cat!', { minLength: 8, blocklist: new Set(['cat']) })).toEqual(['TOO_SHORT']);
    expect(codes('cat', { minLength: 8, blocklist: new Set(['cat']) })).toEqual(['TOO_SHORT', 'COMMON']);
  });
});

describe('context words', () => {
  it('refuses the user name, parts of the email and the service name', () => {
    const context = { contextWords: ['alice', 'alice.smith@example.com', 'Acme Mail'] };
    expect(codes('my name is alice and i like tea', context)).toEqual(['CONTEXT_WORD']);
    expect(codes('SMITHsmithSMITH-forever', context)).toEqual(['CONTEXT_WORD']);
    expect(codes('welcome to example land', context)).toEqual(['CONTEXT_WORD']);
    expect(codes('acme mail is the best!!', context)).toEqual(['CONTEXT_WORD']);
    // "com" alone is too short to be meaningful, and "bob" only counts as a whole word.
    expect(codes('become a better person', context)).toEqual([]);
    expect(codes('bobsleigh in the alps', { contextWords: ['bob'] })).toEqual(['CONTEXT_WORD']);
  });
});

describe('repetitive and sequential characters', () => {
  it.each([
    ['aaaaaaaaaaaaaaaa', 'REPETITIVE'],
    ['passwordpassword', 'REPETITIVE'],
    ['abcabcabcabcabcabc', 'REPETITIVE'],
    ['1234567890123456', 'SEQUENTIAL'],
    ['abcdefghijklmnop', 'SEQUENTIAL'],
    ['zyxwvutsrqponmlk', 'SEQUENTIAL'],
    ['qwertyuiopasdfghjkl', 'SEQUENTIAL'],
    ['1234abcd1234abcd', 'REPETITIVE'],
  ])('flags %s as %s', (password, code) => {
    expect(codes(password)).toContain(code);
  });

  it.each([
    'correct horse battery staple',
    'my dog likes 12345 treats',
    'Mississippi river boat',
    'violet tundra 7',
    'zzz sleepy zebra zone',
  ])('accepts %s', (password) => {
    expect(codes(password)).toEqual([]);
  });
});

describe('breach check', () => {
  // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
  const fake = (body: string) => async (prefix: string) => {
    expect(prefix).toBe('5BAA6');
    return body;
  };

  it('reports BREACHED when the corpus knows the password', async () => {
    const result = await checkPasswordPolicy('password', {
      mfa: true,
      fetchBreachRange: fake(
        '0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n1E4C9B93F3F0682250B6CF8331B7EE68FD8:9545824\r\n',
      ),
    });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(['BREACHED']);
  });

  it('checks the NFKC form, which is what gets stored and signs in, then the form as typed', async () => {
    // Full-width letters: NFKC makes them "password", whose hash would then accept the plain breached password.
    const result = await checkPasswordPolicy('\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44', {
      mfa: true,
      fetchBreachRange: fake('1E4C9B93F3F0682250B6CF8331B7EE68FD8:9545824'),
    });
    expect(result.problems.map((p) => p.code)).toEqual(['BREACHED']);
    const asked: string[] = [];
    await checkPasswordPolicy('\uFF50assword', {
      mfa: true,
      fetchBreachRange: async (prefix) => {
        asked.push(prefix);
        return '';
      },
    });
    expect(asked).toHaveLength(2);
    expect(asked[0]).toBe('5BAA6');
  });

  it('answers MALFORMED for a lone surrogate without asking the corpus (it has no UTF-8 form to hash)', async () => {
    let asked = 0;
    const result = await checkPasswordPolicy('correct horse battery \ud800 staple', {
      fetchBreachRange: async () => {
        asked++;
        return '';
      },
    });
    expect(result.problems.map((p) => p.code)).toEqual(['MALFORMED']);
    expect(asked).toBe(0);
  });

  it('passes a password the corpus does not know, and ignores padding lines', async () => {
    const result = await checkPasswordPolicy('password', {
      mfa: true,
      fetchBreachRange: fake('1E4C9B93F3F0682250B6CF8331B7EE68FD8:0\n0018A45C4D1DEF81644B54AB7F969B88D65:3'),
    });
    expect(result).toEqual({ ok: true, problems: [] });
  });

  it('fails loudly when the fetcher fails, and the sync variant refuses a fetcher', async () => {
    const boom = async () => {
      throw new Error('offline');
    };
    await expectBulwarkError(
      () => checkPasswordPolicy('violet tundra 7', { fetchBreachRange: boom }),
      'PASSWORD_BREACH_CHECK_FAILED',
    );
    expectBulwarkErrorSync(() => checkPasswordPolicySync('x', { fetchBreachRange: boom }), 'CONFIG_INVALID');
  });

  it('runs without a fetcher, offline', async () => {
    expect(await checkPasswordPolicy('violet tundra 7')).toEqual({ ok: true, problems: [] });
  });
});

describe('misuse', () => {
  it.each([
    [{ minLength: 7 }],
    [{ minLength: 65 }],
    [{ maxLength: 63 }],
    [{ maxLength: 1025 }],
    [{ blocklist: ['password'] }],
    [{ contextWords: 'alice' }],
    [{ contextWords: [42] }],
    ['strict'],
  ])('refuses options %j', (options) => {
    expectBulwarkErrorSync(() => checkPasswordPolicySync('violet tundra 7', options as any), 'CONFIG_INVALID');
  });

  it('refuses a password that is not a string', () => {
    expectBulwarkErrorSync(() => checkPasswordPolicySync(undefined as any), 'INPUT_INVALID');
  });
});
