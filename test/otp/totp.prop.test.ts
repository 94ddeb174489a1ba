import { createMemoryOtpStore, totp, verifyTotp } from 'bulwark/otp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../support/clock.js';
import { otpAlgorithm as algorithm, otpSecretBytes as secret } from './arbitraries.js';

const periodSeconds = fc.constantFrom(15, 30, 60);
const epochMs = fc.integer({ min: 10 ** 9 * 1000, max: 4 * 10 ** 9 * 1000 });

describe('verifyTotp properties', () => {
  it('a code verifies at every time within the window and at none outside it', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        algorithm,
        fc.integer({ min: 6, max: 8 }),
        periodSeconds,
        epochMs,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -5, max: 5 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (key, alg, digits, period, nowMs, pastSteps, futureSteps, offset, within) => {
          const periodMs = period * 1000;
          const base = { algorithm: alg, digits, periodSeconds: period };
          // The code of a step `offset` away from now, generated at an arbitrary instant inside that step.
          const step = Math.floor(nowMs / periodMs) + offset;
          const code = totp(key, { ...base, now: () => step * periodMs + Math.floor(within * periodMs) });
          const result = await verifyTotp(code, key, {
            ...base,
            pastSteps,
            futureSteps,
            unsafeAllowReplay: true,
            now: () => nowMs,
          });
          const inside = offset >= -pastSteps && offset <= futureSteps;
          if (inside) {
            expect(result.valid).toBe(true);
            // A collision with a nearer step may win; otherwise the delta is the offset.
            if (result.valid) expect(Math.abs(result.delta)).toBeLessThanOrEqual(Math.abs(offset));
          } else {
            const windowCodes = [];
            for (let d = -pastSteps; d <= futureSteps; d++) {
              windowCodes.push(totp(key, { ...base, now: () => nowMs + d * periodMs }));
            }
            expect(result.valid).toBe(windowCodes.includes(code));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with a replay store, accepted steps strictly increase and no code verifies twice (model check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.array(
          fc.record({ advanceMs: fc.integer({ min: 0, max: 70_000 }), offset: fc.integer({ min: -2, max: 2 }) }),
          { minLength: 1, maxLength: 25 },
        ),
        async (key, attempts) => {
          const clock = createFakeClock(1_700_000_000_000);
          const store = createMemoryOtpStore({ now: clock.now });
          const replay = { store, key: 'user' };
          let lastAccepted = -1;
          const accepted = new Set<string>();
          for (const { advanceMs, offset } of attempts) {
            clock.advance(advanceMs);
            const current = Math.floor(clock.now() / 30_000);
            const step = current + offset;
            const code = totp(key, { now: () => step * 30_000 });
            const result = await verifyTotp(code, key, { replay, now: clock.now });
            const codeKey = `${step}:${code}`;
            if (Math.abs(offset) <= 1) {
              // Inside the window: the model says accepted iff newer than the last accepted step.
              expect(result.valid).toBe(step > lastAccepted);
              if (!result.valid) expect(result).toEqual({ valid: false, reason: 'replayed' });
            }
            if (result.valid) {
              expect(result.step).toBeGreaterThan(lastAccepted);
              expect(accepted.has(codeKey)).toBe(false);
              accepted.add(codeKey);
              lastAccepted = result.step;
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('50 concurrent verifications of one code let exactly one through', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.integer({ min: -1, max: 1 }), async (key, offset) => {
        const store = createMemoryOtpStore();
        const now = Date.now();
        const code = totp(key, { now: () => now + offset * 30_000 });
        const results = await Promise.all(
          Array.from({ length: 50 }, () => verifyTotp(code, key, { replay: { store, key: 'u' }, now: () => now })),
        );
        expect(results.filter((r) => r.valid)).toHaveLength(1);
        expect(results.filter((r) => !r.valid && r.reason === 'replayed')).toHaveLength(49);
      }),
      { numRuns: 20 },
    );
  });
});
