import { decodeUtf8 } from 'bulwark/encoding';
import {
  changeKeyStatus,
  createKeyring,
  decryptEnvelope,
  decryptEnvelopeFromString,
  encryptEnvelope,
  encryptEnvelopeToString,
  needsRotation,
  type RotationProgress,
  reencrypt,
  rewrap,
  rotateAll,
  rotateKeyring,
} from 'bulwark/envelope';
import { describe, expect, it } from 'vitest';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { keyBytes, singleKeyring, stubKms } from './helpers.js';

const context = { table: 'users', id: 7 };

describe('needsRotation, rewrap, reencrypt', () => {
  it('rewrap changes only the key part and keeps the form; reencrypt changes the data key too', async () => {
    const old = singleKeyring('k1');
    const next = rotateKeyring(old, { id: 'k2' });
    const bytes = await encryptEnvelope(old, 'payload', { context });
    const text = await encryptEnvelopeToString(old, 'payload', { context });
    expect(needsRotation(bytes, old)).toBe(false);
    expect(needsRotation(bytes, next)).toBe(true);
    expect(needsRotation(text, next)).toBe(true);

    const rewrapped = await rewrap(bytes, next);
    // The data IV and sealed payload are copied verbatim.
    expect(rewrapped.subarray(rewrapped.length - 12 - 7 - 16)).toEqual(bytes.subarray(bytes.length - 12 - 7 - 16));
    expect(decodeUtf8(await decryptEnvelope(next, rewrapped, { context }))).toBe('payload');
    const rewrappedText = await rewrap(text, next);
    expect(typeof rewrappedText).toBe('string');
    expect(decodeUtf8(await decryptEnvelopeFromString(next, rewrappedText, { context }))).toBe('payload');
    expect(await rewrap(rewrapped, next)).toBe(rewrapped);

    const fresh = await reencrypt(bytes, next, { context });
    expect(needsRotation(fresh, next)).toBe(false);
    expect(fresh.subarray(fresh.length - 16)).not.toEqual(bytes.subarray(bytes.length - 16));
    expect(decodeUtf8(await decryptEnvelope(next, fresh, { context }))).toBe('payload');
    await expectBulwarkError(() => reencrypt(bytes, next, { context: { other: 1 } }), 'ENVELOPE_DECRYPT_FAILED');

    const freshText = await reencrypt(text, next, { context });
    expect(typeof freshText).toBe('string');
    expect(needsRotation(freshText, next)).toBe(false);
    expect(decodeUtf8(await decryptEnvelopeFromString(next, freshText, { context }))).toBe('payload');
    await expectBulwarkError(() => reencrypt(text, next, { context: { other: 1 } }), 'ENVELOPE_DECRYPT_FAILED');
    await expectBulwarkError(() => reencrypt(`bwe1.${'A'.repeat(4000)}`, next, { maxBytes: 8 }), 'ENVELOPE_TOO_LARGE');
  });

  it('rewraps many envelopes at once between local and provider keys, each keeping its own data key', async () => {
    // Local wraps build the key part in a shared scratch array; concurrent rewraps interleaved by a provider's
    // awaits must each still get their own.
    const provider = stubKms();
    const keyring = (primary: string) =>
      createKeyring({
        keys: ['local-1', 'kms-1', 'local-2'].map((id, i) =>
          id === 'kms-1'
            ? { id, status: id === primary ? 'primary' : 'active' }
            : { id, key: keyBytes(i + 1), status: id === primary ? 'primary' : 'active' },
        ),
        provider,
      });
    const plaintexts = Array.from({ length: 24 }, (_, i) => `record ${i} `.repeat(i + 1));
    let bytes = await Promise.all(plaintexts.map((p) => encryptEnvelope(keyring('local-1'), p, { context })));
    let texts = await Promise.all(plaintexts.map((p) => encryptEnvelopeToString(keyring('local-1'), p, { context })));
    for (const primary of ['kms-1', 'local-2', 'local-1']) {
      const next = keyring(primary);
      [bytes, texts] = await Promise.all([
        Promise.all(bytes.map((b, i) => rewrap(b, next, { inPlace: i % 2 === 0 }))),
        Promise.all(texts.map((t) => rewrap(t, next))),
      ]);
      for (let i = 0; i < plaintexts.length; i++) {
        expect(needsRotation(bytes[i] as Uint8Array, next)).toBe(false);
        expect(decodeUtf8(await decryptEnvelope(next, bytes[i] as Uint8Array, { context }))).toBe(plaintexts[i]);
        expect(decodeUtf8(await decryptEnvelopeFromString(next, texts[i] as string, { context }))).toBe(plaintexts[i]);
      }
    }
  });

  it('rewrap and rotateAll refuse an envelope longer than maxBytes allows, before any work, in both forms', async () => {
    const old = singleKeyring('k1');
    const next = rotateKeyring(old, { id: 'k2' });
    const payload = 'p'.repeat(2000);
    const bytes = await encryptEnvelope(old, payload);
    const text = await encryptEnvelopeToString(old, payload);
    for (const envelope of [bytes, text]) {
      await expectBulwarkError(() => rewrap(envelope, next, { maxBytes: 100 }), 'ENVELOPE_TOO_LARGE');
      const rotated = await rewrap(envelope, next, { maxBytes: 2000 });
      expect(needsRotation(rotated, next)).toBe(false);
    }
    // Text with a junk tail: not decrypted by rewrap, so only the bound stops it being copied whole.
    const junk = `${text}${'A'.repeat(4000)}`;
    await expectBulwarkError(() => rewrap(junk, next, { maxBytes: 2000 }), 'ENVELOPE_TOO_LARGE');
    const saved: unknown[] = [];
    const result = await rotateAll(
      [
        { id: 1, envelope: text },
        { id: 2, envelope: bytes },
      ],
      next,
      {
        save: (_id, envelope) => void saved.push(envelope),
        maxBytes: 100,
      },
    );
    expect(result).toMatchObject({ processed: 2, rewrapped: 0, failed: 2 });
    expect(result.failures.map((f) => f.code)).toEqual(['ENVELOPE_TOO_LARGE', 'ENVELOPE_TOO_LARGE']);
    expect(saved).toEqual([]);
  });

  it('refuses malformed, unknown-key, disabled-key and tampered-key-part envelopes', async () => {
    const old = singleKeyring('k1');
    const next = rotateKeyring(old, { id: 'k2' });
    const sealed = await encryptEnvelope(old, 'x');
    expectBulwarkErrorSync(() => needsRotation(new Uint8Array(3), next), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => rewrap(sealed, singleKeyring('other')), 'KEY_NOT_FOUND');
    await expectBulwarkError(() => rewrap(sealed, changeKeyStatus(next, 'k1', 'disabled')), 'KEY_DISABLED');
    const tampered = sealed.slice();
    tampered[20] = (tampered[20] as number) ^ 1;
    await expectBulwarkError(() => rewrap(tampered, next), 'ENVELOPE_DECRYPT_FAILED');
  });
});

describe('rotateAll', () => {
  async function records(count: number) {
    const old = singleKeyring('k1');
    const rows = new Map<number, Uint8Array | string>();
    for (let id = 0; id < count; id++) {
      rows.set(id, id % 2 ? await encryptEnvelopeToString(old, `row ${id}`) : await encryptEnvelope(old, `row ${id}`));
    }
    return { old, rows };
  }

  it('rewraps every record from an async iterable, reports progress, skips rotated ones', async () => {
    const { old, rows } = await records(10);
    const next = rotateKeyring(old, { id: 'k2' });
    rows.set(3, await rewrap(rows.get(3) as string, next));
    async function* cursor() {
      for (const [id, envelope] of rows) yield { id, envelope };
    }
    const progress: RotationProgress[] = [];
    const result = await rotateAll(cursor(), next, {
      save: async (id, envelope) => {
        rows.set(id, envelope);
      },
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ processed: 10, rewrapped: 9, skipped: 1, failed: 0, failures: [] });
    expect(progress.map((p) => p.processed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [id, envelope] of rows) {
      expect(needsRotation(envelope, next)).toBe(false);
      expect(typeof envelope).toBe(id % 2 ? 'string' : 'object');
      const plain =
        typeof envelope === 'string'
          ? await decryptEnvelopeFromString(next, envelope)
          : await decryptEnvelope(next, envelope);
      expect(decodeUtf8(plain)).toBe(`row ${id}`);
    }
    // Now the old key can be disabled: nothing needs it.
    const retired = changeKeyStatus(next, 'k1', 'disabled');
    const again = await rotateAll(
      [...rows].map(([id, envelope]) => ({ id, envelope })),
      retired,
      { save: () => {} },
    );
    expect(again).toMatchObject({ processed: 10, skipped: 10, failed: 0 });
  });

  it('collects per-record failures without stopping (tampered, garbage, unknown key, save errors)', async () => {
    const { old, rows } = await records(6);
    const next = rotateKeyring(old, { id: 'k2' });
    const tampered = (rows.get(0) as Uint8Array).slice();
    tampered[15] = (tampered[15] as number) ^ 0x80;
    rows.set(0, tampered);
    rows.set(1, 'bwe1.@@@');
    rows.set(2, await encryptEnvelope(singleKeyring('lost'), 'x'));
    const saved: number[] = [];
    const result = await rotateAll(
      [...rows].map(([id, envelope]) => ({ id, envelope })),
      next,
      {
        save: (id) => {
          if (id === 4) throw new Error('database is down');
          saved.push(id);
        },
        maxFailures: 3,
      },
    );
    expect(result).toMatchObject({ processed: 6, rewrapped: 2, skipped: 0, failed: 4 });
    expect(result.failures).toEqual([
      { id: 0, code: 'ENVELOPE_DECRYPT_FAILED', message: 'envelope decryption failed' },
      { id: 1, code: 'ENVELOPE_MALFORMED', message: 'envelope is malformed or truncated' },
      { id: 2, code: 'KEY_NOT_FOUND', message: 'the envelope names a key the keyring does not hold' },
    ]);
    expect(saved).toEqual([3, 5]);
    await expectBulwarkError(() => rotateAll([], next, {} as never), 'CONFIG_INVALID');
  });

  it('checks every argument before reading a record or calling save or onProgress', async () => {
    const { old, rows } = await records(2);
    const next = rotateKeyring(old, { id: 'k2' });
    let read = 0;
    function* cursor() {
      for (const [id, envelope] of rows) {
        read++;
        yield { id, envelope };
      }
    }
    const calls: string[] = [];
    const save = (id: number) => void calls.push(`save ${id}`);
    const onProgress = () => void calls.push('progress');
    const refuses = async (
      code: 'CONFIG_INVALID' | 'INPUT_INVALID',
      parameter: string,
      recordsArg: unknown,
      options: unknown,
    ) => {
      const error = await expectBulwarkError(() => rotateAll(recordsArg as never, next, options as never), code);
      expect((error as { details?: { parameter?: string } }).details?.parameter).toBe(parameter);
    };
    for (const bad of [5, 'log', null, {}])
      await refuses('CONFIG_INVALID', 'onProgress', cursor(), { save, onProgress: bad });
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', 1_000_001]) {
      await refuses('CONFIG_INVALID', 'maxFailures', cursor(), { save, onProgress, maxFailures: bad });
    }
    for (const bad of [-1, 1.5, '3', 2 ** 31]) {
      await refuses('CONFIG_INVALID', 'maxBytes', cursor(), { save, onProgress, maxBytes: bad });
    }
    for (const bad of [null, undefined, {}, 42, 'rows', { next: () => ({ done: true }) }]) {
      await refuses('INPUT_INVALID', 'records', bad, { save, onProgress });
    }
    await refuses('CONFIG_INVALID', 'options', cursor(), 'save');
    await refuses('CONFIG_INVALID', 'save', cursor(), { onProgress });
    expect([read, calls]).toEqual([0, []]);
    // The bounds themselves are accepted.
    const kept = await rotateAll(cursor(), next, { save, onProgress, maxFailures: 0 });
    expect(kept).toMatchObject({ processed: 2, rewrapped: 2, failures: [] });
    expect(calls).toEqual(['save 0', 'progress', 'save 1', 'progress']);
    expect(await rotateAll([], next, { save, maxFailures: 1_000_000 })).toMatchObject({ processed: 0 });
  });
});
