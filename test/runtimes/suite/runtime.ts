/**
 * The runtime seam (src/runtime, not a public subpath, so bundled from source) against external vectors, on every
 * path the runtime offers: `native` (node:crypto, where present) and `webcrypto` (node:crypto hidden through the
 * test hook, which is also what browsers run; scrypt then takes its pure-TypeScript path).
 *
 * Vectors: RFC 4231 (HMAC), RFC 5869 (HKDF), RFC 7914 §11-12 (PBKDF2, scrypt; not the 1 GiB one), FIPS 180-4
 * examples (SHA), Project Wycheproof hmac_sha{1,256,512}, hkdf_sha256 and aes_gcm (C2SP/wycheproof, Apache-2.0).
 */
import {
  AES_GCM,
  aesGcmOpen,
  aesGcmSeal,
  constantTimeEqual,
  describeRuntime,
  digest,
  digestSync,
  fillRandom,
  getNodeCrypto,
  type HashAlgorithm,
  hkdf,
  hmac,
  hmacSync,
  importAesGcmKey,
  pbkdf2Sha256,
  randomBytes,
  scrypt,
  setRuntimeOverrideForTesting,
  takeRandomBytes,
} from '../../../src/runtime/index.js';
import { AssertionFailed, bytesEqual, equal, fromHex, ok, throwsCode, toHex } from './assert.js';
import type { ConformanceCase } from './index.js';
import {
  rfc4231,
  rfc5869,
  rfc7914,
  wycheproofAesGcm,
  wycheproofHkdfSha256,
  wycheproofHmacSha1,
  wycheproofHmacSha256,
  wycheproofHmacSha512,
} from './vectors.js';

type Path = 'native' | 'webcrypto';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Runs `fn` with node:crypto hidden when `path` is webcrypto, restoring detection afterwards. */
async function onPath(path: Path, fn: () => Promise<void>): Promise<void> {
  setRuntimeOverrideForTesting(path === 'webcrypto' ? { nodeCrypto: null } : undefined);
  try {
    await fn();
  } finally {
    setRuntimeOverrideForTesting(undefined);
  }
}

/** Collects every failing Wycheproof tcId so one case reports all of them at once. */
function failIfAny(label: string, failures: string[], checked: number): void {
  if (failures.length > 0) throw new AssertionFailed(`${label}: ${failures.length} failed (${failures.join('; ')})`);
  ok(checked > 0, `${label}: no vectors checked`);
}

interface WycheproofFile<G> {
  testGroups: (G & { tests: { tcId: number; result: string; [key: string]: unknown }[] })[];
}

const SHA_EXAMPLES: Record<string, Record<HashAlgorithm, string>> = {
  '': {
    'SHA-1': 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'SHA-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'SHA-384': '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
    'SHA-512':
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  abc: {
    'SHA-1': 'a9993e364706816aba3e25717850c26c9cd0d89d',
    'SHA-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'SHA-384': 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    'SHA-512':
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq: {
    'SHA-1': '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    'SHA-256': '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    'SHA-384': '3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b',
    'SHA-512':
      '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
  },
};

function pathCases(path: Path): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const add = (name: string, fn: () => Promise<void>) =>
    cases.push({ name: `[${path}] ${name}`, run: () => onPath(path, fn) });

  add('sync fast paths exist exactly where node:crypto does', async () => {
    const expectSync = path === 'native';
    equal(hmacSync('SHA-256', ascii('k'), ascii('m')) !== undefined, expectSync, 'hmacSync');
    equal(digestSync('SHA-256', ascii('m')) !== undefined, expectSync, 'digestSync');
  });

  add('SHA-1/256/384/512 (FIPS 180-4 examples)', async () => {
    for (const [message, byAlgorithm] of Object.entries(SHA_EXAMPLES)) {
      for (const [algorithm, expected] of Object.entries(byAlgorithm)) {
        bytesEqual(await digest(algorithm as HashAlgorithm, ascii(message)), expected, `${algorithm}("${message}")`);
      }
    }
  });

  for (const t of rfc4231.tests) {
    add(`RFC 4231 HMAC case ${t.case}`, async () => {
      const key = fromHex(t.keyHex);
      const data = fromHex(t.dataHex);
      const bits = (t as { truncatedToBits?: number }).truncatedToBits;
      const cut = (mac: Uint8Array) => toHex(bits === undefined ? mac : mac.subarray(0, bits / 8));
      equal(cut(await hmac('SHA-256', key, data)), t.hmacSha256, 'HMAC-SHA-256');
      equal(cut(await hmac('SHA-512', key, data)), t.hmacSha512, 'HMAC-SHA-512');
    });
  }

  const macFiles: [HashAlgorithm, number, WycheproofFile<{ tagSize: number }>][] = [
    ['SHA-1', 160, wycheproofHmacSha1],
    ['SHA-256', 256, wycheproofHmacSha256],
    ['SHA-512', 512, wycheproofHmacSha512],
  ];
  for (const [algorithm, digestBits, file] of macFiles) {
    add(`Wycheproof HMAC-${algorithm} (full-length tags)`, async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const group of file.testGroups.filter((g) => g.tagSize === digestBits)) {
        for (const t of group.tests) {
          const mac = await hmac(algorithm, fromHex(t.key as string), fromHex(t.msg as string));
          const matches = constantTimeEqual(mac, fromHex(t.tag as string));
          if (matches !== (t.result === 'valid')) failures.push(`tcId ${t.tcId} ${t.result}`);
          checked++;
        }
      }
      failIfAny(`HMAC-${algorithm}`, failures, checked);
    });
  }

  for (const t of rfc5869.tests) {
    add(`RFC 5869 HKDF case ${t.case}`, async () => {
      const okm = await hkdf('SHA-256', fromHex(t.IKM), fromHex(t.salt), fromHex(t.info), t.L);
      bytesEqual(okm, t.OKM, 'OKM');
    });
  }

  add('Wycheproof HKDF-SHA-256', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const group of (wycheproofHkdfSha256 as WycheproofFile<object>).testGroups) {
      for (const t of group.tests) {
        checked++;
        const derive = () =>
          hkdf(
            'SHA-256',
            fromHex(t.ikm as string),
            fromHex(t.salt as string),
            fromHex(t.info as string),
            t.size as number,
          );
        try {
          if (t.result === 'valid') {
            if (toHex(await derive()) !== t.okm) failures.push(`tcId ${t.tcId} wrong OKM`);
          } else {
            await throwsCode(derive, 'CONFIG_INVALID', `tcId ${t.tcId}`);
          }
        } catch (e) {
          failures.push(`tcId ${t.tcId}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    failIfAny('HKDF-SHA-256', failures, checked);
  });

  type GcmGroup = { keySize: number; ivSize: number; tagSize: number };
  const gcmGroups = (wycheproofAesGcm as WycheproofFile<GcmGroup>).testGroups;
  add('Wycheproof AES-256-GCM (96-bit IV, 128-bit tag)', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const group of gcmGroups.filter((g) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128)) {
      for (const t of group.tests) {
        checked++;
        const [key, iv, aad] = [fromHex(t.key as string), fromHex(t.iv as string), fromHex(t.aad as string)];
        const sealed = fromHex(`${t.ct}${t.tag}`);
        // Both the one-shot functions and a prepared key (what the envelope module uses) must agree.
        const prepared = importAesGcmKey(key);
        const opened = await aesGcmOpen(key, iv, sealed, aad);
        const openedPrepared = await prepared.open(iv, sealed, aad);
        if (t.result === 'valid') {
          if (opened === null || toHex(opened) !== t.msg) failures.push(`tcId ${t.tcId} did not decrypt`);
          if (openedPrepared === null || toHex(openedPrepared) !== t.msg) failures.push(`tcId ${t.tcId} prepared open`);
          const resealed = await aesGcmSeal(key, iv, fromHex(t.msg as string), aad);
          if (toHex(resealed) !== toHex(sealed)) failures.push(`tcId ${t.tcId} encrypts differently`);
          // A reserved header of 3 zero bytes, then ciphertext ‖ tag.
          const withHeader = await prepared.seal(iv, fromHex(t.msg as string), aad, 3);
          if (toHex(withHeader) !== `000000${toHex(sealed)}`) failures.push(`tcId ${t.tcId} prepared seal`);
        } else if (opened !== null || openedPrepared !== null) {
          failures.push(`tcId ${t.tcId} invalid but opened`);
        }
      }
    }
    failIfAny('AES-256-GCM', failures, checked);
  });

  add('AES-GCM refuses other key and IV sizes before any work', async () => {
    for (const group of gcmGroups.filter((g) => g.keySize !== 256 || g.ivSize !== 96)) {
      const t = group.tests[0]!;
      const sealed = fromHex(`${t.ct}${t.tag}`);
      const label = `key ${group.keySize} bits, IV ${group.ivSize} bits`;
      await throwsCode(
        () => aesGcmOpen(fromHex(t.key as string), fromHex(t.iv as string), sealed),
        'INPUT_INVALID',
        label,
      );
      await throwsCode(
        () => aesGcmSeal(fromHex(t.key as string), fromHex(t.iv as string), sealed),
        'INPUT_INVALID',
        label,
      );
    }
    const key = randomBytes(AES_GCM.keyBytes);
    const iv = randomBytes(AES_GCM.ivBytes);
    equal(await aesGcmOpen(key, iv, new Uint8Array(15)), null, 'sealed shorter than a tag');
  });

  add('AES-256-GCM round trip with AAD, tamper refused', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const plaintext = randomBytes(1000);
    const sealed = await aesGcmSeal(key, iv, plaintext, ascii('aad'));
    equal(sealed.length, plaintext.length + AES_GCM.tagBytes, 'sealed length');
    bytesEqual((await aesGcmOpen(key, iv, sealed, ascii('aad')))!, plaintext, 'round trip');
    equal(await aesGcmOpen(key, iv, sealed, ascii('aaD')), null, 'other AAD');
    for (const index of [0, 500, sealed.length - 1]) {
      const flipped = sealed.slice();
      flipped[index]! ^= 1;
      equal(await aesGcmOpen(key, iv, flipped, ascii('aad')), null, `bit flip at ${index}`);
    }
  });

  for (const t of rfc7914.pbkdf2HmacSha256.tests) {
    add(`RFC 7914 §11 PBKDF2-HMAC-SHA256 c=${t.c}`, async () => {
      bytesEqual(await pbkdf2Sha256(ascii(t.P), ascii(t.S), t.c, t.dkLen), t.DK, 'DK');
    });
  }

  for (const t of rfc7914.scrypt.tests.filter((v) => !(v as { slow?: boolean }).slow)) {
    const { N, r, p, dkLen } = t;
    add(`RFC 7914 §12 scrypt N=${N} r=${r} p=${p}`, async () => {
      bytesEqual(await scrypt(ascii(t.P), ascii(t.S), { N, r, p, dkLen }), t.DK, 'DK');
    });
  }
  return cases;
}

export function runtimeCases(): ConformanceCase[] {
  const paths: Path[] = getNodeCrypto() === null ? ['webcrypto'] : ['native', 'webcrypto'];
  const cases: ConformanceCase[] = [
    {
      name: 'describeRuntime reports WebCrypto and the scrypt path',
      run: () => {
        const described = describeRuntime();
        ok(described.webCrypto, 'WebCrypto subtle is available');
        equal(described.nodeCrypto, getNodeCrypto() !== null, 'nodeCrypto');
        equal(described.scrypt === 'native', described.nodeCrypto, 'scrypt native exactly where node:crypto is');
      },
    },
    {
      name: 'random bytes: lengths, bounds, distinct draws, the pooled source',
      run: async () => {
        equal(randomBytes(0).length, 0, 'empty');
        equal(randomBytes(32).length, 32, 'length');
        const [first, second] = [randomBytes(16), randomBytes(16)];
        ok(!constantTimeEqual(first, second), 'two draws differ');
        await throwsCode(() => randomBytes(-1), 'CONFIG_INVALID', 'negative length');
        await throwsCode(() => randomBytes(1.5), 'CONFIG_INVALID', 'fractional length');
        // The pooled source hands each byte out once, across refills, and serves large draws directly.
        const seen = new Set<string>();
        for (let i = 0; i < 300; i++) {
          const draw = takeRandomBytes(16);
          equal(draw.length, 16, 'pooled draw length');
          seen.add(toHex(draw));
        }
        equal(seen.size, 300, 'pooled draws are distinct');
        equal(takeRandomBytes(5000).length, 5000, 'large draw');
        await throwsCode(() => takeRandomBytes(-1), 'CONFIG_INVALID', 'negative pooled length');
      },
    },
    {
      name: 'random bytes: fills beyond 64 KiB (getRandomValues refuses more per call)',
      run: async () => {
        for (const path of paths) {
          await onPath(path, async () => {
            const big = fillRandom(new Uint8Array(70_000));
            ok(
              big.subarray(65_536).some((b) => b !== 0),
              `${path}: tail filled`,
            );
            ok(
              big.subarray(0, 4096).some((b) => b !== 0),
              `${path}: head filled`,
            );
          });
        }
      },
    },
    {
      name: 'constant-time equality',
      run: () => {
        ok(constantTimeEqual(fromHex('00ff'), fromHex('00ff')), 'equal');
        ok(!constantTimeEqual(fromHex('00ff'), fromHex('00fe')), 'differs');
        ok(!constantTimeEqual(fromHex('00ff'), fromHex('00ff00')), 'length differs');
      },
    },
  ];
  for (const path of paths) cases.push(...pathCases(path));
  return cases;
}
