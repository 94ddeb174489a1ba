/**
 * The login-guard store contract, written once and run against the memory store (test/rate-limit/) and the Redis
 * store (test/adapters/redis.test.ts) through the guard itself, with a fake clock driving the store's time.
 */
import { describe, expect, it } from 'vitest';
import { createLoginGuard, type LoginGuardOptions, type LoginGuardStore } from '../../src/rate-limit/index.js';
import { createFakeClock, type FakeClock } from '../support/clock.js';

export function loginGuardStoreContract(name: string, makeStore: (clock: FakeClock) => LoginGuardStore): void {
  let sequence = 0;
  function setup(options: LoginGuardOptions = {}) {
    const clock = createFakeClock();
    const store = makeStore(clock);
    const guard = createLoginGuard({ store, name: `guard-${Date.now()}-${sequence++}`, ...options });
    return { clock, guard, store };
  }

  describe(`login guard over ${name}`, () => {
    it('delays progressively per account and IP, doubling to the cap', async () => {
      const { clock, guard } = setup({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 4000 });
      const who = { account: 'alice', ip: '203.0.113.7' };
      const waits: number[] = [];
      for (let i = 0; i < 6; i++) {
        expect((await guard.check(who)).allowed).toBe(true);
        const next = await guard.failure(who);
        waits.push(next.retryAfterMs);
        expect(next.failures).toBe(i + 1);
        clock.advance(next.retryAfterMs);
      }
      expect(waits).toEqual([0, 0, 1000, 2000, 4000, 4000]);
      // While the delay runs, check refuses with the time left.
      await guard.failure(who);
      clock.advance(1500);
      const gate = await guard.check(who);
      expect(gate).toMatchObject({ allowed: false, reason: 'delay', retryAfterMs: 2500 });
    });

    it('success resets the account+IP and account counters', async () => {
      const { clock, guard } = setup({ freeFailures: 1, accountMaxFailures: 5 });
      const who = { account: 'bob', ip: '198.51.100.1' };
      for (let i = 0; i < 4; i++) clock.advance((await guard.failure(who)).retryAfterMs);
      await guard.success(who);
      const after = await guard.check(who);
      expect(after).toMatchObject({ allowed: true, failures: 0 });
      // The account counter restarted too: four more failures from another IP do not reach the ceiling of 5.
      for (let i = 0; i < 4; i++) await guard.failure({ account: 'bob', ip: '198.51.100.2' });
      expect((await guard.check({ account: 'bob', ip: '198.51.100.3' })).allowed).toBe(true);
    });

    it('blocks one IP failing across many accounts (credential stuffing), and only that IP', async () => {
      const { clock, guard } = setup({ ipMaxFailures: 5, ipWindowMs: 60_000 });
      for (let i = 0; i < 5; i++) await guard.failure({ account: `user${i}`, ip: '192.0.2.9' });
      const blocked = await guard.check({ account: 'someone-else', ip: '192.0.2.9' });
      expect(blocked).toMatchObject({ allowed: false, reason: 'ip-limit', retryAfterMs: 60_000 });
      expect((await guard.check({ account: 'someone-else', ip: '192.0.2.10' })).allowed).toBe(true);
      clock.advance(60_000);
      expect((await guard.check({ account: 'someone-else', ip: '192.0.2.9' })).allowed).toBe(true);
    });

    it('locks an account at the ceiling from any IP, until the window passes', async () => {
      const { clock, guard } = setup({ accountMaxFailures: 10, accountWindowMs: 3_600_000, freeFailures: 100 });
      for (let i = 0; i < 10; i++) await guard.failure({ account: 'carol', ip: `203.0.113.${i}` });
      const locked = await guard.check({ account: 'carol', ip: '198.51.100.77' });
      expect(locked).toMatchObject({ allowed: false, reason: 'account-locked', retryAfterMs: 3_600_000 });
      clock.advance(3_600_000);
      expect((await guard.check({ account: 'carol', ip: '198.51.100.77' })).allowed).toBe(true);
    });

    it('an attacker on one IP cannot lock the user out from another IP before the ceiling', async () => {
      const { clock, guard } = setup();
      const attacker = { account: 'dave', ip: '203.0.113.66' };
      const user = { account: 'dave', ip: '2001:db8:1:2::5' };
      for (let i = 0; i < 99; i++) {
        const gate = await guard.check(attacker);
        if (!gate.allowed) clock.advance(gate.retryAfterMs);
        await guard.failure(attacker);
      }
      expect((await guard.check(attacker)).allowed).toBe(false);
      const gate = await guard.check(user);
      expect(gate).toMatchObject({ allowed: true, reason: 'ok', failures: 0 });
      await guard.success(user);
      // The user's success restarted the account counter: the attacker is back to its own delays only.
      clock.advance(15 * 60_000);
      await guard.failure(attacker);
      expect((await guard.check(user)).allowed).toBe(true);
    });

    it('the 100th consecutive failure locks the account for everyone (NIST SP 800-63B ceiling)', async () => {
      const { clock, guard } = setup();
      for (let i = 0; i < 100; i++) {
        const gate = await guard.check({ account: 'erin', ip: '203.0.113.5' });
        if (!gate.allowed) clock.advance(gate.retryAfterMs);
        await guard.failure({ account: 'erin', ip: '203.0.113.5' });
      }
      expect(await guard.check({ account: 'erin', ip: '198.51.100.8' })).toMatchObject({
        allowed: false,
        reason: 'account-locked',
      });
    });

    it('counts concurrent failures exactly', async () => {
      const { guard } = setup({ freeFailures: 100, accountMaxFailures: 100 });
      const who = { account: 'frank', ip: '192.0.2.1' };
      await Promise.all(Array.from({ length: 40 }, () => guard.failure(who)));
      expect((await guard.check(who)).failures).toBe(40);
    });

    it('keeps accounts and IPs with look-alike encodings apart', async () => {
      const { guard } = setup({ freeFailures: 0, baseDelayMs: 1000 });
      await guard.failure({ account: 'a:ip:1.2.3.4', ip: '192.0.2.1' });
      expect((await guard.check({ account: 'a', ip: '1.2.3.4' })).failures).toBe(0);
      expect((await guard.check({ account: 'a:ip:1.2.3.4', ip: '192.0.2.1' })).failures).toBe(1);
      await guard.failure({ account: 'x}{y%7B', ip: '::ffff:192.0.2.1' });
      expect((await guard.check({ account: 'x}{y%7B', ip: '192.0.2.1' })).failures).toBe(1);
      expect((await guard.check({ account: 'x}{y{', ip: '192.0.2.1' })).failures).toBe(0);
    });

    it('takes any string as an account: lone surrogates stay apart from U+FFFD and from each other', async () => {
      const { guard } = setup({ freeFailures: 0, baseDelayMs: 1000 });
      const ip = '192.0.2.7';
      await guard.failure({ account: 'eve\ud800', ip });
      await guard.failure({ account: 'eve\ud800', ip });
      await guard.failure({ account: 'eve\udc00', ip });
      expect((await guard.check({ account: 'eve\ud800', ip })).failures).toBe(2);
      expect((await guard.check({ account: 'eve\udc00', ip })).failures).toBe(1);
      expect((await guard.check({ account: 'eve\ufffd', ip })).failures).toBe(0);
    });
  });
}
