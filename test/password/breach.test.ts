import { createHash } from 'node:crypto';
import { countPasswordBreaches } from 'bulwark/password';
import { describe, expect, it } from 'vitest';
import * as runtime from '../../src/runtime/index.js';
import { expectBulwarkError } from '../support/errors.js';

const sha1 = (s: string | Uint8Array) => createHash('sha1').update(s).digest('hex').toUpperCase();

describe('countPasswordBreaches (k-anonymity)', () => {
  it('sends only the 5-character SHA-1 prefix and reads the count of the matching suffix', async () => {
    const password = 'pässwörd 🔑';
    const full = sha1(password);
    const seen: string[] = [];
    const count = await countPasswordBreaches(password, async (prefix) => {
      seen.push(prefix);
      return `${'0'.repeat(35)}:2\n${full.slice(5).toLowerCase()}:42\n${'F'.repeat(35)}:7`;
    });
    expect(count).toBe(42);
    expect(seen).toEqual([full.slice(0, 5)]);
    expect(seen[0]).toMatch(/^[0-9A-F]{5}$/);
  });

  it('hashes the password exactly as given (breach corpora are not normalized), text or bytes', async () => {
    const nfd = 'cafe\u0301';
    const prefixes: string[] = [];
    const record = async (prefix: string) => {
      prefixes.push(prefix);
      return '';
    };
    expect(await countPasswordBreaches(nfd, record)).toBe(0);
    expect(await countPasswordBreaches(new TextEncoder().encode(nfd), record)).toBe(0);
    expect(prefixes).toEqual([sha1(nfd).slice(0, 5), sha1(nfd).slice(0, 5)]);
  });

  it('works without node:crypto (WebCrypto SHA-1)', async () => {
    runtime.setRuntimeOverrideForTesting({ nodeCrypto: null });
    try {
      const suffix = sha1('password').slice(5);
      expect(await countPasswordBreaches('password', async () => `${suffix}:3`)).toBe(3);
    } finally {
      runtime.setRuntimeOverrideForTesting(undefined);
    }
  });

  it.each([
    ['a fetcher that throws', async () => Promise.reject(new Error('ECONNRESET'))],
    ['a fetcher that returns a non-string', async () => 42 as any],
    ['a line without a count', async () => `${'A'.repeat(35)}`],
    ['an HTML error page', async () => '<html>rate limited</html>'],
    ['a full hash instead of a suffix', async () => `${'A'.repeat(40)}:1`],
    ['a negative count', async () => `${'A'.repeat(35)}:-1`],
    ['an oversized body', async () => `${'A'.repeat(35)}:1\n`.repeat(200_000)],
  ])('fails with PASSWORD_BREACH_CHECK_FAILED on %s', async (_name, fetcher) => {
    const e = await expectBulwarkError(
      () => countPasswordBreaches('s3cret-value', fetcher),
      'PASSWORD_BREACH_CHECK_FAILED',
    );
    expect(e.message).not.toContain('s3cret');
  });

  it('refuses misuse', async () => {
    await expectBulwarkError(() => countPasswordBreaches('pw', 'https://api' as any), 'CONFIG_INVALID');
    await expectBulwarkError(() => countPasswordBreaches(42 as any, async () => ''), 'INPUT_INVALID');
    await expectBulwarkError(() => countPasswordBreaches('\udc00', async () => ''), 'INPUT_INVALID');
  });
});
