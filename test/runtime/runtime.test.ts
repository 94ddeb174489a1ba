import { afterEach, describe, expect, it } from 'vitest';
import {
  aesGcmOpen,
  aesGcmSeal,
  describeRuntime,
  digest,
  hmac,
  randomBytes,
  setRuntimeOverrideForTesting,
} from '../../src/runtime/index.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';

afterEach(() => setRuntimeOverrideForTesting(undefined));

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
});
