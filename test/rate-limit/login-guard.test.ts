import { describe, expect, it } from 'vitest';
import {
  createLoginGuard,
  createRateLimitMemoryStore,
  DEFAULT_LOGIN_GUARD,
  type LoginGuardStore,
} from '../../src/rate-limit/index.js';
import { loginGuardStoreContract } from '../stores/contract.js';
import { createFakeClock } from '../support/clock.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { createLateAnswers } from '../support/later.js';
import {
  checkAgainstModel,
  checkDelayOutlivesCounter,
  checkInterleavings,
  concurrentBurst,
} from './login-guard-scenarios.js';

loginGuardStoreContract('memory', (clock) => createRateLimitMemoryStore({ now: clock.now }));

const refused = async (): Promise<never> => {
  throw new Error('connection refused');
};
const failingStore: LoginGuardStore = {
  reserveLoginAttempt: refused,
  recordLoginFailure: refused,
  releaseLoginAttempt: refused,
  clearLoginFailures: refused,
};

describe('createLoginGuard', () => {
  it('has frozen, NIST-compliant defaults', () => {
    expect(Object.isFrozen(DEFAULT_LOGIN_GUARD)).toBe(true);
    expect(DEFAULT_LOGIN_GUARD.accountMaxFailures).toBeLessThanOrEqual(100);
  });

  it('refuses a ceiling above 100 and other bad options', () => {
    expectBulwarkErrorSync(() => createLoginGuard({ accountMaxFailures: 101 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ baseDelayMs: 0 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ baseDelayMs: 5000, maxDelayMs: 1000 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ onStoreError: 'ignore' as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ store: {} as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ name: '' }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ name: 'n'.repeat(129) }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ name: 42 as never }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ inFlightTtlMs: 999 }), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => createLoginGuard({ inFlightTtlMs: 600_001 }), 'CONFIG_INVALID');
  });

  it('refuses malformed attempts', async () => {
    const guard = createLoginGuard();
    await expectBulwarkError(() => guard.check({ account: 'a', ip: 'not an ip' }), 'INPUT_INVALID');
    await expectBulwarkError(() => guard.check({ account: '', ip: '192.0.2.1' }), 'INPUT_INVALID');
    await expectBulwarkError(() => guard.failure(null as never), 'INPUT_INVALID');
    await expectBulwarkError(() => guard.success({ account: 'x'.repeat(513), ip: '192.0.2.1' }), 'INPUT_INVALID');
  });

  it('groups IPv6 clients by prefix', async () => {
    const guard = createLoginGuard({ freeFailures: 0 });
    await guard.failure({ account: 'a', ip: '2001:db8:0:1::1' });
    expect((await guard.check({ account: 'a', ip: '2001:db8:0:2::99' })).failures).toBe(1);
  });

  it('fails closed by default when the store fails, open when asked, and never throws for it', async () => {
    const deny = createLoginGuard({ store: failingStore });
    const result = await deny.check({ account: 'a', ip: '192.0.2.1' });
    expect(result).toMatchObject({ allowed: false, reason: 'store-error' });
    expect((result.error as { code: string }).code).toBe('STORE_UNAVAILABLE');
    expect(await deny.failure({ account: 'a', ip: '192.0.2.1' })).toMatchObject({
      allowed: false,
      reason: 'store-error',
    });
    const allow = createLoginGuard({ store: failingStore, onStoreError: 'allow' });
    expect(await allow.check({ account: 'a', ip: '192.0.2.1' })).toMatchObject({
      allowed: true,
      reason: 'store-error',
    });
    await expectBulwarkError(() => allow.success({ account: 'a', ip: '192.0.2.1' }), 'STORE_UNAVAILABLE');
  });

  it('releases the group that reserved when the other group fails: an outage leaves nothing reserved', async () => {
    const memory = createRateLimitMemoryStore();
    let ipDown = true;
    const halfDown: LoginGuardStore = {
      ...memory,
      reserveLoginAttempt: (group, keys, rules, ttl) =>
        ipDown && group.includes(':i:') ? refused() : memory.reserveLoginAttempt(group, keys, rules, ttl),
    };
    const guard = createLoginGuard({ store: halfDown, freeFailures: 0, accountMaxFailures: 1 });
    const who = { account: 'a', ip: '192.0.2.1' };
    expect(await guard.check(who)).toMatchObject({ allowed: false, reason: 'store-error' });
    ipDown = false;
    // With the account reservation left behind, a ceiling of one would refuse this attempt.
    expect(await guard.check(who)).toMatchObject({ allowed: true, reason: 'ok', failures: 0 });
  });

  it("a group's refusal decides even when the other group fails, under 'allow' too (no unlock by outage)", async () => {
    const memory = createRateLimitMemoryStore();
    const down = { ip: false, account: false };
    const store: LoginGuardStore = {
      ...memory,
      reserveLoginAttempt: (group, keys, rules, ttl) =>
        (down.ip && group.includes(':i:')) || (down.account && group.includes(':a:'))
          ? refused()
          : memory.reserveLoginAttempt(group, keys, rules, ttl),
    };
    const who = { account: 'a', ip: '192.0.2.1' };
    for (const onStoreError of ['allow', 'deny'] as const) {
      const guard = createLoginGuard({ store, onStoreError, freeFailures: 0, accountMaxFailures: 2, ipMaxFailures: 2 });
      await guard.success(who);
      await guard.failure(who);
      await guard.failure(who);
      down.ip = true;
      expect(await guard.check(who)).toMatchObject({ allowed: false, reason: 'account-locked' });
      down.ip = false;
      down.account = true;
      // The IP group has seen the same two failures against its own ceiling of two.
      expect(await guard.check(who)).toMatchObject({ allowed: false, reason: 'ip-limit' });
      down.account = false;
    }
  });

  it('failure() and success() answer only after both groups have settled, even when one fails at once', async () => {
    const memory = createRateLimitMemoryStore();
    const landed: string[] = [];
    const slowIp = <T>(group: string, call: () => Promise<T>): Promise<T> =>
      group.includes(':i:')
        ? new Promise((resolve, reject) =>
            setTimeout(() => {
              landed.push(group);
              call().then(resolve, reject);
            }, 20),
          )
        : refused();
    const store: LoginGuardStore = {
      ...memory,
      recordLoginFailure: (group, keys, rules) => slowIp(group, () => memory.recordLoginFailure(group, keys, rules)),
      clearLoginFailures: (group, keys) => slowIp(group, () => memory.clearLoginFailures(group, keys)),
      releaseLoginAttempt: (group, keys) => slowIp(group, () => memory.releaseLoginAttempt(group, keys)),
    };
    const guard = createLoginGuard({ store });
    const who = { account: 'a', ip: '192.0.2.1' };
    expect(await guard.failure(who)).toMatchObject({ allowed: false, reason: 'store-error' });
    expect(landed).toHaveLength(1);
    await expect(guard.success(who)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(landed).toHaveLength(2);
  });

  it('a reservation that lands after its check timed out is released, not left to block the next attempt', async () => {
    const memory = createRateLimitMemoryStore();
    let slow = true;
    const answers = createLateAnswers(30);
    const store: LoginGuardStore = {
      ...memory,
      reserveLoginAttempt: (group, keys, rules, ttl) =>
        slow
          ? answers.later(() => memory.reserveLoginAttempt(group, keys, rules, ttl))
          : memory.reserveLoginAttempt(group, keys, rules, ttl),
    };
    const guard = createLoginGuard({ store, timeoutMs: 5, freeFailures: 0, accountMaxFailures: 2 });
    const who = { account: 'a', ip: '192.0.2.1' };
    const during = await Promise.all([guard.check(who), guard.check(who), guard.check(who)]);
    expect(during.map((r) => r.reason)).toEqual(['store-error', 'store-error', 'store-error']);
    while (answers.state.landed < 6) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 10));
    slow = false;
    // Three reservations left behind would be over the ceiling of two, and count as failures for the delay.
    expect(await guard.check(who)).toMatchObject({ allowed: true, reason: 'ok', failures: 0 });
  });

  it("under onStoreError 'allow' a late reservation is left to the attempt's failure() or success()", async () => {
    const memory = createRateLimitMemoryStore();
    const answers = createLateAnswers(30);
    let releases = 0;
    const store: LoginGuardStore = {
      ...memory,
      reserveLoginAttempt: (group, keys, rules, ttl) =>
        answers.later(() => memory.reserveLoginAttempt(group, keys, rules, ttl)),
      releaseLoginAttempt: (group, keys) => {
        releases++;
        return memory.releaseLoginAttempt(group, keys);
      },
    };
    const guard = createLoginGuard({ store, timeoutMs: 5, onStoreError: 'allow' });
    const gate = await guard.check({ account: 'a', ip: '192.0.2.1' });
    expect(gate).toMatchObject({ allowed: true, reason: 'store-error' });
    while (answers.state.landed < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The attempt went through: its own failure() or success() resolves the reservation, not a compensation.
    expect(releases).toBe(0);
  });

  it('times out a hanging store', async () => {
    const hanging: LoginGuardStore = {
      reserveLoginAttempt: () => new Promise(() => {}),
      recordLoginFailure: () => new Promise(() => {}),
      releaseLoginAttempt: () => new Promise(() => {}),
      clearLoginFailures: () => new Promise(() => {}),
    };
    const guard = createLoginGuard({ store: hanging, timeoutMs: 20 });
    const result = await guard.check({ account: 'a', ip: '192.0.2.1' });
    expect(result).toMatchObject({ allowed: false, reason: 'store-error' });
    expect((result.error as { code: string }).code).toBe('STORE_TIMEOUT');
  });
});

describe('login guard under concurrency', () => {
  const setup = (options: Parameters<typeof createLoginGuard>[0] = {}) => {
    const clock = createFakeClock();
    const guard = createLoginGuard({ store: createRateLimitMemoryStore({ now: clock.now }), ...options });
    return { clock, guard };
  };

  it('500 concurrent attempts on one account and IP get no further than the free allowance', async () => {
    const { allowed, failures } = await concurrentBurst(createRateLimitMemoryStore());
    // freeFailures 3: four attempts go through at once, as four attempts one after another would.
    expect(allowed).toBe(DEFAULT_LOGIN_GUARD.freeFailures + 1);
    expect(failures).toBe(allowed);
  });

  it('the account ceiling counts attempts in flight', async () => {
    const { guard } = setup({ accountMaxFailures: 10, freeFailures: 100 });
    const gates = await Promise.all(
      Array.from({ length: 50 }, (_, i) => guard.check({ account: 'carol', ip: `203.0.113.${i}` })),
    );
    expect(gates.filter((g) => g.allowed)).toHaveLength(10);
    expect(gates.filter((g) => !g.allowed).every((g) => g.reason === 'account-locked')).toBe(true);
  });

  it('delays start from the reservation, before any attempt has failed', async () => {
    const { clock, guard } = setup({ freeFailures: 0, baseDelayMs: 1000 });
    const who = { account: 'a', ip: '192.0.2.1' };
    expect((await guard.check(who)).allowed).toBe(true);
    clock.advance(400);
    expect(await guard.check(who)).toMatchObject({ allowed: false, reason: 'delay', retryAfterMs: 600, failures: 0 });
    clock.advance(600);
    expect((await guard.check(who)).allowed).toBe(true);
  });

  it('failure() without check() still counts', async () => {
    const { guard } = setup({ freeFailures: 1 });
    const who = { account: 'a', ip: '192.0.2.1' };
    expect(await guard.failure(who)).toMatchObject({ allowed: true, failures: 1 });
    expect(await guard.failure(who)).toMatchObject({
      allowed: false,
      reason: 'delay',
      retryAfterMs: 1000,
      failures: 2,
    });
    expect(await guard.check(who)).toMatchObject({ allowed: false, failures: 2 });
  });

  it('failure() turns the reservation into one failure, not two', async () => {
    const { guard } = setup({ freeFailures: 1 });
    const who = { account: 'a', ip: '192.0.2.1' };
    expect((await guard.check(who)).allowed).toBe(true);
    expect(await guard.failure(who)).toMatchObject({ allowed: true, failures: 1 });
    expect((await guard.check(who)).allowed).toBe(true);
  });

  it('success releases the reservation and counts no failure against the IP', async () => {
    const { guard } = setup({ ipMaxFailures: 1 });
    const first = { account: 'a', ip: '192.0.2.1' };
    const second = { account: 'b', ip: '192.0.2.1' };
    expect((await guard.check(first)).allowed).toBe(true);
    // The IP's one allowed attempt is in flight.
    expect(await guard.check(second)).toMatchObject({ allowed: false, reason: 'ip-limit' });
    await guard.success(first);
    expect((await guard.check(second)).allowed).toBe(true);
    await guard.success(second);
    expect((await guard.check(first)).allowed).toBe(true);
  });

  it('an unresolved reservation counts as a failure until inFlightTtlMs, then expires', async () => {
    const { clock, guard } = setup({ accountMaxFailures: 1, inFlightTtlMs: 5000 });
    expect((await guard.check({ account: 'a', ip: '192.0.2.1' })).allowed).toBe(true);
    clock.advance(1000);
    const gate = await guard.check({ account: 'a', ip: '192.0.2.2' });
    expect(gate).toMatchObject({ allowed: false, reason: 'account-locked', retryAfterMs: 4000 });
    clock.advance(4000);
    expect((await guard.check({ account: 'a', ip: '192.0.2.2' })).allowed).toBe(true);
  });

  it('a denied check reserves nothing', async () => {
    const { guard } = setup({ freeFailures: 0, accountMaxFailures: 2, ipMaxFailures: 2 });
    const who = { account: 'a', ip: '192.0.2.1' };
    await guard.failure(who);
    const gates = await Promise.all(Array.from({ length: 100 }, () => guard.check(who)));
    expect(gates.some((g) => g.allowed)).toBe(false);
    // One failure each on the account and the IP: one more attempt fits under each ceiling.
    expect((await guard.check({ account: 'a', ip: '198.51.100.1' })).allowed).toBe(true);
    expect((await guard.check({ account: 'b', ip: '192.0.2.1' })).allowed).toBe(true);
  });

  it('no interleaving of concurrent sessions gets further than the same sessions one after another', async () => {
    const clock = createFakeClock();
    await checkInterleavings(() => createRateLimitMemoryStore({ now: clock.now }), 200);
  });
});

describe('login guard delays and counter lifetimes', () => {
  it('the account+IP counter outlives its delay, even when maxDelayMs exceeds accountWindowMs', async () => {
    const clock = createFakeClock();
    await checkDelayOutlivesCounter(createRateLimitMemoryStore({ now: clock.now }), clock);
  });

  it('agrees with the reservation semantics step by step (reference model)', async () => {
    await checkAgainstModel(() => {
      const clock = createFakeClock();
      return { clock, store: createRateLimitMemoryStore({ now: clock.now }) };
    }, 300);
  });
});
