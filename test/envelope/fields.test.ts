import { createBlindIndexKey, decryptFields, encryptFields } from 'bulwark/envelope';
import { describe, expect, it } from 'vitest';
import { expectBulwarkError } from '../support/errors.js';
import { singleKeyring } from './helpers.js';

const keyring = singleKeyring();
const context = { table: 'users', id: 42 };

describe('encryptFields / decryptFields', () => {
  it('encrypts the listed fields (any JSON value), leaves the rest, and round-trips', async () => {
    const user = { id: 42, name: 'Alice', email: 'alice@example.com', phone: null, tags: ['a', { b: 2 }], age: 31 };
    const row = await encryptFields(user, ['email', 'phone', 'tags', 'age'], { keyring, context });
    expect(row.id).toBe(42);
    expect(row.name).toBe('Alice');
    for (const f of ['email', 'phone', 'tags', 'age'] as const) expect(row[f]).toMatch(/^bwe1\./);
    expect(user.email).toBe('alice@example.com');
    expect(await decryptFields(row, ['email', 'phone', 'tags', 'age'], { keyring, context })).toEqual(user);
  });

  it('binds each field to its name and the record context: swapped fields or rows fail', async () => {
    const row = await encryptFields({ email: 'a@x', phone: '+1' }, ['email', 'phone'], { keyring, context });
    const swapped = { email: row.phone, phone: row.email };
    await expectBulwarkError(() => decryptFields(swapped, ['email'], { keyring, context }), 'ENVELOPE_DECRYPT_FAILED');
    await expectBulwarkError(
      () => decryptFields(row, ['email'], { keyring, context: { ...context, id: 43 } }),
      'ENVELOPE_DECRYPT_FAILED',
    );
  });

  it('skips absent fields, refuses non-JSON values, reserved context keys and non-envelope text', async () => {
    const row = await encryptFields({ a: 1 } as { a: number; b?: string }, ['a', 'b'], { keyring });
    expect(Object.keys(row)).toEqual(['a']);
    await expectBulwarkError(() => encryptFields({ a: 10n }, ['a'], { keyring }), 'INPUT_INVALID');
    await expectBulwarkError(() => encryptFields({ a: () => 1 }, ['a'], { keyring }), 'INPUT_INVALID');
    await expectBulwarkError(
      () => encryptFields({ a: 1 }, ['a'], { keyring, context: { $field: 'x' } }),
      'INPUT_INVALID',
    );
    await expectBulwarkError(() => encryptFields([] as never, [], { keyring }), 'INPUT_INVALID');
    await expectBulwarkError(() => decryptFields({ a: 'plain' }, ['a'], { keyring }), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(
      () => encryptFields({ a: 'x'.repeat(20) }, ['a'], { keyring, maxBytes: 8 }),
      'ENVELOPE_TOO_LARGE',
    );
    // Decryption allows maxBytes plus the largest header, so only text past that bound is refused.
    const huge = { a: `bwe1.${'A'.repeat(4000)}` };
    await expectBulwarkError(() => decryptFields(huge, ['a'], { keyring, maxBytes: 8 }), 'ENVELOPE_TOO_LARGE');
    await expectBulwarkError(
      () => encryptFields({ a: 1 }, ['a'], { keyring: createBlindIndexKey(new Uint8Array(32)) as never }),
      'CONFIG_INVALID',
    );
  });
});
