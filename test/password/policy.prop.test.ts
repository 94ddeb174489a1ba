/**
 * Properties of the policy: any string gets a verdict (never an exception), `ok` is exactly "no problems", messages
 * never repeat the password, and the verdict is the same for every Unicode spelling of the same NFKC text.
 */

import { checkPasswordPolicySync } from 'bulwark/password';
import { getCommonPasswords } from 'bulwark/password/blocklist';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const options = { blocklist: getCommonPasswords(), contextWords: ['alice@example.com', 'Acme'] };
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }));

describe('checkPasswordPolicySync', () => {
  it('gives any string a verdict; ok exactly when there are no problems; messages never echo the password', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (password, mfa) => {
        const result = checkPasswordPolicySync(password, { ...options, mfa });
        expect(result.ok).toBe(result.problems.length === 0);
        for (const p of result.problems) {
          if (password.trim().length >= 4) expect(p.message).not.toContain(password);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('judges canonically equivalent spellings (NFC, NFD) of a password alike', () => {
    fc.assert(
      fc.property(anyText, (password) => {
        const verdict = (s: string) => checkPasswordPolicySync(s, options).problems.map((p) => p.code);
        const nfc = verdict(password.normalize('NFC'));
        expect(verdict(password.normalize('NFD'))).toEqual(nfc);
        expect(verdict(password)).toEqual(nfc);
      }),
      { numRuns: 500 },
    );
  });

  it('adding characters never creates a TOO_SHORT problem', () => {
    fc.assert(
      fc.property(anyText, fc.string({ minLength: 1, maxLength: 5 }), (password, extra) => {
        const short = (s: string) => checkPasswordPolicySync(s).problems.some((p) => p.code === 'TOO_SHORT');
        if (!short(password)) expect(short(password + extra)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
