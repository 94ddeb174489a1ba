/**
 * The contract every OTP store implements (OtpReplayStore + RecoveryCodeStore), written once and run against the
 * memory store here and against real backends by their adapters' tests (e.g. Redis). The memory store is the
 * executable specification; a backend passes when it behaves the same.
 *
 * `advance(ms)` moves the store's clock: a fake clock for the memory store, a real sleep for a server (TTLs in
 * these tests are short for that reason). Keys are random per test so a shared server needs no cleanup.
 */
import { describe, expect, it } from 'vitest';
import type { OtpReplayStore, RecoveryCodeStore } from '../../src/otp/store.js';

export interface OtpStoreHarness {
  store: OtpReplayStore & RecoveryCodeStore;
  advance(ms: number): Promise<void>;
  close?(): Promise<void>;
}

function uniqueKey(label: string): string {
  return `contract:${label}:${Math.random().toString(36).slice(2)}:${Date.now()}`;
}

export function otpStoreContract(name: string, makeStore: () => OtpStoreHarness | Promise<OtpStoreHarness>): void {
  async function withStore(fn: (h: OtpStoreHarness) => Promise<void>): Promise<void> {
    const harness = await makeStore();
    try {
      await fn(harness);
    } finally {
      await harness.close?.();
    }
  }

  describe(`OTP store contract: ${name}`, () => {
    it('accepts a step once, then only strictly greater steps', () =>
      withStore(async ({ store }) => {
        const key = uniqueKey('steps');
        expect(await store.markOtpStepUsed(key, 100, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(key, 100, 60_000)).toBe(false);
        expect(await store.markOtpStepUsed(key, 99, 60_000)).toBe(false);
        expect(await store.markOtpStepUsed(key, 101, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(key, 100, 60_000)).toBe(false);
        expect(await store.markOtpStepUsed(key, 2 ** 40, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(key, 2 ** 40 - 1, 60_000)).toBe(false);
      }));

    it('keeps keys independent', () =>
      withStore(async ({ store }) => {
        const a = uniqueKey('a');
        const b = uniqueKey('b');
        expect(await store.markOtpStepUsed(a, 7, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(b, 7, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(b, 6, 60_000)).toBe(false);
        expect(await store.markRecoveryCodeUsed(a, 'code')).toBe(true);
        expect(await store.markRecoveryCodeUsed(b, 'code')).toBe(true);
      }));

    it('forgets a step record after its TTL, not before', () =>
      withStore(async ({ store, advance }) => {
        const key = uniqueKey('ttl');
        expect(await store.markOtpStepUsed(key, 5, 400)).toBe(true);
        await advance(100);
        expect(await store.markOtpStepUsed(key, 5, 400)).toBe(false);
        await advance(500);
        expect(await store.markOtpStepUsed(key, 5, 400)).toBe(true);
      }));

    it('a greater step replaces the record and its TTL', () =>
      withStore(async ({ store, advance }) => {
        const key = uniqueKey('refresh');
        expect(await store.markOtpStepUsed(key, 1, 300)).toBe(true);
        await advance(200);
        expect(await store.markOtpStepUsed(key, 2, 2000)).toBe(true);
        await advance(300);
        expect(await store.markOtpStepUsed(key, 2, 2000)).toBe(false);
        expect(await store.markOtpStepUsed(key, 1, 2000)).toBe(false);
      }));

    it('lets exactly one of 50 concurrent marks of one step through', () =>
      withStore(async ({ store }) => {
        const key = uniqueKey('race');
        const results = await Promise.all(Array.from({ length: 50 }, () => store.markOtpStepUsed(key, 42, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      }));

    it('after concurrent marks of many steps, the greatest is the last recorded', () =>
      withStore(async ({ store }) => {
        const key = uniqueKey('many');
        const steps = Array.from({ length: 20 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
        const results = await Promise.all(steps.map((s) => store.markOtpStepUsed(key, s, 60_000)));
        expect(results.some(Boolean)).toBe(true);
        expect(await store.markOtpStepUsed(key, 20, 60_000)).toBe(false);
        expect(await store.markOtpStepUsed(key, 21, 60_000)).toBe(true);
      }));

    it('marks a recovery code used exactly once', () =>
      withStore(async ({ store }) => {
        const key = uniqueKey('recovery');
        expect(await store.markRecoveryCodeUsed(key, 'id-1')).toBe(true);
        expect(await store.markRecoveryCodeUsed(key, 'id-1')).toBe(false);
        expect(await store.markRecoveryCodeUsed(key, 'id-2')).toBe(true);
        const race = uniqueKey('recovery-race');
        const results = await Promise.all(Array.from({ length: 50 }, () => store.markRecoveryCodeUsed(race, 'same')));
        expect(results.filter(Boolean)).toHaveLength(1);
      }));

    it('recovery marks do not alias across key/code boundaries and do not expire', () =>
      withStore(async ({ store, advance }) => {
        const base = uniqueKey('alias');
        expect(await store.markRecoveryCodeUsed(`${base}a`, 'bc')).toBe(true);
        expect(await store.markRecoveryCodeUsed(`${base}ab`, 'c')).toBe(true);
        await advance(600);
        expect(await store.markRecoveryCodeUsed(`${base}a`, 'bc')).toBe(false);
      }));

    it('keys and code ids with lone surrogates stay apart from U+FFFD and from each other', () =>
      withStore(async ({ store }) => {
        const base = uniqueKey('surrogate');
        expect(await store.markOtpStepUsed(`${base}\ud800`, 5, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(`${base}\ufffd`, 5, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(`${base}\udc00`, 5, 60_000)).toBe(true);
        expect(await store.markOtpStepUsed(`${base}\ud800`, 5, 60_000)).toBe(false);
        expect(await store.markRecoveryCodeUsed(base, 'c\ud800')).toBe(true);
        expect(await store.markRecoveryCodeUsed(base, 'c\ufffd')).toBe(true);
        expect(await store.markRecoveryCodeUsed(base, 'c\ud800')).toBe(false);
      }));

    it('step marks and recovery marks live in separate namespaces', () =>
      withStore(async ({ store }) => {
        const key = uniqueKey('namespaces');
        expect(await store.markRecoveryCodeUsed(key, '1')).toBe(true);
        expect(await store.markOtpStepUsed(key, 1, 60_000)).toBe(true);
        expect(await store.markRecoveryCodeUsed(key, '1')).toBe(false);
      }));
  });
}
