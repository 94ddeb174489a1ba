import { createMemoryOtpStore } from 'bulwark/otp';
import { describe, expect, it } from 'vitest';
import { otpStoreContract } from '../stores/otp-contract.js';
import { createFakeClock } from '../support/clock.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';

otpStoreContract('memory', () => {
  const clock = createFakeClock();
  return {
    store: createMemoryOtpStore({ now: clock.now }),
    advance: async (ms) => {
      clock.advance(ms);
    },
  };
});

describe('createMemoryOtpStore', () => {
  it('evicts expired step records first, then the oldest, past maxSteps', async () => {
    const clock = createFakeClock();
    const store = createMemoryOtpStore({ now: clock.now, maxSteps: 3 });
    expect(await store.markOtpStepUsed('short', 1, 10)).toBe(true);
    expect(await store.markOtpStepUsed('a', 1, 60_000)).toBe(true);
    expect(await store.markOtpStepUsed('b', 1, 60_000)).toBe(true);
    clock.advance(20);
    // 'short' has expired: it is the one evicted, so 'a' still refuses its step.
    expect(await store.markOtpStepUsed('c', 1, 60_000)).toBe(true);
    expect(await store.markOtpStepUsed('a', 1, 60_000)).toBe(false);
    // Full of live records: the oldest written ('a'; a refused mark writes nothing) goes.
    expect(await store.markOtpStepUsed('d', 1, 60_000)).toBe(true);
    expect(await store.markOtpStepUsed('b', 1, 60_000)).toBe(false);
    expect(await store.markOtpStepUsed('a', 1, 60_000)).toBe(true);
  });

  it('never forgets a recovery mark: full means STORE_UNAVAILABLE', async () => {
    const store = createMemoryOtpStore({ maxRecoveryMarks: 2 });
    expect(await store.markRecoveryCodeUsed('u', '1')).toBe(true);
    expect(await store.markRecoveryCodeUsed('u', '2')).toBe(true);
    await expectBulwarkError(() => store.markRecoveryCodeUsed('u', '3'), 'STORE_UNAVAILABLE');
    expect(await store.markRecoveryCodeUsed('u', '1')).toBe(false);
  });

  it('validates its options and inputs', async () => {
    expectBulwarkErrorSync(() => createMemoryOtpStore({ maxSteps: 0 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createMemoryOtpStore({ now: 5 as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createMemoryOtpStore('x' as never), 'CONFIG_INVALID');
    const store = createMemoryOtpStore();
    await expectBulwarkError(() => store.markOtpStepUsed('', 1, 1000), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markOtpStepUsed('k', -1, 1000), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markOtpStepUsed('k', 1.5, 1000), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markOtpStepUsed('k', 1, 0), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markRecoveryCodeUsed('k', ''), 'INPUT_INVALID');
    await expectBulwarkError(() => store.markRecoveryCodeUsed('k'.repeat(513), 'x'), 'INPUT_INVALID');
  });
});
