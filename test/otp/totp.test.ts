import { decodeBase32 } from 'bulwark/encoding';
import {
  createMemoryOtpStore,
  DEFAULT_TOTP_OPTIONS,
  generateOtpSecret,
  hotp,
  type OtpReplayStore,
  totp,
  verifyHotp,
  verifyTotp,
} from 'bulwark/otp';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../src/errors.js';
import { createFakeClock } from '../support/clock.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 4226's "12345678901234567890"
const T = 1_111_111_109_000; // RFC 6238 test time, ms
const stateless = { unsafeAllowReplay: true, now: () => T } as const;

describe('generateOtpSecret', () => {
  it('returns unpadded base32 of 20 random bytes by default', () => {
    const a = generateOtpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32(a)).toHaveLength(20);
    expect(generateOtpSecret()).not.toBe(a);
    expect(decodeBase32(generateOtpSecret({ bytes: 32 }))).toHaveLength(32);
  });

  it('refuses fewer than 16 bytes (and more than 64)', () => {
    expectBulwarkErrorSync(() => generateOtpSecret({ bytes: 10 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => generateOtpSecret({ bytes: 65 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => generateOtpSecret({ bytes: 20.5 }), 'CONFIG_INVALID');
  });
});

describe('secrets', () => {
  it('accepts base32 as people type it (lower case, spaces, hyphens, padding)', () => {
    const code = totp(SECRET, { now: () => T });
    expect(totp(SECRET.toLowerCase(), { now: () => T })).toBe(code);
    expect(totp('gezd gnbv-gy3t qojq gezd gnbv gy3t qojq', { now: () => T })).toBe(code);
    expect(totp(`${SECRET}`, { now: () => T })).toBe(code);
  });

  it('refuses secrets under 128 bits unless unsafeAllowShortSecret', () => {
    const short = 'JBSWY3DPEHPK3PXP'; // 10 bytes, common in old enrollments
    const e = expectBulwarkErrorSync(() => totp(short), 'OTP_SECRET_INVALID');
    expect(e.message).not.toContain(short);
    expect(totp(short, { unsafeAllowShortSecret: true, now: () => T })).toMatch(/^\d{6}$/);
    expectBulwarkErrorSync(() => totp(new Uint8Array(0), { unsafeAllowShortSecret: true }), 'OTP_SECRET_INVALID');
  });

  it('refuses non-base32, wrong types and oversized secrets without echoing them', async () => {
    for (const bad of ['not base32!', '1234', 42, null, undefined, 'A'.repeat(5000), new Uint8Array(2000)]) {
      const e = expectBulwarkErrorSync(() => totp(bad as never), 'OTP_SECRET_INVALID');
      if (typeof bad === 'string') expect(e.message).not.toContain(bad);
    }
    await expectBulwarkError(() => verifyTotp('123456', 'x1', stateless), 'OTP_SECRET_INVALID');
  });
});

describe('totp', () => {
  it('honours algorithm, digits and period', () => {
    expect(totp(SECRET, { now: () => 59_000, digits: 8 })).toBe('94287082');
    expect(totp(SECRET, { now: () => 59_000, digits: 8, periodSeconds: 59 })).toBe(hotp(SECRET, 1, { digits: 8 }));
    expect(totp(SECRET, { now: () => 59_000, digits: 10 })).toMatch(/^\d{10}$/);
  });

  it('validates options before touching the secret', () => {
    for (const bad of [
      { digits: 5 },
      { digits: 11 },
      { algorithm: 'SHA-384' },
      { algorithm: 'sha1' },
      { periodSeconds: 0 },
      { periodSeconds: 3601 },
      { now: () => Number.NaN },
      { now: () => -1 },
      { now: 5 },
    ]) {
      expectBulwarkErrorSync(() => totp('bad secret', bad as never), 'CONFIG_INVALID');
    }
    expectBulwarkErrorSync(() => totp(SECRET, 'options' as never), 'CONFIG_INVALID');
  });
});

describe('the TOTP step bound', () => {
  // With periodSeconds 1 this clock is step 2^53 + 5, which a double cannot hold exactly.
  const unsafe = { now: () => 2 ** 53 * 1000 + 5000, periodSeconds: 1 } as const;
  // The last step that still leaves room for a 10-step future window.
  const lastSafe = { now: () => (2 ** 53 - 11) * 1000 + 500, periodSeconds: 1 } as const;

  it('refuses a clock whose step (plus the widest window) passes 2^53-1 with CONFIG_INVALID naming now', async () => {
    const a = expectBulwarkErrorSync(() => totp(SECRET, unsafe), 'CONFIG_INVALID');
    expect(a.details).toEqual({ parameter: 'now' });
    const early = { now: () => (2 ** 53 - 10) * 1000, periodSeconds: 1 } as const;
    expectBulwarkErrorSync(() => totp(SECRET, early), 'CONFIG_INVALID');
    const b = await expectBulwarkError(
      () => verifyTotp('123456', SECRET, { ...unsafe, unsafeAllowReplay: true }),
      'CONFIG_INVALID',
    );
    expect(b.details).toEqual({ parameter: 'now' });
    const store = createMemoryOtpStore();
    const c = await expectBulwarkError(
      () => verifyTotp('123456', SECRET, { ...unsafe, replay: { store, key: 'u' } }),
      'CONFIG_INVALID',
    );
    expect(c.details).toEqual({ parameter: 'now' });
  });

  it('still accepts the last step below the bound, with the widest future window and a replay store', async () => {
    const code = totp(SECRET, lastSafe);
    const options = { ...lastSafe, futureSteps: 10, replay: { store: createMemoryOtpStore(), key: 'u' } };
    expect(await verifyTotp(code, SECRET, options)).toEqual({ valid: true, delta: 0, step: 2 ** 53 - 11 });
  });
});

describe('verifyTotp', () => {
  it('returns delta and step for codes inside the window', async () => {
    const step = Math.floor(T / 30_000);
    for (const delta of [-1, 0, 1]) {
      const code = totp(SECRET, { now: () => T + delta * 30_000 });
      expect(await verifyTotp(code, SECRET, stateless)).toEqual({ valid: true, delta, step: step + delta });
    }
    const far = totp(SECRET, { now: () => T + 2 * 30_000 });
    expect(await verifyTotp(far, SECRET, stateless)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('supports asymmetric windows', async () => {
    const past2 = totp(SECRET, { now: () => T - 60_000 });
    const future1 = totp(SECRET, { now: () => T + 30_000 });
    const options = { ...stateless, pastSteps: 2, futureSteps: 0 };
    expect(await verifyTotp(past2, SECRET, options)).toMatchObject({ valid: true, delta: -2 });
    expect(await verifyTotp(future1, SECRET, options)).toMatchObject({ valid: false, reason: 'mismatch' });
    const exact = { ...stateless, pastSteps: 0, futureSteps: 0 };
    expect(await verifyTotp(totp(SECRET, { now: () => T }), SECRET, exact)).toMatchObject({ valid: true });
  });

  it('rejects malformed codes before any crypto, without throwing', async () => {
    // An invalid secret would throw if crypto ran: the malformed answer proves it did not get that far... except
    // the secret is decoded first, so use a valid secret and a store that must not be called.
    const store: OtpReplayStore = {
      markOtpStepUsed: () => {
        throw new Error('must not be called');
      },
    };
    for (const code of [
      '12345',
      '1234567',
      '12a456',
      '１２３４５６',
      '',
      ' ',
      '123-456',
      '-12345',
      '+12345',
      '1e5123',
    ]) {
      expect(await verifyTotp(code, SECRET, { replay: { store, key: 'u' }, now: () => T })).toEqual({
        valid: false,
        reason: 'malformed',
      });
    }
    for (const code of [123456, null, undefined, {}, ['123456'], 'x'.repeat(10_000)]) {
      expect(await verifyTotp(code as never, SECRET, stateless)).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('never looks before step 0', async () => {
    const early = { unsafeAllowReplay: true, now: () => 10_000, pastSteps: 3 } as const;
    expect(await verifyTotp(totp(SECRET, { now: () => 0 }), SECRET, early)).toEqual({ valid: true, delta: 0, step: 0 });
    const other = totp(SECRET, { now: () => 5 * 30_000 });
    expect((await verifyTotp(other, SECRET, early)).valid).toBe(false);
  });

  it('accepts codes typed with spaces between groups', async () => {
    const code = totp(SECRET, { now: () => T });
    expect(await verifyTotp(`${code.slice(0, 3)} ${code.slice(3)}`, SECRET, stateless)).toMatchObject({
      valid: true,
    });
  });

  it('requires a replay store unless unsafeAllowReplay is set', async () => {
    const code = totp(SECRET);
    const e = await expectBulwarkError(() => verifyTotp(code, SECRET), 'CONFIG_INVALID');
    expect(e.message).toContain('unsafeAllowReplay');
    await expectBulwarkError(() => verifyTotp(code, SECRET, { unsafeAllowReplay: 'yes' as never }), 'CONFIG_INVALID');
    await expectBulwarkError(
      () => verifyTotp(code, SECRET, { replay: { store: {} as never, key: 'u' } }),
      'CONFIG_INVALID',
    );
    const store = createMemoryOtpStore();
    await expectBulwarkError(() => verifyTotp(code, SECRET, { replay: { store, key: '' } }), 'INPUT_INVALID');
    await expectBulwarkError(() => verifyTotp(code, SECRET, { replay: { store } as never }), 'INPUT_INVALID');
    for (const bad of [{ pastSteps: -1 }, { futureSteps: 11 }, { pastSteps: 1.5 }]) {
      await expectBulwarkError(() => verifyTotp(code, SECRET, { ...stateless, ...bad }), 'CONFIG_INVALID');
    }
  });

  it('accepts each step once per key and never an older step', async () => {
    const clock = createFakeClock(T);
    const store = createMemoryOtpStore({ now: clock.now });
    const replay = { store, key: 'user-1' };
    const current = totp(SECRET, { now: clock.now });
    const previous = totp(SECRET, { now: () => clock.now() - 30_000 });
    expect(await verifyTotp(current, SECRET, { replay, now: clock.now })).toMatchObject({ valid: true, delta: 0 });
    expect(await verifyTotp(current, SECRET, { replay, now: clock.now })).toEqual({
      valid: false,
      reason: 'replayed',
    });
    // The previous step's code is still inside the window but older than the accepted step.
    expect(await verifyTotp(previous, SECRET, { replay, now: clock.now })).toEqual({
      valid: false,
      reason: 'replayed',
    });
    // Another user (key) is independent.
    expect(await verifyTotp(current, SECRET, { replay: { store, key: 'user-2' }, now: clock.now })).toMatchObject({
      valid: true,
    });
    // The next step works.
    clock.advance(30_000);
    expect(await verifyTotp(totp(SECRET, { now: clock.now }), SECRET, { replay, now: clock.now })).toMatchObject({
      valid: true,
    });
  });

  it('asks the store to keep the step until it leaves the window, plus a period of slack', async () => {
    const calls: [string, number, number][] = [];
    const store: OtpReplayStore = {
      markOtpStepUsed: async (key, step, ttlMs) => {
        calls.push([key, step, ttlMs]);
        return true;
      },
    };
    const now = 30_000 * 1000 + 12_000; // 12 s into step 1000
    const code = totp(SECRET, { now: () => now - 30_000 });
    expect(await verifyTotp(code, SECRET, { replay: { store, key: 'k' }, now: () => now })).toMatchObject({
      valid: true,
      step: 999,
    });
    // Step 999 is acceptable until step 1000 ends (pastSteps 1): 18 s from now, plus 30 s slack.
    expect(calls).toEqual([['k', 999, 48_000]]);
  });

  it('turns store failures into STORE_UNAVAILABLE and passes BulwarkErrors through', async () => {
    const code = totp(SECRET, { now: () => T });
    const failing: OtpReplayStore = { markOtpStepUsed: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const e = await expectBulwarkError(
      () => verifyTotp(code, SECRET, { replay: { store: failing, key: 'k' }, now: () => T }),
      'STORE_UNAVAILABLE',
    );
    expect((e as Error & { cause: Error }).cause.message).toBe('ECONNREFUSED');
    const timeout: OtpReplayStore = {
      markOtpStepUsed: async () => Promise.reject(new BulwarkError('STORE_TIMEOUT', 'slow')),
    };
    await expectBulwarkError(
      () => verifyTotp(code, SECRET, { replay: { store: timeout, key: 'k' }, now: () => T }),
      'STORE_TIMEOUT',
    );
    const weird: OtpReplayStore = { markOtpStepUsed: async () => 1 as never };
    await expectBulwarkError(
      () => verifyTotp(code, SECRET, { replay: { store: weird, key: 'k' }, now: () => T }),
      'STORE_UNAVAILABLE',
    );
  });

  it('bounds the replay store call: a hanging store is STORE_TIMEOUT after replay.timeoutMs', async () => {
    const code = totp(SECRET, { now: () => T });
    const hanging: OtpReplayStore = { markOtpStepUsed: () => new Promise(() => {}) };
    const started = performance.now();
    await expectBulwarkError(
      () => verifyTotp(code, SECRET, { replay: { store: hanging, key: 'k', timeoutMs: 20 }, now: () => T }),
      'STORE_TIMEOUT',
    );
    expect(performance.now() - started).toBeLessThan(5000);
    for (const timeoutMs of [0, 1.5, 600_001, '20']) {
      await expectBulwarkError(
        () =>
          verifyTotp(code, SECRET, {
            replay: { store: hanging, key: 'k', timeoutMs: timeoutMs as never },
            now: () => T,
          }),
        'CONFIG_INVALID',
      );
    }
  });

  it('exposes frozen defaults', () => {
    expect(Object.isFrozen(DEFAULT_TOTP_OPTIONS)).toBe(true);
    expect(DEFAULT_TOTP_OPTIONS).toMatchObject({ digits: 6, periodSeconds: 30, pastSteps: 1, futureSteps: 1 });
  });
});

describe('hotp and verifyHotp', () => {
  it('looks ahead and returns the next counter', async () => {
    expect(await verifyHotp(hotp(SECRET, 7), SECRET, 5)).toEqual({ valid: true, delta: 2, nextCounter: 8 });
    expect(await verifyHotp(hotp(SECRET, 4), SECRET, 5)).toEqual({ valid: false, reason: 'mismatch' });
    expect(await verifyHotp(hotp(SECRET, 11), SECRET, 5)).toEqual({ valid: false, reason: 'mismatch' });
    expect(await verifyHotp(hotp(SECRET, 11), SECRET, 5, { lookAheadCounters: 6 })).toMatchObject({ valid: true });
    expect(await verifyHotp('12345', SECRET, 5)).toEqual({ valid: false, reason: 'malformed' });
  });

  it('handles counters beyond 32 bits', async () => {
    const big = 2 ** 40 + 3;
    const code = hotp(SECRET, big, { algorithm: 'SHA-256' });
    expect(await verifyHotp(code, SECRET, big - 1, { algorithm: 'SHA-256' })).toEqual({
      valid: true,
      delta: 1,
      nextCounter: big + 1,
    });
    expect(hotp(SECRET, Number.MAX_SAFE_INTEGER)).toMatch(/^\d{6}$/);
    // The last counter never verifies: its next counter (2^53) could not be stored and passed back.
    const last = Number.MAX_SAFE_INTEGER;
    const penultimate = await verifyHotp(hotp(SECRET, last - 1), SECRET, last - 1);
    expect(penultimate).toEqual({ valid: true, delta: 0, nextCounter: last });
    expect(await verifyHotp(hotp(SECRET, last), SECRET, last)).toEqual({ valid: false, reason: 'mismatch' });
    expect(await verifyHotp(hotp(SECRET, last), SECRET, last - 3)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('validates the counter and options', async () => {
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN, '1']) {
      expectBulwarkErrorSync(() => hotp(SECRET, bad as never), 'CONFIG_INVALID');
      await expectBulwarkError(() => verifyHotp('123456', SECRET, bad as never), 'CONFIG_INVALID');
    }
    await expectBulwarkError(() => verifyHotp('123456', SECRET, 0, { lookAheadCounters: 21 }), 'CONFIG_INVALID');
  });
});
