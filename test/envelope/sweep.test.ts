/** Reproduced findings of a review sweep (2026-11-24): each test failed on the code before its fix. */
import {
  blindIndex,
  createBlindIndexKey,
  createKeyring,
  decryptEnvelope,
  decryptEnvelopeFromString,
  decryptFields,
  decryptStream,
  encryptEnvelope,
  encryptEnvelopeToString,
  encryptFields,
  encryptStream,
  needsRotation,
  openKeyring,
  parseKeyring,
  reencrypt,
  rewrap,
  rotateAll,
  rotateKeyring,
  sealKeyring,
  serializeKeyring,
} from 'bulwark/envelope';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { singleKeyring, stubKms } from './helpers.js';

const old = singleKeyring('a', 1);
const next = rotateKeyring(old, { id: 'b' });
const context = { table: 'users', id: 7 };

afterEach(() => vi.restoreAllMocks());

describe('rotation on bad rows', () => {
  it('needsRotation and rotateAll refuse a null or non-byte envelope with INPUT_INVALID, not a TypeError', async () => {
    for (const bad of [null, undefined, 42, {}]) {
      expectBulwarkErrorSync(() => needsRotation(bad as never, next), 'INPUT_INVALID');
    }
    const result = await rotateAll([{ id: 1, envelope: null as never }], next, { save: () => {} });
    expect(result.failures).toEqual([expect.objectContaining({ id: 1, code: 'INPUT_INVALID' })]);
  });

  it('a save that throws a value with no string form fails that row only', async () => {
    const rows = await Promise.all(
      [1, 2, 3].map(async (id) => ({ id, envelope: await encryptEnvelope(old, `r${id}`) })),
    );
    const result = await rotateAll(rows, next, {
      save: (id) => {
        if (id === 1) throw Object.create(null);
      },
    });
    expect(result).toMatchObject({ processed: 3, rewrapped: 2, failed: 1 });
    expect(result.failures[0]).toMatchObject({ id: 1, code: 'UNKNOWN' });
    expect(typeof result.failures[0]?.message).toBe('string');
  });

  it('rewrap bounds the payload exactly as decryption does, in both forms', async () => {
    // 3000 bytes make a text long enough that rewrap decodes only its head and computes the length from the rest.
    for (const size of [1200, 3000]) {
      const sealed = await encryptEnvelope(old, new Uint8Array(size), { context });
      const text = await encryptEnvelopeToString(old, new Uint8Array(size), { context });
      for (const envelope of [sealed, text]) {
        await expectBulwarkError(() => rewrap(envelope, next, { maxBytes: size - 1 }), 'ENVELOPE_TOO_LARGE');
        await expectBulwarkError(() => rewrap(envelope, next, { maxBytes: 0 }), 'ENVELOPE_TOO_LARGE');
        expect(needsRotation(await rewrap(envelope, next, { maxBytes: size }), next)).toBe(false);
      }
    }
    const bytes = await encryptEnvelope(old, new Uint8Array(1200), { context });
    await expectBulwarkError(() => decryptEnvelope(old, bytes, { context, maxBytes: 1199 }), 'ENVELOPE_TOO_LARGE');
    const result = await rotateAll([{ id: 1, envelope: bytes }], next, { save: () => {}, maxBytes: 1199 });
    expect(result.failures).toEqual([expect.objectContaining({ code: 'ENVELOPE_TOO_LARGE' })]);
  });
});

describe('options arguments', () => {
  it('null options are CONFIG_INVALID in every function that takes options, never a TypeError', async () => {
    const bytes = await encryptEnvelope(old, 'x');
    const column = await encryptEnvelopeToString(old, 'x');
    const sealed = await sealKeyring(old, { masterKey: new Uint8Array(32).fill(1) });
    const n = null as never;
    await expectBulwarkError(() => rewrap(bytes, next, n), 'CONFIG_INVALID');
    await expectBulwarkError(() => reencrypt(bytes, next, n), 'CONFIG_INVALID');
    await expectBulwarkError(() => encryptEnvelope(old, 'x', n), 'CONFIG_INVALID');
    await expectBulwarkError(() => decryptEnvelope(old, bytes, n), 'CONFIG_INVALID');
    await expectBulwarkError(() => encryptEnvelopeToString(old, 'x', n), 'CONFIG_INVALID');
    await expectBulwarkError(() => decryptEnvelopeFromString(old, column, n), 'CONFIG_INVALID');
    await expectBulwarkError(() => encryptFields({ a: 1 }, ['a'], n), 'CONFIG_INVALID');
    await expectBulwarkError(() => decryptFields({ a: 1 }, ['a'], n), 'CONFIG_INVALID');
    await expectBulwarkError(() => sealKeyring(old, { masterKey: new Uint8Array(32) }, n), 'CONFIG_INVALID');
    await expectBulwarkError(() => openKeyring(sealed, { masterKey: new Uint8Array(32).fill(1) }, n), 'CONFIG_INVALID');
    const indexKey = await createBlindIndexKey(new Uint8Array(32));
    await expectBulwarkError(() => blindIndex('v', indexKey, n), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => parseKeyring(serializeKeyring(old), n), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => rotateKeyring(old, n), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => encryptStream(old, n), 'CONFIG_INVALID');
    expectBulwarkErrorSync(() => decryptStream(old, n), 'CONFIG_INVALID');
    // Without options where they are required: a typed error too.
    await expectBulwarkError(() => encryptFields({ a: 1 }, ['a'], undefined as never), 'CONFIG_INVALID');
  });
});

describe('sealKeyring', () => {
  it('wipes the encoded keyring when the secret or scrypt settings are refused', async () => {
    const made: Uint8Array[] = [];
    const encode = TextEncoder.prototype.encode;
    vi.spyOn(TextEncoder.prototype, 'encode').mockImplementation(function (this: TextEncoder, text?: string) {
      const out = encode.call(this, text);
      made.push(out);
      return out;
    });
    const refused = [
      () => sealKeyring(old, { masterKey: new Uint8Array(16) }),
      () => sealKeyring(old, { passphrase: 'pw' }, { scrypt: { N: 1024, r: 8, p: 1 } }),
      () => sealKeyring(old, 'secret' as never),
    ];
    for (const seal of refused) {
      made.length = 0;
      await expectBulwarkError(seal, 'KEYRING_INVALID');
      const json = made.filter((b) => b.length > 40);
      expect(json.length).toBeGreaterThan(0);
      for (const b of json) expect(b.every((x) => x === 0)).toBe(true);
    }
  });
});

describe('encryptFields values and context', () => {
  it('refuses values JSON would silently change, and keeps taking JSON values', async () => {
    const refused: unknown[] = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new Map([['x', 1]]),
      new Set([1]),
      new Date(0),
      [undefined],
      [() => 1],
      { f: () => 1 },
      { s: Symbol('s') },
      { nested: { deeper: -Number.POSITIVE_INFINITY } },
      Object('boxed'),
      new (class Point {
        x = 1;
      })(),
    ];
    for (const value of refused) {
      await expectBulwarkError(() => encryptFields({ v: value }, ['v'], { keyring: old }), 'INPUT_INVALID');
    }
    const kept = { v: { a: [1, 'two', null, true, { b: -0.5 }], c: Object.assign(Object.create(null), { d: 1 }) } };
    const row = await encryptFields(kept, ['v'], { keyring: old });
    expect(await decryptFields(row, ['v'], { keyring: old })).toEqual({
      v: { a: [1, 'two', null, true, { b: -0.5 }], c: { d: 1 } },
    });
    // An undefined property is absent once stored, as in any JSON column.
    const dropped = await encryptFields({ v: { a: 1, b: undefined } }, ['v'], { keyring: old });
    expect(await decryptFields(dropped, ['v'], { keyring: old })).toEqual({ v: { a: 1 } });
  });

  it('takes a context of 32 entries, as encryptEnvelope does; the reserved $field is not one of them', async () => {
    const ctx32 = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i]));
    await encryptEnvelope(old, 'x', { context: ctx32 });
    const row = await encryptFields({ email: 'a' }, ['email'], { keyring: old, context: ctx32 });
    expect(await decryptFields(row, ['email'], { keyring: old, context: ctx32 })).toEqual({ email: 'a' });
    const ctx33 = { ...ctx32, k32: 32 };
    await expectBulwarkError(() => encryptEnvelope(old, 'x', { context: ctx33 }), 'INPUT_INVALID');
    await expectBulwarkError(
      () => encryptFields({ email: 'a' }, ['email'], { keyring: old, context: ctx33 }),
      'INPUT_INVALID',
    );
  });
});

describe('re-entrancy: caller code that calls bulwark in the middle of an operation', () => {
  // Found by a review of the shared scratch arrays (2026-11-24): each case let a nested call overwrite a scratch
  // the outer call still held (a payload sealed under an all-zero data key, a context binding checked against the
  // nested call's context, another record's plaintext returned).
  const uuid = (n: number) => `8c4e6f1a-0b7d-4e55-9a3c-${String(n).padStart(12, '0')}`;
  const ctxOf = (n: number) => ({ table: 'users', column: 'email', id: uuid(n) });
  const other = singleKeyring('z', 9);
  const lengthOf = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length')
    ?.get as () => number;
  let nested = 0;
  class Reentrant extends Uint8Array {
    override get length(): number {
      nested++;
      void encryptEnvelope(other, 'nested', { context: ctxOf(99) });
      return lengthOf.call(this);
    }
  }

  it('a Uint8Array subclass whose length getter re-enters bulwark changes nothing', async () => {
    const sealed = await encryptEnvelope(old, new Reentrant(new TextEncoder().encode('tenant 1 secret')), {
      context: ctxOf(1),
    });
    expect(new TextDecoder().decode(await decryptEnvelope(old, sealed, { context: ctxOf(1) }))).toBe('tenant 1 secret');
    await expectBulwarkError(() => decryptEnvelope(old, sealed, { context: ctxOf(99) }), 'ENVELOPE_DECRYPT_FAILED');
    const two = await encryptEnvelope(old, 'tenant 2 secret', { context: ctxOf(2) });
    await expectBulwarkError(
      () => decryptEnvelope(old, new Reentrant(two), { context: ctxOf(1) }),
      'ENVELOPE_DECRYPT_FAILED',
    );
    const held = new Reentrant(await encryptEnvelope(old, 'row A', { context: ctxOf(3) }));
    const rotated = await rewrap(held, next, { inPlace: true });
    expect(rotated).toBe(held);
    expect(new TextDecoder().decode(await decryptEnvelope(next, rotated, { context: ctxOf(3) }))).toBe('row A');
    // The subclass getter never ran inside bulwark (it would have on every length read).
    expect(nested).toBe(0);
    // A Proxy of a Uint8Array passes instanceof but would run its traps on every read: refused before any.
    const trapped = new Proxy(await encryptEnvelope(old, 'row B'), {
      get(target, key) {
        nested++;
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expectBulwarkError(() => encryptEnvelope(old, trapped), 'INPUT_INVALID');
    await expectBulwarkError(() => decryptEnvelope(old, trapped), 'INPUT_INVALID');
    await expectBulwarkError(() => rewrap(trapped, next), 'INPUT_INVALID');
    expect(nested).toBe(0);
  });

  it('a context getter that decrypts another record meanwhile does not swap the plaintext', async () => {
    const context = { table: 'users', id: 1 };
    const a = await encryptEnvelopeToString(old, 'alice-secret', { context });
    const b = await encryptEnvelopeToString(old, 'mallory-evil', { context });
    let fired = false;
    const lazy = {
      table: 'users',
      get id() {
        if (!fired) {
          fired = true;
          void decryptEnvelopeFromString(old, b, { context });
        }
        return 1;
      },
    };
    expect(new TextDecoder().decode(await decryptEnvelopeFromString(old, a, { context: lazy }))).toBe('alice-secret');
  });

  it('a key provider that seals an audit record while unwrapping keeps each context bound', async () => {
    const provider = stubKms();
    const unwrapKey = provider.unwrapKey.bind(provider);
    provider.unwrapKey = (keyId, wrapped, aad) => {
      void encryptEnvelope(other, 'audit', { context: ctxOf(7) });
      return unwrapKey(keyId, wrapped, aad);
    };
    const kms = createKeyring({ keys: [{ id: 'kms-1', status: 'primary' }], provider });
    const sealed = await encryptEnvelope(kms, 'tenant 2 secret', { context: ctxOf(2) });
    expect(new TextDecoder().decode(await decryptEnvelope(kms, sealed, { context: ctxOf(2) }))).toBe('tenant 2 secret');
    await expectBulwarkError(() => decryptEnvelope(kms, sealed, { context: ctxOf(7) }), 'ENVELOPE_DECRYPT_FAILED');
    await expectBulwarkError(() => decryptEnvelope(kms, sealed, { context: ctxOf(1) }), 'ENVELOPE_DECRYPT_FAILED');
  });
});
