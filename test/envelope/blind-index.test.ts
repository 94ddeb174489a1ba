import { createHmac } from 'node:crypto';
import { decodeBase64Url } from 'bulwark/encoding';
import { blindIndex, createBlindIndexKey, DEFAULT_BLIND_INDEX_OPTIONS, generateBlindIndexKey } from 'bulwark/envelope';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setRuntimeOverrideForTesting } from '../../src/runtime/index.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { CRYPTO_PATHS } from './helpers.js';

const material = new Uint8Array(32).map((_, i) => i);
const key = createBlindIndexKey(material);
afterEach(() => setRuntimeOverrideForTesting(undefined));

/** Independent computation: HMAC-SHA256(key, 0x01 ‖ context ‖ value), with the empty context encoded as 0x00. */
function expected(value: string, bits: number): string {
  const mac = createHmac('sha256', material)
    .update(Buffer.concat([Buffer.from([1, 0]), Buffer.from(value)]))
    .digest();
  const out = mac.subarray(0, Math.ceil(bits / 8));
  if (bits % 8) out[out.length - 1] = (out[out.length - 1] as number) & (0xff << (8 - (bits % 8)));
  return out.toString('base64url');
}

describe.each(CRYPTO_PATHS)('blindIndex via %s', (_name, override) => {
  it('is HMAC-SHA256 over the versioned, context-prefixed value, truncated to `bits`', async () => {
    setRuntimeOverrideForTesting(override);
    expect(DEFAULT_BLIND_INDEX_OPTIONS.bits).toBe(64);
    expect(await blindIndex('alice@example.com', key)).toBe(expected('alice@example.com', 64));
    for (const bits of [8, 12, 20, 64, 128, 255, 256]) {
      const index = await blindIndex('alice@example.com', key, { bits });
      expect(index).toBe(expected('alice@example.com', bits));
      expect(decodeBase64Url(index).length).toBe(Math.ceil(bits / 8));
    }
  });
});

describe('blindIndex options', () => {
  it('normalizes as asked and separates contexts', async () => {
    const lower = { normalize: 'lowercase' } as const;
    expect(await blindIndex(' Alice@Example.COM ', key, lower)).toBe(await blindIndex('alice@example.com', key, lower));
    // Lower-casing J + U+030C gives j + U+030C, which NFC composes to U+01F0: all three spellings must meet.
    const composed = await blindIndex('\u01F0ohn', key, lower);
    expect(await blindIndex('J\u030Cohn', key, lower)).toBe(composed);
    expect(await blindIndex('j\u030Cohn', key, lower)).toBe(composed);
    expect(await blindIndex('Alice', key)).not.toBe(await blindIndex('alice', key));
    expect(await blindIndex('caf\u00e9', key)).toBe(await blindIndex('cafe\u0301', key));
    expect(await blindIndex('caf\u00e9', key, { normalize: 'none' })).not.toBe(
      await blindIndex('cafe\u0301', key, { normalize: 'none' }),
    );
    expect(await blindIndex('+1 555', key, { normalize: (v) => v.replace(/\D/g, '') })).toBe(
      await blindIndex('1555', key),
    );
    expect(await blindIndex('x', key, { context: { column: 'email' } })).not.toBe(
      await blindIndex('x', key, { context: { column: 'phone' } }),
    );
    expect(await blindIndex(new Uint8Array([120]), key)).toBe(await blindIndex('x', key));
  });

  it('refuses bad keys, bits, normalizers and values', async () => {
    expect(generateBlindIndexKey().length).toBe(32);
    expectBulwarkErrorSync(() => createBlindIndexKey(new Uint8Array(16)), 'INPUT_INVALID');
    await expectBulwarkError(() => blindIndex('x', material as never), 'INPUT_INVALID');
    for (const bits of [0, 7, 257, 1.5])
      await expectBulwarkError(() => blindIndex('x', key, { bits }), 'CONFIG_INVALID');
    await expectBulwarkError(() => blindIndex('x', key, { normalize: 'upper' as never }), 'CONFIG_INVALID');
    await expectBulwarkError(() => blindIndex('x', key, { normalize: () => 1 as never }), 'CONFIG_INVALID');
    await expectBulwarkError(() => blindIndex(5 as never, key), 'INPUT_INVALID');
    await expectBulwarkError(() => blindIndex('x'.repeat(70_000), key), 'INPUT_INVALID');
  });

  it('refuses a huge string by its length, before normalizing or encoding it; checks the normalized bytes too', async () => {
    const normalize = vi.fn((v: string) => v);
    await expectBulwarkError(() => blindIndex('x'.repeat(30_000_000), key, { normalize }), 'INPUT_INVALID');
    await expectBulwarkError(() => blindIndex('x'.repeat(65_537), key, { normalize }), 'INPUT_INVALID');
    expect(normalize).not.toHaveBeenCalled();
    // 40 000 UTF-16 units pass the length bound; their 80 000 UTF-8 bytes do not.
    await expectBulwarkError(() => blindIndex('\u00e9'.repeat(40_000), key), 'INPUT_INVALID');
    // Normalization that lengthens the value: U+FB2C is one unit (3 bytes), three code points (6 bytes) after NFC.
    await expectBulwarkError(() => blindIndex('\uFB2C'.repeat(20_000), key), 'INPUT_INVALID');
    expect(await blindIndex('x'.repeat(65_536), key, { normalize })).toMatch(/^[\w-]+$/);
  });
});
