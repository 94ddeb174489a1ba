/**
 * bulwark/password on every runtime: RFC 7914 §8-§10 building blocks of the pure-TypeScript scrypt (§11-§12 run in
 * the runtime suite), low-cost interop hashes from ../shared/vectors/interop/scrypt-hashes.json (hashlib and
 * passlib), round trips, bounds and the policy. In Chromium scrypt is the pure-TypeScript path.
 */
import {
  checkPasswordPolicy,
  countPasswordBreaches,
  hashPassword,
  needsRehash,
  type PasswordHashOptions,
  verifyPassword,
} from 'bulwark/password';
import { isCommonPassword } from 'bulwark/password/blocklist';
import { blockMix, roMix, salsa208Bytes } from '../../../src/runtime/scrypt-typescript.js';
import { bytesEqual, equal, fromHex, ok, throwsCode } from './assert.js';
import type { ConformanceCase } from './index.js';
import { rfc7914, scryptInterop } from './vectors.js';

const low: PasswordHashOptions = { cost: { logN: 4, blockSize: 8, parallelism: 1 }, unsafeAllowLowCost: true };

interface InteropEntry {
  id: string;
  password?: string | null;
  passwordUtf8Hex: string;
  phc: string;
  node: { N: number; r: number; p: number };
}

/** Bytes as the little-endian 32-bit words scrypt works on (shared with test/password/scrypt.vectors.test.ts). */
export function words(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(i * 4, true));
}

/** The inverse of {@link words}. */
export function bytesOf(w: Uint32Array): Uint8Array {
  const out = new Uint8Array(w.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < w.length; i++) view.setUint32(i * 4, w[i] as number, true);
  return out;
}

function rfcCases(): ConformanceCase[] {
  return [
    {
      name: 'RFC 7914 §8 Salsa20/8',
      run: () => bytesEqual(salsa208Bytes(fromHex(rfc7914.salsa20_8.input)), rfc7914.salsa20_8.output, 'salsa'),
    },
    {
      name: 'RFC 7914 §9 BlockMix',
      run: () => {
        const input = words(fromHex(rfc7914.blockMix.input));
        const output = new Uint32Array(input.length);
        blockMix(input, 0, output, 0, rfc7914.blockMix.r, new Uint32Array(16), new Uint32Array(16));
        bytesEqual(bytesOf(output), rfc7914.blockMix.output, 'BlockMix');
      },
    },
    {
      name: 'RFC 7914 §10 ROMix',
      run: async () => {
        const { N, r } = rfc7914.roMix;
        const B = words(fromHex(rfc7914.roMix.input));
        await roMix(B, 0, r, N, new Uint32Array(32 * r * N));
        bytesEqual(bytesOf(B), rfc7914.roMix.output, 'ROMix');
      },
    },
  ];
}

function interopCases(): ConformanceCase[] {
  const entries = [...scryptInterop.generated, ...scryptInterop.passlibAuthored] as InteropEntry[];
  // Cheap enough for the pure-TypeScript path in a browser: at most 4 MiB of scrypt memory and work.
  return entries
    .filter((e) => e.node.N * e.node.r * e.node.p <= 2 ** 15)
    .map((e) => ({
      name: `interop ${e.id} verifies, a wrong password does not`,
      run: async () => {
        const password = typeof e.password === 'string' ? e.password : fromHex(e.passwordUtf8Hex);
        equal(await verifyPassword(password, e.phc), true, 'right password');
        const wrong = typeof password === 'string' ? `${password}x` : fromHex(`${e.passwordUtf8Hex}01`);
        equal(await verifyPassword(wrong, e.phc), false, 'wrong password');
      },
    }));
}

export function passwordCases(): ConformanceCase[] {
  return [
    ...rfcCases(),
    ...interopCases(),
    {
      name: 'hash and verify round trip (Unicode, NFKC)',
      run: async () => {
        const hash = await hashPassword('cafe\u0301 🔑 ﬁsh', low);
        ok(hash.startsWith('$scrypt$ln=4,r=8,p=1$'), 'PHC prefix');
        equal(await verifyPassword('caf\u00e9 🔑 fish', hash, low), true, 'NFKC form');
        equal(await verifyPassword('cafe 🔑 fish', hash, low), false, 'different text');
        equal(needsRehash(hash, low), false, 'current');
        equal(needsRehash(hash), true, 'below the default cost');
      },
    },
    {
      name: 'peppered hash round trip',
      run: async () => {
        const pepper = { id: 'p1', key: new Uint8Array(32).fill(7) };
        const hash = await hashPassword('pepper me', { ...low, pepper });
        ok(hash.includes(',pepper=p1$'), 'pepper id recorded');
        equal(await verifyPassword('pepper me', hash, { pepper }), true, 'verifies');
        await throwsCode(() => verifyPassword('pepper me', hash), 'PASSWORD_PEPPER_NOT_FOUND', 'pepper missing');
      },
    },
    {
      name: 'negative vectors refused with their codes',
      run: async () => {
        const n = new Map(scryptInterop.negative.map((v: { id: string; phc: string }) => [v.id, v.phc]));
        const pw = 'password';
        await throwsCode(() => verifyPassword(pw, n.get('N03') as string), 'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS', 'N03');
        await throwsCode(() => verifyPassword(pw, n.get('N04') as string), 'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS', 'N04');
        await throwsCode(() => verifyPassword(pw, n.get('N05') as string), 'PASSWORD_HASH_MALFORMED', 'N05');
        await throwsCode(() => verifyPassword(pw, n.get('N06') as string), 'PASSWORD_HASH_UNSUPPORTED', 'N06');
        await throwsCode(() => verifyPassword(pw, n.get('N02') as string), 'PASSWORD_HASH_MALFORMED', 'N02');
        await throwsCode(() => hashPassword('x'.repeat(4097), low), 'PASSWORD_TOO_LONG', 'too long');
      },
    },
    {
      name: 'policy: length, blocklist, patterns, breach check with a fake fetcher',
      run: async () => {
        const strong = await checkPasswordPolicy('violet tundra 7', { blocklist: isCommonPassword });
        equal(strong.ok, true, 'strong passes');
        const weak = await checkPasswordPolicy('Password1', { mfa: true, blocklist: isCommonPassword });
        equal(weak.problems.map((p) => p.code).join(), 'COMMON', 'common');
        const seq = await checkPasswordPolicy('abcdefghijklmnop');
        equal(seq.problems.map((p) => p.code).join(), 'SEQUENTIAL', 'sequential');
        // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
        const count = await countPasswordBreaches('password', async (prefix) => {
          equal(prefix, '5BAA6', 'prefix');
          return '1E4C9B93F3F0682250B6CF8331B7EE68FD8:12\r\n';
        });
        equal(count, 12, 'breach count');
      },
    },
  ];
}
