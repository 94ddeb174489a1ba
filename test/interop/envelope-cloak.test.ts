/**
 * Moving from @47ng/cloak to bulwark/envelope: cloak values decrypt with cloak and re-encrypt as envelopes bound
 * to their row; the two text formats can never be mistaken for each other (each refuses the other's values).
 */
import { decryptString, encryptString, generateKey } from '@47ng/cloak';
import { decodeUtf8 } from 'bulwark/encoding';
import { decryptEnvelopeFromString, encryptEnvelopeToString } from 'bulwark/envelope';
import { describe, expect, it } from 'vitest';
import { singleKeyring } from '../envelope/helpers.js';
import { expectBulwarkError } from '../support/errors.js';

describe('migrating from @47ng/cloak', () => {
  it('re-encrypts cloak values as context-bound envelopes', async () => {
    const cloakKey = generateKey();
    const keyring = singleKeyring('2026-01');
    const rows = [
      { id: 1, email: await encryptString('alice@example.com', cloakKey) },
      { id: 2, email: await encryptString('bob@example.com', cloakKey) },
    ];
    for (const row of rows) {
      const plaintext = await decryptString(row.email, cloakKey);
      row.email = await encryptEnvelopeToString(keyring, plaintext, { context: { table: 'users', id: row.id } });
    }
    expect(rows.every((r) => r.email.startsWith('bwe1.'))).toBe(true);
    const first = rows[0] as { id: number; email: string };
    const bytes = await decryptEnvelopeFromString(keyring, first.email, { context: { table: 'users', id: 1 } });
    expect(decodeUtf8(bytes)).toBe('alice@example.com');
    // What cloak could not tell: the value belongs to row 1 only.
    await expectBulwarkError(
      () => decryptEnvelopeFromString(keyring, first.email, { context: { table: 'users', id: 2 } }),
      'ENVELOPE_DECRYPT_FAILED',
    );
  });

  it('neither format is read as the other', async () => {
    const cloakKey = generateKey();
    const keyring = singleKeyring('2026-01');
    const cloaked = await encryptString('x', cloakKey);
    await expectBulwarkError(() => decryptEnvelopeFromString(keyring, cloaked), 'ENVELOPE_MALFORMED');
    const envelope = await encryptEnvelopeToString(keyring, 'x');
    await expect(decryptString(envelope, cloakKey)).rejects.toThrow();
  });
});
