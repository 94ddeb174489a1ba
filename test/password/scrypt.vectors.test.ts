/**
 * RFC 7914 (scrypt) §8-§12 test vectors, from ../shared/vectors/rfc/rfc7914-scrypt.json (transcribed from
 * https://www.rfc-editor.org/rfc/rfc7914 and recomputed with hashlib; see that folder's README).
 * scrypt runs on both paths: native node:crypto, and the pure-TypeScript fallback that browsers use.
 * The 1 GiB vector (N = 2^20) is in scrypt.slow.test.ts.
 */
import { pbkdf2Sync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pbkdf2Sha256, scrypt, setRuntimeOverrideForTesting } from '../../src/runtime/index.js';
import { blockMix, roMix, salsa208Bytes } from '../../src/runtime/scrypt-typescript.js';
import { bytesOf, words } from '../runtimes/suite/password.js';
import { hex, loadVectors, toHex } from '../support/vectors.js';

const v = loadVectors('rfc/rfc7914-scrypt.json');
const ascii = (s: string) => new TextEncoder().encode(s);

afterEach(() => setRuntimeOverrideForTesting(undefined));

describe('RFC 7914 building blocks (pure-TypeScript path)', () => {
  it('§8 Salsa20/8 core', () => {
    expect(toHex(salsa208Bytes(hex(v.salsa20_8.input)))).toBe(v.salsa20_8.output);
  });

  it('§9 BlockMix_{Salsa20/8, r=1}', () => {
    const input = words(hex(v.blockMix.input));
    const output = new Uint32Array(input.length);
    blockMix(input, 0, output, 0, v.blockMix.r, new Uint32Array(16), new Uint32Array(16));
    expect(toHex(bytesOf(output))).toBe(v.blockMix.output);
  });

  it('§10 ROMix (N = 16, r = 1)', async () => {
    const { N, r } = v.roMix;
    const B = words(hex(v.roMix.input));
    await roMix(B, 0, r, N, new Uint32Array(32 * r * N));
    expect(toHex(bytesOf(B))).toBe(v.roMix.output);
  });

  it('one-iteration PBKDF2 computed block by block (long outputs) agrees with Node pbkdf2Sync', async () => {
    for (const [password, salt, dkLen] of [
      ['', '', 2048],
      ['password', 'NaCl', 16 * 1024],
      ['p'.repeat(100), 'salt', 1025],
      ['x', 's'.repeat(70), 2047],
    ] as const) {
      const expected = pbkdf2Sync(password, salt, 1, dkLen, 'sha256');
      expect(toHex(await pbkdf2Sha256(ascii(password), ascii(salt), 1, dkLen))).toBe(expected.toString('hex'));
    }
  });

  it.each(v.pbkdf2HmacSha256.tests as any[])('§11 PBKDF2-HMAC-SHA256 P=$P c=$c', async (t) => {
    expect(toHex(await pbkdf2Sha256(ascii(t.P), ascii(t.S), t.c, t.dkLen))).toBe(t.DK);
  });
});

const fast = (v.scrypt.tests as any[]).filter((t) => !t.slow);

describe.each([
  ['native node:crypto', undefined],
  ['pure TypeScript', { nodeCrypto: null }],
] as const)('§12 scrypt, %s', (_name, override) => {
  it.each(fast)('P="$P" S="$S" N=$N r=$r p=$p', async (t) => {
    setRuntimeOverrideForTesting(override);
    const dk = await scrypt(ascii(t.P), ascii(t.S), { N: t.N, r: t.r, p: t.p, dkLen: t.dkLen });
    expect(toHex(dk)).toBe(t.DK);
  });
});
