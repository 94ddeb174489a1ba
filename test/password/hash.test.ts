import { scryptSync } from 'node:crypto';
import {
  DEFAULT_SCRYPT_COST,
  hashPassword,
  isPasswordReused,
  needsRehash,
  type PasswordHashOptions,
  verifyPassword,
} from 'bulwark/password';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as runtime from '../../src/runtime/index.js';
import { expectBulwarkError } from '../support/errors.js';

const low: PasswordHashOptions = { cost: { logN: 4, blockSize: 8, parallelism: 1 }, unsafeAllowLowCost: true };
const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)(?:,pepper=([\w.-]+))?\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const pepperA = { id: 'k2025', key: new Uint8Array(32).fill(1) };
const pepperB = { id: 'k2026', key: new Uint8Array(32).fill(2) };

afterEach(() => {
  runtime.setRuntimeOverrideForTesting(undefined);
  vi.restoreAllMocks();
});

describe('scrypt parameters at the edges of RFC 7914 and of OpenSSL', () => {
  it('refuses a cost with N ≥ 2^(16·r) everywhere, not just where OpenSSL would (CONFIG_INVALID, typed)', async () => {
    const cost = { logN: 17, blockSize: 1, parallelism: 1 };
    await expectBulwarkError(() => hashPassword('pw', { cost }), 'CONFIG_INVALID');
    runtime.setRuntimeOverrideForTesting({ nodeCrypto: null });
    await expectBulwarkError(() => hashPassword('pw', { cost }), 'CONFIG_INVALID');
  });

  it('accepts N = 2^15 with r = 1, the largest the RFC allows, and matches node:crypto', async () => {
    const hash = await hashPassword('pw', {
      cost: { logN: 15, blockSize: 1, parallelism: 1 },
      unsafeAllowLowCost: true,
    });
    const m = PHC.exec(hash)!;
    expect(scryptSync('pw', b64(m[5]!), 32, { N: 2 ** 15, r: 1, p: 1 })).toEqual(Buffer.from(b64(m[6]!)));
    expect(await verifyPassword('pw', hash)).toBe(true);
  });

  it('hashes and verifies p · r > 512 (OpenSSL also allocates 128·r·p bytes for B; maxmem must count them)', async () => {
    const cost = { logN: 5, blockSize: 32, parallelism: 32 };
    const maxCost = { logN: 20, blockSize: 32, parallelism: 32, memoryBytes: 2 ** 28, workBytes: 2 ** 30 };
    const hash = await hashPassword('pw', { cost, maxCost, unsafeAllowLowCost: true });
    const m = PHC.exec(hash)!;
    const expected = scryptSync('pw', b64(m[5]!), 32, { N: 32, r: 32, p: 32, maxmem: 2 ** 26 });
    expect(Buffer.from(b64(m[6]!))).toEqual(expected);
    expect(await verifyPassword('pw', hash, { maxCost })).toBe(true);
    expect(await verifyPassword('pw!', hash, { maxCost })).toBe(false);
  });

  it('turns a synchronous throw of native scrypt into a typed error, never a raw RangeError', async () => {
    const real = runtime.getNodeCrypto()!;
    const throwing = {
      ...real,
      scrypt: () => {
        throw new RangeError('simulated ERR_CRYPTO_INVALID_SCRYPT_PARAMS');
      },
    };
    runtime.setRuntimeOverrideForTesting({ nodeCrypto: throwing as never });
    await expectBulwarkError(() => hashPassword('pw', low), 'RUNTIME_UNSUPPORTED');
  });
});

describe('hashPassword', () => {
  it('defaults to OWASP scrypt N=2^17, r=8, p=1 with a 16-byte salt and a 32-byte key, in a PHC string', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const m = PHC.exec(hash);
    expect(m).not.toBeNull();
    expect(m!.slice(1, 4)).toEqual(['17', '8', '1']);
    expect(b64(m![5]!)).toHaveLength(16);
    expect(b64(m![6]!)).toHaveLength(32);
    expect(DEFAULT_SCRYPT_COST).toEqual({ logN: 17, blockSize: 8, parallelism: 1 });
    expect(Object.isFrozen(DEFAULT_SCRYPT_COST)).toBe(true);
    // The key is scrypt of the UTF-8 password, exactly as Node computes it.
    const expected = scryptSync('correct horse battery staple', b64(m![5]!), 32, {
      N: 2 ** 17,
      r: 8,
      p: 1,
      maxmem: 256 * 2 ** 20,
    });
    expect(Buffer.from(b64(m![6]!)).equals(expected)).toBe(true);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
  });

  it('uses a fresh random salt each time', async () => {
    const a = await hashPassword('same password', low);
    const b = await hashPassword('same password', low);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a, low)).toBe(true);
    expect(await verifyPassword('same password', b, low)).toBe(true);
  });

  it('writes the configured cost', async () => {
    const hash = await hashPassword('pw', { cost: { logN: 14, blockSize: 8, parallelism: 2 } });
    expect(hash.startsWith('$scrypt$ln=14,r=8,p=2$')).toBe(true);
  });

  it('refuses a cost below 16 MiB unless unsafeAllowLowCost is set', async () => {
    await expectBulwarkError(
      () => hashPassword('pw', { cost: { logN: 13, blockSize: 8, parallelism: 1 } }),
      'CONFIG_INVALID',
    );
    expect(await hashPassword('pw', low)).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$/);
  });

  it.each([
    [{ cost: { logN: 0, blockSize: 8, parallelism: 1 } }],
    [{ cost: { logN: 21, blockSize: 8, parallelism: 1 } }],
    [{ cost: { logN: 17, blockSize: 0, parallelism: 1 } }],
    [{ cost: { logN: 17, blockSize: 8, parallelism: 1.5 } }],
    [{ cost: { logN: 19, blockSize: 8, parallelism: 1 } }], // 512 MiB > maxCost.memoryBytes
    [{ cost: { logN: 17, blockSize: 8, parallelism: 9 } }], // work above maxCost.workBytes
    [{ cost: { logN: 17, blockSize: 8, parallelism: 1 }, maxCost: { logN: 16 } }],
    [{ maxCost: { logN: 16 } }], // the default cost must fit the bounds too
    [{ maxPasswordBytes: 0 }],
    [{ pepper: { id: 'bad id', key: new Uint8Array(32) } }],
    [{ pepper: { id: 'k1', key: new Uint8Array(31) } }],
    [{ pepper: { id: 'k1', key: 'not bytes' } }],
    [{ previousPeppers: { id: 'k1', key: new Uint8Array(32) } }],
    [{ pepper: pepperA, previousPeppers: [{ id: pepperA.id, key: pepperB.key }] }],
    [{ previousPeppers: [pepperA, { id: pepperA.id, key: pepperB.key }] }], // one id, two keys: the first lost
    [null],
    ['options'],
  ])('refuses invalid options (case %#) before any work', async (options) => {
    const scrypt = vi.spyOn(runtime, 'scrypt');
    await expectBulwarkError(() => hashPassword('pw', options as any), 'CONFIG_INVALID');
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('refuses a password over maxPasswordBytes (default 4096 bytes of UTF-8) before any work', async () => {
    const scrypt = vi.spyOn(runtime, 'scrypt');
    await expectBulwarkError(() => hashPassword('a'.repeat(4097), low), 'PASSWORD_TOO_LONG');
    await expectBulwarkError(() => hashPassword('é'.repeat(2049), low), 'PASSWORD_TOO_LONG'); // 4098 bytes
    await expectBulwarkError(() => hashPassword(new Uint8Array(4097), low), 'PASSWORD_TOO_LONG');
    await expectBulwarkError(() => hashPassword('abcdef', { ...low, maxPasswordBytes: 5 }), 'PASSWORD_TOO_LONG');
    // NFKC can expand: U+FDFA is one code unit (3 bytes) and 18 characters (33 bytes) after normalization.
    await expectBulwarkError(() => hashPassword('\uFDFA', { ...low, maxPasswordBytes: 10 }), 'PASSWORD_TOO_LONG');
    expect(scrypt).not.toHaveBeenCalled();
    expect(await hashPassword('a'.repeat(4096), low)).toMatch(/^\$scrypt\$/);
  });

  it('refuses what is not a password', async () => {
    await expectBulwarkError(() => hashPassword(42 as any, low), 'INPUT_INVALID');
    await expectBulwarkError(() => hashPassword(undefined as any, low), 'INPUT_INVALID');
    await expectBulwarkError(() => hashPassword('lone \ud800 surrogate', low), 'INPUT_INVALID');
  });

  it('error messages never contain the password', async () => {
    const secret = 'S3cret-\ud800';
    const e = await expectBulwarkError(() => hashPassword(secret, low), 'INPUT_INVALID');
    expect(e.message).not.toContain('S3cret');
    const long = await expectBulwarkError(() => hashPassword(`S3cret${'x'.repeat(5000)}`, low), 'PASSWORD_TOO_LONG');
    expect(long.message).not.toContain('S3cret');
  });

  it('accepts the empty password (whether to allow it is policy, not hashing)', async () => {
    const hash = await hashPassword('', low);
    expect(await verifyPassword('', hash, low)).toBe(true);
    expect(await verifyPassword(' ', hash, low)).toBe(false);
  });

  it('works on the pure-TypeScript path, and both paths agree', async () => {
    runtime.setRuntimeOverrideForTesting({ nodeCrypto: null });
    const hash = await hashPassword('fallback ✓', low);
    expect(await verifyPassword('fallback ✓', hash, low)).toBe(true);
    runtime.setRuntimeOverrideForTesting(undefined);
    expect(await verifyPassword('fallback ✓', hash, low)).toBe(true);
    expect(await verifyPassword('fallback x', hash, low)).toBe(false);
  });
});

describe('Unicode', () => {
  it('hashes the NFKC form, so visually equal inputs verify against each other', async () => {
    const hash = await hashPassword('cafe\u0301', low); // NFD
    expect(await verifyPassword('caf\u00e9', hash, low)).toBe(true); // NFC
    expect(await verifyPassword('cafe\u0301', hash, low)).toBe(true);
    const ligature = await hashPassword('\uFB01sh', low); // "ﬁsh" folds to "fish" under NFKC
    expect(await verifyPassword('fish', ligature, low)).toBe(true);
  });

  it('accepts bytes as given, without normalization', async () => {
    const bytes = new TextEncoder().encode('cafe\u0301');
    const hash = await hashPassword(bytes, low);
    expect(await verifyPassword(bytes, hash, low)).toBe(true);
    expect(await verifyPassword('cafe\u0301', hash, low)).toBe(true); // the as-given fallback
    expect(await verifyPassword('caf\u00e9', hash, low)).toBe(false);
    expect(await verifyPassword(Buffer.from(bytes), hash, low)).toBe(true);
  });

  it('verifies a foreign hash with the form as typed when only the NFKC form is over maxPasswordBytes', async () => {
    // 383 bytes as typed, 4,103 after NFKC (U+FDFA becomes 18 code points): hashed as typed by Node's scrypt.
    const typed = `my prayer: ${'\uFDFA'.repeat(124)}`;
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync(typed, salt, 32, { N: 16, r: 8, p: 1 });
    const foreign = `$scrypt$ln=4,r=8,p=1$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
    expect(await verifyPassword(typed, foreign, low)).toBe(true);
    expect(await verifyPassword(`${typed}x`, foreign, low)).toBe(false);
    // hashPassword still refuses it: what it would store is the NFKC form.
    await expectBulwarkError(() => hashPassword(typed, low), 'PASSWORD_TOO_LONG');
  });
});

describe('verifyPassword', () => {
  it('refuses a wrong password, a changed case, or a trailing space', async () => {
    const hash = await hashPassword('Tr0ub4dor&3', low);
    expect(await verifyPassword('Tr0ub4dor&3', hash, low)).toBe(true);
    expect(await verifyPassword('tr0ub4dor&3', hash, low)).toBe(false);
    expect(await verifyPassword('Tr0ub4dor&3 ', hash, low)).toBe(false);
  });

  it('compares keys in constant time through the runtime seam', async () => {
    const hash = await hashPassword('pw', low);
    const spy = vi.spyOn(runtime, 'constantTimeEqual');
    await verifyPassword('nope', hash, low);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('verifies hashes below the current cost (legacy hashes keep working)', async () => {
    const legacy = await hashPassword('old', low);
    expect(await verifyPassword('old', legacy)).toBe(true);
  });

  it('bounds the stored cost by maxCost before any work', async () => {
    const hash = (await hashPassword('pw', low)).replace('ln=4', 'ln=21');
    const scrypt = vi.spyOn(runtime, 'scrypt');
    await expectBulwarkError(() => verifyPassword('pw', hash), 'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS');
    await expectBulwarkError(
      () => verifyPassword('pw', hash.replace('ln=21', 'ln=12').replace('r=8', 'r=33')),
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
    );
    await expectBulwarkError(
      () => verifyPassword('pw', hash.replace('ln=21', 'ln=12').replace('p=1', 'p=17')),
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
    );
    // ln=19, r=8 is 512 MiB: within logN ≤ 20 but above memoryBytes (256 MiB).
    await expectBulwarkError(
      () => verifyPassword('pw', hash.replace('ln=21', 'ln=19')),
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
    );
    // ln=17, r=8, p=16: 128 MiB of memory but 2 GiB of work.
    await expectBulwarkError(
      () => verifyPassword('pw', hash.replace('ln=21', 'ln=17').replace('p=1', 'p=16')),
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
    );
    await expectBulwarkError(
      () => verifyPassword('pw', hash.replace('ln=21', 'ln=10'), { ...low, maxCost: { logN: 9 } }),
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
    );
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('a raised maxCost admits costlier stored hashes', async () => {
    const hash = await hashPassword('pw', { cost: { logN: 14, blockSize: 8, parallelism: 2 } });
    await expectBulwarkError(
      () => verifyPassword('pw', hash, { maxCost: { parallelism: 1 } }),
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
    );
    expect(await verifyPassword('pw', hash, { maxCost: { parallelism: 2 } })).toBe(true);
  });

  it('answers false, before any work, for a submitted password no hash can match', async () => {
    const hash = await hashPassword('pw', low);
    const scrypt = vi.spyOn(runtime, 'scrypt');
    // Client input: an over-long password or a lone surrogate (valid JSON) is a failed sign-in, not a 500.
    expect(await verifyPassword('x'.repeat(5000), hash)).toBe(false);
    expect(await verifyPassword('é'.repeat(2049), hash)).toBe(false);
    expect(await verifyPassword(new Uint8Array(4097), hash)).toBe(false);
    expect(await verifyPassword('pw\ud800', hash)).toBe(false);
    expect(scrypt).not.toHaveBeenCalled();
    // A value of the wrong type is the caller's bug, and a bad stored hash still throws first.
    await expectBulwarkError(() => verifyPassword(42 as any, hash), 'INPUT_INVALID');
    await expectBulwarkError(() => verifyPassword('x'.repeat(5000), '$scrypt$broken'), 'PASSWORD_HASH_MALFORMED');
  });

  it('refuses a hash that is not a string', async () => {
    await expectBulwarkError(() => verifyPassword('pw', null as any), 'INPUT_INVALID');
    await expectBulwarkError(() => verifyPassword('pw', 42 as any), 'INPUT_INVALID');
  });
});

describe('peppers', () => {
  it('records the pepper id, and the hash needs the pepper to verify', async () => {
    const hash = await hashPassword('pw', { ...low, pepper: pepperA });
    expect(hash).toMatch(/^\$scrypt\$ln=4,r=8,p=1,pepper=k2025\$/);
    expect(await verifyPassword('pw', hash, { pepper: pepperA })).toBe(true);
    expect(await verifyPassword('wrong', hash, { pepper: pepperA })).toBe(false);
    await expectBulwarkError(() => verifyPassword('pw', hash), 'PASSWORD_PEPPER_NOT_FOUND');
    await expectBulwarkError(() => verifyPassword('pw', hash, { pepper: pepperB }), 'PASSWORD_PEPPER_NOT_FOUND');
    // Without the pepper id in the string, the same key is not accepted: the pepper changes the key.
    expect(await verifyPassword('pw', hash.replace(',pepper=k2025', ''))).toBe(false);
  });

  it('applies HMAC-SHA256(pepper, password) before scrypt', async () => {
    const hash = await hashPassword('pw', { ...low, pepper: pepperA });
    const [, , , , , salt, key] = PHC.exec(hash)!;
    const { createHmac } = await import('node:crypto');
    const peppered = createHmac('sha256', pepperA.key).update('pw').digest();
    const expected = scryptSync(peppered, b64(salt!), 32, { N: 16, r: 8, p: 1 });
    expect(Buffer.from(b64(key!)).equals(expected)).toBe(true);
  });

  it('rotates: old hashes verify with previousPeppers, and need a rehash', async () => {
    const old = await hashPassword('pw', { ...low, pepper: pepperA });
    const rotated = { ...low, pepper: pepperB, previousPeppers: [pepperA] };
    expect(await verifyPassword('pw', old, rotated)).toBe(true);
    expect(needsRehash(old, rotated)).toBe(true);
    const fresh = await hashPassword('pw', rotated);
    expect(fresh).toContain(',pepper=k2026$');
    expect(needsRehash(fresh, rotated)).toBe(false);
    // Unpeppered hashes still verify once a pepper is configured, and then need a rehash.
    const plain = await hashPassword('pw', low);
    expect(await verifyPassword('pw', plain, rotated)).toBe(true);
    expect(needsRehash(plain, rotated)).toBe(true);
  });
});

describe('needsRehash', () => {
  it('is false for a hash at the current policy, true below it', async () => {
    const current = await hashPassword('pw', low);
    expect(needsRehash(current, low)).toBe(false);
    expect(needsRehash(current)).toBe(true);
    const swap = (from: string, to: string) => current.replace(from, to);
    expect(needsRehash(swap('ln=4', 'ln=5'), low)).toBe(false); // above policy: fine
    expect(needsRehash(swap('r=8', 'r=4'), low)).toBe(true);
    expect(needsRehash(swap('p=1', 'p=2'), low)).toBe(false);
  });

  it('is true for a short salt (hashes made elsewhere)', () => {
    expect(needsRehash('$scrypt$ln=17,r=8,p=1$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWI')).toBe(true);
  });

  it('is true for another algorithm, and throws on garbage', async () => {
    expect(needsRehash('$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW')).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA')).toBe(true);
    await expectBulwarkError(() => needsRehash('not a hash'), 'PASSWORD_HASH_MALFORMED');
    await expectBulwarkError(
      () => needsRehash('$scrypt$ln=99,r=8,p=1$AAAA$AAAA'),
      'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
    );
  });
});

describe('isPasswordReused', () => {
  it('finds the password among previous hashes', async () => {
    const history = [await hashPassword('first one', low), await hashPassword('second one', low)];
    expect(await isPasswordReused('second one', history, low)).toBe(true);
    expect(await isPasswordReused('third one', history, low)).toBe(false);
    expect(await isPasswordReused('anything', [], low)).toBe(false);
  });

  it('checks every hash before computing any', async () => {
    const good = await hashPassword('pw', low);
    const scrypt = vi.spyOn(runtime, 'scrypt');
    await expectBulwarkError(() => isPasswordReused('pw', [good, 'garbage'], low), 'PASSWORD_HASH_MALFORMED');
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('refuses a history hash whose pepper is not configured before computing any', async () => {
    const plain = await hashPassword('pw', low);
    const peppered = await hashPassword('other', { ...low, pepper: pepperA });
    const scrypt = vi.spyOn(runtime, 'scrypt');
    await expectBulwarkError(() => isPasswordReused('pw', [plain, peppered], low), 'PASSWORD_PEPPER_NOT_FOUND');
    expect(scrypt).not.toHaveBeenCalled();
    expect(await isPasswordReused('pw', [plain, peppered], { ...low, previousPeppers: [pepperA] })).toBe(true);
    expect(scrypt).toHaveBeenCalledTimes(1); // stops at the first match
  });

  it('answers false, before any work, for a password no hash can match (as verifyPassword does)', async () => {
    const history = [await hashPassword('pw', low)];
    const scrypt = vi.spyOn(runtime, 'scrypt');
    for (const password of ['x'.repeat(5000), 'é'.repeat(2049), new Uint8Array(4097), 'pw\ud800']) {
      expect(await isPasswordReused(password, history, low)).toBe(false);
      expect(await isPasswordReused(password, [], low)).toBe(false);
    }
    expect(scrypt).not.toHaveBeenCalled();
    await expectBulwarkError(() => isPasswordReused(42 as any, history, low), 'INPUT_INVALID');
  });

  it('bounds the history', async () => {
    await expectBulwarkError(() => isPasswordReused('pw', 'x' as any), 'INPUT_INVALID');
    await expectBulwarkError(() => isPasswordReused('pw', new Array(65).fill('x')), 'INPUT_INVALID');
  });
});
