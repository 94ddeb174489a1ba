/**
 * Interop with Node's own crypto.scrypt (the reference every scrypt user in Node has), and with peers' hash formats:
 * hashes Node computes verify with us, our hashes recompute with Node, and bcrypt / Argon2 hashes (bcrypt,
 * @node-rs/argon2) are recognised as other algorithms rather than misparsed.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { hash as argon2Hash } from '@node-rs/argon2';
import { hashPassword, needsRehash, type PasswordHashOptions, verifyPassword } from 'bulwark/password';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectBulwarkError } from '../support/errors.js';

// bcrypt ships no types; this is the one function used.
const bcrypt = createRequire(import.meta.url)('bcrypt') as { hash(pw: string, rounds: number): Promise<string> };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');
const unb64 = (text: string) => Buffer.from(text, 'base64');
const low: PasswordHashOptions = { cost: { logN: 6, blockSize: 8, parallelism: 1 }, unsafeAllowLowCost: true };

describe('Node crypto.scrypt → bulwark', () => {
  it('a PHC string written around Node scryptSync output verifies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 24 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(16, 32),
        fc.constantFrom(32, 64),
        async (password, logN, r, p, saltBytes, keyBytes) => {
          const nfc = password.normalize('NFKC');
          const salt = randomBytes(saltBytes);
          const key = scryptSync(nfc, salt, keyBytes, { N: 2 ** logN, r, p });
          const phc = `$scrypt$ln=${logN},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
          expect(await verifyPassword(password, phc)).toBe(true);
          expect(await verifyPassword(`${password}!`, phc)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a hash of the raw (non-normalized) text, as Node makes it, verifies with that text', async () => {
    const nfd = 'Ångström-cafe\u0301';
    const salt = randomBytes(16);
    const key = scryptSync(nfd, salt, 32, { N: 1024, r: 8, p: 1 });
    const phc = `$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(key)}`;
    expect(await verifyPassword(nfd, phc)).toBe(true);
  });
});

describe('bulwark → Node crypto.scrypt', () => {
  it('our key is scrypt(NFKC password, salt) as Node computes it, at every cost we write', async () => {
    for (const cost of [
      { logN: 6, blockSize: 8, parallelism: 1 },
      { logN: 5, blockSize: 4, parallelism: 3 },
      { logN: 14, blockSize: 8, parallelism: 1 },
    ]) {
      const password = 'ﬁne Ｐａｓｓ 🔑';
      const hash = await hashPassword(password, { cost, unsafeAllowLowCost: true });
      const [, id, params, salt, key] = hash.split('$');
      expect(id).toBe('scrypt');
      expect(params).toBe(`ln=${cost.logN},r=${cost.blockSize},p=${cost.parallelism}`);
      const expected = scryptSync(password.normalize('NFKC'), unb64(salt!), 32, {
        N: 2 ** cost.logN,
        r: cost.blockSize,
        p: cost.parallelism,
      });
      expect(unb64(key!).equals(expected)).toBe(true);
    }
  });
});

describe('other algorithms', () => {
  it('bcrypt and Argon2 hashes are PASSWORD_HASH_UNSUPPORTED, and need a rehash', async () => {
    const hashes = [await bcrypt.hash('pw', 4), await argon2Hash('pw', { memoryCost: 1024, timeCost: 1 })];
    for (const h of hashes) {
      await expectBulwarkError(() => verifyPassword('pw', h, low), 'PASSWORD_HASH_UNSUPPORTED');
      expect(needsRehash(h, low)).toBe(true);
    }
  });
});
