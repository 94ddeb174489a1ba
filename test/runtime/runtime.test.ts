import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  aesGcmOpen,
  aesGcmSeal,
  describeRuntime,
  digest,
  hkdf,
  hmac,
  importAesGcmKey,
  randomBytes,
  scrypt,
  setRuntimeOverrideForTesting,
} from '../../src/runtime/index.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';

const cryptoDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;

afterEach(() => {
  setRuntimeOverrideForTesting(undefined);
  Object.defineProperty(globalThis, 'crypto', cryptoDescriptor);
  vi.restoreAllMocks();
});

describe('runtime seam', () => {
  it('describes the paths it takes', () => {
    expect(describeRuntime()).toEqual({ nodeCrypto: true, webCrypto: true, scrypt: 'native' });
    setRuntimeOverrideForTesting({ nodeCrypto: null });
    expect(describeRuntime()).toEqual({ nodeCrypto: false, webCrypto: true, scrypt: 'typescript' });
  });

  it.each([
    ['node:crypto', undefined],
    ['WebCrypto', { nodeCrypto: null }],
  ] as const)('randomBytes via %s: right length, beyond the 64 KiB getRandomValues limit, not constant', (_, o) => {
    setRuntimeOverrideForTesting(o);
    const big = randomBytes(200_000);
    expect(big.length).toBe(200_000);
    expect(big.some((b) => b !== 0)).toBe(true);
    expect(randomBytes(32)).not.toEqual(randomBytes(32));
    expectBulwarkErrorSync(() => randomBytes(-1), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => randomBytes(1.5), 'CONFIG_INVALID');
  });

  it.each([
    ['node:crypto', undefined],
    ['WebCrypto', { nodeCrypto: null }],
  ] as const)('AES-256-GCM via %s: seals, opens, and refuses tampering, wrong AAD and bad sizes', async (_, o) => {
    setRuntimeOverrideForTesting(o);
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const aad = new TextEncoder().encode('ctx');
    const pt = new TextEncoder().encode('attack at dawn');
    const sealed = await aesGcmSeal(key, iv, pt, aad);
    expect(sealed.length).toBe(pt.length + 16);
    expect(await aesGcmOpen(key, iv, sealed, aad)).toEqual(pt);
    expect(await aesGcmOpen(key, iv, sealed)).toBeNull();
    const flipped = sealed.slice();
    flipped[0]! ^= 1;
    expect(await aesGcmOpen(key, iv, flipped, aad)).toBeNull();
    expect(await aesGcmOpen(key, iv, sealed.subarray(0, 15), aad)).toBeNull();
    // A truncated tag must never pass: the tag length is enforced, not inferred.
    expect(await aesGcmOpen(key, iv, sealed.subarray(0, sealed.length - 4), aad)).toBeNull();
    await expectBulwarkError(() => aesGcmSeal(key.subarray(0, 16), iv, pt), 'INPUT_INVALID');
    await expectBulwarkError(() => aesGcmSeal(key, randomBytes(16), pt), 'INPUT_INVALID');
  });

  it('both paths agree on HMAC, digests and AES-GCM for the same inputs', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const data = randomBytes(1000);
    const native = [await hmac('SHA-256', key, data), await digest('SHA-384', data), await aesGcmSeal(key, iv, data)];
    setRuntimeOverrideForTesting({ nodeCrypto: null });
    const web = [await hmac('SHA-256', key, data), await digest('SHA-384', data), await aesGcmSeal(key, iv, data)];
    expect(web).toEqual(native);
  });

  it('refuses unknown hash names with CONFIG_INVALID', async () => {
    await expectBulwarkError(() => digest('MD5' as never, new Uint8Array()), 'CONFIG_INVALID');
    await expectBulwarkError(() => hmac('sha256' as never, new Uint8Array(), new Uint8Array()), 'CONFIG_INVALID');
  });

  describe('AES-GCM via WebCrypto: only a failed tag check reads as "not authentic"', () => {
    const key = new Uint8Array(32).fill(1);
    const iv = new Uint8Array(12);

    it('a missing crypto.subtle is RUNTIME_UNSUPPORTED, not null', async () => {
      const sealed = await aesGcmSeal(key, iv, new Uint8Array([1, 2, 3]));
      const webCrypto = globalThis.crypto;
      Object.defineProperty(globalThis, 'crypto', {
        value: { getRandomValues: webCrypto.getRandomValues.bind(webCrypto) },
        configurable: true,
      });
      setRuntimeOverrideForTesting({ nodeCrypto: null });
      await expectBulwarkError(() => aesGcmOpen(key, iv, sealed), 'RUNTIME_UNSUPPORTED');
    });

    it('a failed key import is RUNTIME_UNSUPPORTED, and is not remembered by the handle', async () => {
      const sealed = await aesGcmSeal(key, iv, new Uint8Array([1, 2, 3]));
      setRuntimeOverrideForTesting({ nodeCrypto: null });
      const handle = importAesGcmKey(key);
      vi.spyOn(globalThis.crypto.subtle, 'importKey').mockRejectedValueOnce(
        new DOMException('AES-GCM is not supported', 'NotSupportedError'),
      );
      await expectBulwarkError(() => handle.open(iv, sealed, new Uint8Array()), 'RUNTIME_UNSUPPORTED');
      expect(await handle.open(iv, sealed, new Uint8Array())).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('a decrypt failure other than OperationError is RUNTIME_UNSUPPORTED; a forged tag stays null', async () => {
      const sealed = await aesGcmSeal(key, iv, new Uint8Array([1, 2, 3]));
      setRuntimeOverrideForTesting({ nodeCrypto: null });
      const forged = sealed.slice();
      forged[0]! ^= 1;
      expect(await aesGcmOpen(key, iv, forged)).toBeNull();
      vi.spyOn(globalThis.crypto.subtle, 'decrypt').mockRejectedValueOnce(new TypeError('unexpected'));
      await expectBulwarkError(() => aesGcmOpen(key, iv, sealed), 'RUNTIME_UNSUPPORTED');
    });
  });

  it.each([
    ['node:crypto', undefined],
    ['WebCrypto', { nodeCrypto: null }],
  ] as const)('HKDF via %s takes info up to 1024 bytes, and refuses more with CONFIG_INVALID', async (_, o) => {
    setRuntimeOverrideForTesting(o);
    const ikm = new Uint8Array(32);
    const salt = new Uint8Array(16);
    expect(await hkdf('SHA-256', ikm, salt, new Uint8Array(1024), 32)).toHaveLength(32);
    await expectBulwarkError(() => hkdf('SHA-256', ikm, salt, new Uint8Array(1025), 32), 'CONFIG_INVALID');
  });

  it.each([
    ['node:crypto', undefined],
    ['TypeScript', { nodeCrypto: null }],
  ] as const)('scrypt via %s refuses an N beyond 32 bits that only looks like a power of two', async (_, o) => {
    setRuntimeOverrideForTesting(o);
    // 3·2^32 passes the 32-bit `(N & (N - 1)) === 0`; 2^33 is a power of two, but above the 2^32 bound.
    for (const N of [3 * 2 ** 32, 2 ** 32 + 2 ** 31, 2 ** 33, 2 ** 53 - 1]) {
      const e = await expectBulwarkError(
        () => scrypt(new Uint8Array(1), new Uint8Array(16), { N, r: 4, p: 1, dkLen: 32 }),
        'CONFIG_INVALID',
      );
      expect(e.message).toContain('power of two');
    }
  });
});
