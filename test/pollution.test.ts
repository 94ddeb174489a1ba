/**
 * A polluted Object.prototype (another dependency's bug, not ours) must not change what bulwark decides: options the
 * caller left out keep their defaults, a policy's optional members stay absent, keyrings read only their own key
 * material, and lookup tables find only their own entries. Each case pollutes, acts, and always cleans up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase64Url } from '../src/encoding/index.js';
import {
  blindIndex,
  createBlindIndexKey,
  createKeyring,
  decryptEnvelope,
  decryptStream,
  encryptEnvelope,
  encryptStream,
  generateEnvelopeKey,
  parseKeyring,
  rewrap,
  serializeKeyring,
} from '../src/envelope/index.js';
import {
  consumeRecoveryCode,
  createMemoryOtpStore,
  generateRecoveryCodes,
  totp,
  verifyTotp,
} from '../src/otp/index.js';
import { checkPasswordPolicySync, hashPassword } from '../src/password/index.js';
import {
  definePolicy,
  type PolicyCondition,
  type PolicyData,
  type PolicyRule,
  toSqlWhere,
} from '../src/policy/index.js';
import { createLoginGuard, createRateLimiter, ipKey, type RateLimitStore } from '../src/rate-limit/index.js';
import { stubKms } from './envelope/helpers.js';

/** A one-role policy: `user` may do `action` on `type` when `when` holds, plus any `extra` rules (deny first). */
function userPolicy(action: string, type: string, when?: PolicyCondition, extra: PolicyRule[] = []): PolicyData {
  const allow: PolicyRule = { effect: 'allow', roles: ['user'], actions: [action], resources: [type] };
  return { roles: { user: {} }, rules: [...extra, when === undefined ? allow : { ...allow, when }] };
}

const proto = Object.prototype as Record<PropertyKey, unknown>;

/**
 * Runs `act` with `values` planted on Object.prototype, and removes them when it is done: for a promise, only once
 * it settles, so that a read after an `await` inside the library still meets the pollution.
 */
function polluted<T>(values: Record<string, unknown>, act: () => T): T {
  const clean = () => {
    for (const key of Object.keys(values)) delete proto[key];
  };
  Object.assign(proto, values);
  let result: T;
  try {
    result = act();
  } catch (error) {
    clean();
    throw error;
  }
  if (result instanceof Promise) return result.finally(clean) as T;
  clean();
  return result;
}

afterEach(() => {
  // A case that forgot to clean up would make every later assertion meaningless.
  expect(Object.keys(proto)).toEqual([]);
});

describe('options left out keep their defaults', () => {
  it('verifyTotp: an inherited pastSteps does not widen the window', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const now = () => 1_800_000_000_000;
    const old = totp(secret, { now: () => now() - 5 * 60_000 });
    const options = { now, unsafeAllowReplay: true };
    const result = await polluted({ pastSteps: 10 }, () => verifyTotp(old, secret, options));
    expect(result.valid).toBe(false);
  });

  it('createLoginGuard: an inherited freeFailures does not raise the free attempts', async () => {
    const guard = polluted({ freeFailures: 100 }, () => createLoginGuard());
    const attempt = { account: 'alice', ip: '203.0.113.9' };
    for (let i = 0; i < 20; i++) await guard.failure(attempt);
    expect((await guard.check(attempt)).allowed).toBe(false);
  });

  it('ipKey: an inherited ipv6Prefix does not give every address its own bucket', () => {
    const [a, b] = polluted({ ipv6Prefix: 128 }, () => [ipKey('2001:db8:0:1::1'), ipKey('2001:db8:0:1::2')]);
    expect(a).toBe(b);
  });

  it('hashPassword: an inherited cost and unsafe flag do not weaken the hash', async () => {
    const hash = await polluted({ cost: { logN: 1, blockSize: 1, parallelism: 1 }, unsafeAllowLowCost: true }, () =>
      hashPassword('correct horse battery staple'),
    );
    expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
  });

  it('checkPasswordPolicySync: an inherited mfa does not lower the minimum length', () => {
    expect(polluted({ mfa: true }, () => checkPasswordPolicySync('Tr0ub4dor&3').ok)).toBe(false);
  });
});

describe('settings of the envelope and rate-limit entry points keep their defaults', () => {
  it('createRateLimiter: an inherited algorithm and burst do not admit past the limit', async () => {
    const limiter = polluted({ algorithm: 'token-bucket', burst: 100 }, () =>
      createRateLimiter({ limits: [{ limit: 1, windowMs: 60_000 }] }),
    );
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);
  });

  it('parseKeyring: an inherited provider is never given the data keys', () => {
    const ring = createKeyring({ keys: [{ id: 'kms-1', status: 'primary' }], provider: stubKms() });
    const json = serializeKeyring(ring);
    const thief = stubKms();
    expect(() => polluted({ provider: thief }, () => parseKeyring(json))).toThrow(/no provider/);
    expect(thief.calls).toEqual([]);
  });

  it('rewrap: an inherited inPlace never overwrites the caller’s bytes', async () => {
    const k1 = generateEnvelopeKey();
    const k2 = generateEnvelopeKey();
    const before = createKeyring({ keys: [{ id: 'a', key: k1, status: 'primary' }] });
    const after = createKeyring({
      keys: [
        { id: 'a', key: k1, status: 'decrypt-only' },
        { id: 'b', key: k2, status: 'primary' },
      ],
    });
    const sealed = await encryptEnvelope(before, 'x');
    const copy = sealed.slice();
    const out = await polluted({ inPlace: true }, () => rewrap(sealed, after));
    expect(sealed).toEqual(copy);
    expect(out).not.toBe(sealed);
  });

  it('blindIndex: an inherited bits does not change the digest length', async () => {
    const key = createBlindIndexKey(generateEnvelopeKey());
    const clean = await blindIndex('alice@example.com', key);
    const dirty = await polluted({ bits: 256 }, () => blindIndex('alice@example.com', key));
    expect(dirty).toBe(clean);
  });
});

describe('keyrings read only their own key material', () => {
  it('an inherited key never turns a provider-held key into local material', async () => {
    const kms = stubKms();
    const ring = createKeyring({ keys: [{ id: 'kms-1', status: 'primary' }], provider: kms });
    const json = serializeKeyring(ring);
    const attackerKey = generateEnvelopeKey();
    const fromJson = polluted({ key: encodeBase64Url(attackerKey) }, () => parseKeyring(json, { provider: kms }));
    expect(fromJson.keys[0]?.source).toBe('provider');
    const direct = polluted({ key: attackerKey }, () =>
      createKeyring({ keys: [{ id: 'kms-1', status: 'primary' }], provider: kms }),
    );
    expect(direct.keys[0]?.source).toBe('provider');
    const sealed = await encryptEnvelope(direct, 'card 4111-1111');
    const attacker = createKeyring({ keys: [{ id: 'kms-1', key: attackerKey, status: 'primary' }] });
    await expect(decryptEnvelope(attacker, sealed)).rejects.toMatchObject({ code: 'ENVELOPE_DECRYPT_FAILED' });
  });
});

describe('policies keep their optional members absent', () => {
  const user = { id: 'u1', roles: ['user'], tenantId: 't1' };

  it('an inherited fields does not turn a deny into a field-only deny', () => {
    const p = polluted({ fields: ['x'] }, () =>
      definePolicy(
        userPolicy('delete', 'doc', undefined, [
          { effect: 'deny', roles: ['user'], actions: ['delete'], resources: ['doc'] },
        ]),
      ),
    );
    expect(p.can(user, 'delete', 'doc')).toBe(false);
  });

  it('an inherited crossTenant does not lift tenant isolation', () => {
    const p = polluted({ crossTenant: true }, () =>
      definePolicy(userPolicy('read', 'invoice'), { tenant: 'tenantId' }),
    );
    const other = { type: 'invoice', tenantId: 't2' };
    expect(p.can(user, 'read', other)).toBe(false);
    expect(p.forSubject(user).can('read', other)).toBe(false);
    expect(p.filter(user, 'read', 'invoice')).toEqual({ eq: [{ ref: 'resource.tenantId' }, 't1'] });
  });

  it('an inherited when does not disable an unconditional deny', () => {
    const p = polluted({ when: false }, () =>
      definePolicy(
        userPolicy('delete', 'doc', { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] }, [
          { effect: 'deny', roles: ['user'], actions: ['delete'], resources: ['doc'] },
        ]),
      ),
    );
    expect(p.can(user, 'delete', { type: 'doc', ownerId: 'u1' })).toBe(false);
  });

  it('an inherited timeZone does not move a UTC time window', () => {
    const p = polluted({ timeZone: 'Asia/Tokyo' }, () =>
      definePolicy(userPolicy('read', 'doc', { timeWindow: [{ ref: 'context.now' }, { from: '09:00', to: '17:00' }] })),
    );
    expect(p.can(user, 'read', 'doc', { now: Date.UTC(2026, 0, 7, 3, 0) })).toBe(false);
  });

  it('an inherited inherits does not give a role another role’s grants', () => {
    const p = polluted({ inherits: ['admin'] }, () =>
      definePolicy({
        roles: { guest: {}, admin: { inherits: [] } },
        rules: [{ effect: 'allow', roles: ['admin'], actions: ['delete'], resources: ['doc'] }],
      }),
    );
    expect(p.can({ roles: ['guest'] }, 'delete', 'doc')).toBe(false);
  });

  it('toSqlWhere: inherited type names never reach the SQL text', () => {
    const p = definePolicy(userPolicy('read', 'doc', { in: [{ ref: 'resource.tags' }, { ref: 'subject.tags' }] }));
    const filter = p.filter({ id: 'u', roles: ['user'], tags: ['public'] }, 'read', 'doc');
    const options = { columns: { tags: { name: 'tags', type: 'text[]' as const } } };
    const clean = toSqlWhere(filter, options);
    const dirty = polluted({ 'text[]': 'string', 'text[][]': 'text[]) OR (TRUE' }, () => toSqlWhere(filter, options));
    expect(dirty).toEqual(clean);
  });
});

describe('lookup tables find only their own entries', () => {
  it('decodeBase32: an inherited tail length does not make an impossible length decode', () => {
    polluted({ 1: 16, 3: 16, 6: 16 }, () => {
      for (const text of ['A', 'AAA', 'AAAAAA']) expect(() => decodeBase32(text)).toThrow(/length/);
    });
  });
});

describe('records the library builds for itself have no prototype', () => {
  const owned = userPolicy('update', 'doc', { eq: [{ ref: 'resource.ownerId' }, { ref: 'subject.id' }] });
  const mallory = { id: 'mallory', roles: ['user'] };

  it('an inherited constant never compiles an ownership test to constant === constant', () => {
    const p = polluted({ constant: 0 }, () => definePolicy(owned));
    expect(p.can(mallory, 'update', { type: 'doc', ownerId: 'alice' })).toBe(false);
  });

  it('an inherited direct never replaces the attribute a nested reference reads', () => {
    const p = polluted({ direct: { fromResource: false, key: 'id' } }, () =>
      definePolicy(userPolicy('delete', 'doc', { eq: [{ ref: 'resource.owner.id' }, { ref: 'subject.id' }] })),
    );
    expect(p.can(mallory, 'delete', { type: 'doc', owner: { id: 'alice' } })).toBe(false);
  });

  it('toSqlWhere: an inherited column never turns a value into SQL text', () => {
    const p = definePolicy(owned);
    const filter = p.filter({ id: 'u1', roles: ['user'] }, 'update', 'doc');
    const options = { columns: { ownerId: { name: 'owner_id', type: 'text' as const } } };
    const clean = toSqlWhere(filter, options);
    expect(clean).toEqual({ text: '("owner_id" = $1::text)', values: ['u1'] });
    for (const column of ['"owner_id"', "'x' OR TRUE"]) {
      expect(polluted({ column, type: 'text' }, () => toSqlWhere(filter, options))).toEqual(clean);
    }
  });

  it('filter: an inherited keepContext never leaves a context reference for SQL to map to a column', () => {
    const p = definePolicy(
      userPolicy('read', 'invoice', { eq: [{ ref: 'resource.tenantId' }, { ref: 'context.tenantId' }] }),
    );
    const filter = polluted({ keepContext: true }, () =>
      p.filter({ id: 'u1', roles: ['user'] }, 'read', 'invoice', { tenantId: 't1' }),
    );
    expect(filter).toEqual({ eq: [{ ref: 'resource.tenantId' }, 't1'] });
  });

  it('an inherited hour12 never moves a time window with a timeZone', () => {
    const p = polluted({ hour12: true }, () =>
      definePolicy(
        userPolicy('read', 'payroll', {
          timeWindow: [{ ref: 'context.now' }, { from: '09:00', to: '17:00', timeZone: 'Europe/Berlin' }],
        }),
      ),
    );
    // 21:30 in Berlin (UTC+1 in January).
    expect(p.can({ roles: ['user'] }, 'read', 'payroll', { now: Date.UTC(2026, 0, 7, 20, 30) })).toBe(false);
  });

  it('refund: an inherited cost never gives back more than the call’s own cost', async () => {
    const limiter = createRateLimiter({ limit: 5, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) await limiter.consume('ip:1');
    const callOptions = {};
    await polluted({ cost: 5 }, () => limiter.refund('ip:1', callOptions));
    expect((await limiter.consume('ip:1')).allowed).toBe(true);
    expect((await limiter.consume('ip:1')).allowed).toBe(false);
  });
});

describe('methods and members the library looks up are never inherited', () => {
  it('createRateLimiter: an inherited bindRateLimitSync never replaces the store', async () => {
    let calls = 0;
    const store: RateLimitStore = {
      async applyRateLimit() {
        calls++;
        return {
          allowed: calls <= 1,
          limit: 1,
          remaining: 0,
          resetMs: 60_000,
          retryAfterMs: 60_000,
          windowMs: 60_000,
          reason: calls <= 1 ? 'ok' : 'limit',
        };
      },
      async resetRateLimit() {},
    } as RateLimitStore;
    const limiter = polluted({ bindRateLimitSync: () => () => ({ allowed: true }) }, () =>
      createRateLimiter({ limit: 1, windowMs: 60_000, store }),
    );
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);
    expect(calls).toBe(2);
  });

  it('serializeKeyring: an inherited key is never written out for a provider-held key', () => {
    const ring = createKeyring({ keys: [{ id: 'kms-1', status: 'primary' }], provider: stubKms() });
    const json = polluted({ key: generateEnvelopeKey() }, () => serializeKeyring(ring));
    expect(JSON.parse(json)).toEqual({ version: 1, keys: [{ id: 'kms-1', status: 'primary' }] });
  });

  it('decryptStream: an inherited start never emits plaintext of its own', async () => {
    const ring = createKeyring({ keys: [{ id: 'k1', key: generateEnvelopeKey(), status: 'primary' }] });
    const sealed = new Response(new Blob(['pay alice 10 EUR']).stream().pipeThrough(encryptStream(ring)));
    const bytes = new Uint8Array(await sealed.arrayBuffer());
    const stream = polluted(
      { start: (controller: TransformStreamDefaultController<Uint8Array>) => controller.enqueue(new Uint8Array([33])) },
      () => decryptStream(ring),
    );
    const input = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes);
        c.close();
      },
    });
    expect(await new Response(input.pipeThrough(stream)).text()).toBe('pay alice 10 EUR');
  });

  it('consumeRecoveryCode: an inherited typo mapping never remaps a typed character', async () => {
    const secretKey = new Uint8Array(32).fill(1);
    const { codes, stored } = generateRecoveryCodes(secretKey, { count: 1 });
    const real = codes[0]!;
    // U is outside the code alphabet: typed in place of the first character, it can only match through a remap.
    const typed = `U${real.slice(1)}`;
    const result = await polluted({ U: real[0] }, () =>
      consumeRecoveryCode(typed, stored, { secretKey, store: createMemoryOtpStore(), key: 'alice' }),
    );
    expect(result.valid).toBe(false);
  });
});
