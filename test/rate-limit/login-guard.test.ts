import { describe, expect, it } from 'vitest';
import {
  createLoginGuard,
  createRateLimitMemoryStore,
  DEFAULT_LOGIN_GUARD,
  type LoginGuardStore,
} from '../../src/rate-limit/index.js';
import { loginGuardStoreContract } from '../stores/contract.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';

loginGuardStoreContract('memory', (clock) => createRateLimitMemoryStore({ now: clock.now }));

const failingStore: LoginGuardStore = {
  readLoginFailures: async () => {
    throw new Error('connection refused');
  },
  recordLoginFailure: async () => {
    throw new Error('connection refused');
  },
  clearLoginFailures: async () => {
    throw new Error('connection refused');
  },
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

  it('times out a hanging store', async () => {
    const hanging: LoginGuardStore = {
      readLoginFailures: () => new Promise(() => {}),
      recordLoginFailure: () => new Promise(() => {}),
      clearLoginFailures: () => new Promise(() => {}),
    };
    const guard = createLoginGuard({ store: hanging, timeoutMs: 20 });
    const result = await guard.check({ account: 'a', ip: '192.0.2.1' });
    expect(result).toMatchObject({ allowed: false, reason: 'store-error' });
    expect((result.error as { code: string }).code).toBe('STORE_TIMEOUT');
  });
});
