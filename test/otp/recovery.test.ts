import {
  consumeRecoveryCode,
  createMemoryOtpStore,
  generateRecoveryCodes,
  RECOVERY_CODES,
  type RecoveryCodeStore,
} from 'bulwark/otp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';

const secretKey = new Uint8Array(32).map((_, i) => i * 3);

describe('generateRecoveryCodes', () => {
  it('makes 10 grouped codes of 120 bits and their keyed-hash stored form', () => {
    const { codes, stored } = generateRecoveryCodes(secretKey);
    expect(codes).toHaveLength(10);
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
    for (const s of stored) expect(s).toMatch(/^rc1:[A-Za-z0-9_-]{43}$/);
    expect(new Set(codes).size).toBe(10);
    expect(RECOVERY_CODES.bytes * 8).toBeGreaterThanOrEqual(112);
    // The stored form reveals nothing of the code and depends on the key.
    const other = generateRecoveryCodes(new Uint8Array(32).fill(9), { count: 1 });
    expect(other.stored[0]).not.toContain(other.codes[0]!.replace(/-/g, ''));
  });

  it('validates count and key', () => {
    expect(generateRecoveryCodes(secretKey, { count: 1 }).codes).toHaveLength(1);
    for (const count of [0, 51, 2.5]) {
      expectBulwarkErrorSync(() => generateRecoveryCodes(secretKey, { count }), 'CONFIG_INVALID');
    }
    expectBulwarkErrorSync(() => generateRecoveryCodes(new Uint8Array(15)), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => generateRecoveryCodes('key' as never), 'CONFIG_INVALID');
  });
});

describe('consumeRecoveryCode', () => {
  it('accepts each code once, normalizing what people type', async () => {
    const store = createMemoryOtpStore();
    const { codes, stored } = generateRecoveryCodes(secretKey, { count: 3 });
    const options = { secretKey, store, key: 'user-1' };
    const typed = ` ${codes[1]!.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l')} `;
    const first = await consumeRecoveryCode(typed, stored, options);
    expect(first).toEqual({ valid: true, remaining: [stored[0], stored[2]] });
    expect(await consumeRecoveryCode(codes[1]!, stored, options)).toEqual({ valid: false, reason: 'used' });
    // The code is gone from `remaining`, and the store refuses it even against the old list.
    expect(await consumeRecoveryCode(codes[1]!, first.valid ? first.remaining : [], options)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(await consumeRecoveryCode(codes[0]!, stored, options)).toMatchObject({ valid: true });
  });

  it('answers malformed and mismatch without throwing', async () => {
    const store = createMemoryOtpStore();
    const { codes, stored } = generateRecoveryCodes(secretKey, { count: 2 });
    const options = { secretKey, store, key: 'u' };
    for (const bad of ['', 'ABCD', `${codes[0]}X`, 'UUUU-UUUU-UUUU-UUUU-UUUU-UUUU', 42, null, 'x'.repeat(100)]) {
      expect(await consumeRecoveryCode(bad as never, stored, options)).toEqual({ valid: false, reason: 'malformed' });
    }
    expect(await consumeRecoveryCode('0000-0000-0000-0000-0000-0000', stored, options)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    // The wrong key makes every code a mismatch.
    expect(await consumeRecoveryCode(codes[0]!, stored, { ...options, secretKey: new Uint8Array(32) })).toMatchObject({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('treats a tampered stored entry as a mismatch, leaving the other entries usable', async () => {
    const store = createMemoryOtpStore();
    const { codes, stored } = generateRecoveryCodes(secretKey, { count: 2 });
    const last = stored[0]!.at(-1) === 'A' ? 'B' : 'A';
    const tampered = [`${stored[0]!.slice(0, -1)}${last}`, stored[1]!];
    const options = { secretKey, store, key: 'u' };
    expect(await consumeRecoveryCode(codes[0]!, tampered, options)).toEqual({ valid: false, reason: 'mismatch' });
    expect(await consumeRecoveryCode(codes[1]!, tampered, options)).toEqual({ valid: true, remaining: [tampered[0]] });
  });

  it('refuses bad options and stored sets', async () => {
    const store = createMemoryOtpStore();
    const { codes, stored } = generateRecoveryCodes(secretKey, { count: 1 });
    const code = codes[0]!;
    await expectBulwarkError(() => consumeRecoveryCode(code, stored, undefined as never), 'CONFIG_INVALID');
    await expectBulwarkError(
      () => consumeRecoveryCode(code, stored, { secretKey, key: 'u' } as never),
      'CONFIG_INVALID',
    );
    await expectBulwarkError(() => consumeRecoveryCode(code, stored, { secretKey, store } as never), 'INPUT_INVALID');
    for (const bad of ['rc1:x', ['nope'], Array(51).fill(stored[0])]) {
      await expectBulwarkError(
        () => consumeRecoveryCode(code, bad as never, { secretKey, store, key: 'u' }),
        'INPUT_INVALID',
      );
    }
  });

  it('lets exactly one of 50 concurrent uses of a code through', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9 }), async (index) => {
        const store = createMemoryOtpStore();
        const { codes, stored } = generateRecoveryCodes(secretKey);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => consumeRecoveryCode(codes[index]!, stored, { secretKey, store, key: 'u' })),
        );
        expect(results.filter((r) => r.valid)).toHaveLength(1);
        expect(results.filter((r) => !r.valid && r.reason === 'used')).toHaveLength(49);
      }),
      { numRuns: 10 },
    );
  });

  it('wraps store failures', async () => {
    const { codes, stored } = generateRecoveryCodes(secretKey, { count: 1 });
    const store: RecoveryCodeStore = { markRecoveryCodeUsed: () => Promise.reject(new Error('down')) };
    await expectBulwarkError(
      () => consumeRecoveryCode(codes[0]!, stored, { secretKey, store, key: 'u' }),
      'STORE_UNAVAILABLE',
    );
    const confused = { markRecoveryCodeUsed: () => Promise.resolve('yes') } as unknown as RecoveryCodeStore;
    await expectBulwarkError(
      () => consumeRecoveryCode(codes[0]!, stored, { secretKey, store: confused, key: 'u' }),
      'STORE_UNAVAILABLE',
    );
  });
});
