import { decodeBase64Url } from 'bulwark/encoding';
import {
  createKeyring,
  decryptEnvelope,
  decryptEnvelopeFromString,
  encryptEnvelope,
  encryptEnvelopeToString,
  needsRotation,
  rewrap,
} from 'bulwark/envelope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { keyBytes } from './helpers.js';

function rings(oldId: string, newId: string) {
  const old = createKeyring({ keys: [{ id: oldId, key: keyBytes(1), status: 'primary' }] });
  const next = createKeyring({
    keys: [
      { id: oldId, key: keyBytes(1), status: 'decrypt-only' },
      { id: newId, key: keyBytes(2), status: 'primary' },
    ],
  });
  return { old, next };
}

const keyId = fc.integer({ min: 1, max: 40 }).map((n) => 'k'.repeat(n));
const context = { table: 'files', id: 9 };

describe('rewrap of both forms, every key id length and payload size', () => {
  it('text rewrap decrypts to the same plaintext and keeps the payload bytes, aligned or not', async () => {
    await fc.assert(
      fc.asyncProperty(keyId, keyId, fc.integer({ min: 0, max: 4000 }), async (oldId, suffix, size) => {
        const newId = `${oldId}x${suffix}`.slice(0, 60);
        const { old, next } = rings(oldId, newId);
        const data = new Uint8Array(size).map((_, i) => i * 7);
        const text = await encryptEnvelopeToString(old, data, { context });
        const rotated = await rewrap(text, next);
        expect(needsRotation(rotated, next)).toBe(false);
        expect(rotated).toMatch(/^bwe1\.[A-Za-z0-9_-]+$/);
        const before = decodeBase64Url(text.slice(5));
        const after = decodeBase64Url(rotated.slice(5));
        const tail = size + 12 + 16;
        expect(Buffer.from(after.subarray(after.length - tail)).equals(before.subarray(before.length - tail))).toBe(
          true,
        );
        expect(after[1]).toBe(newId.length);
        expect(Buffer.from(await decryptEnvelopeFromString(next, rotated, { context })).equals(data)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('bytes rewrap copies by default and overwrites in place when asked and the key part keeps its length', async () => {
    const { old, next } = rings('2026-01', '2026-07');
    const sealed = await encryptEnvelope(old, new Uint8Array(5000).fill(3), { context });
    const original = sealed.slice();
    const copied = await rewrap(sealed, next);
    expect(copied).not.toBe(sealed);
    expect(sealed).toEqual(original);
    const inPlace = await rewrap(sealed, next, { inPlace: true });
    expect(inPlace).toBe(sealed);
    expect((await decryptEnvelope(next, inPlace, { context })).every((b) => b === 3)).toBe(true);
    const longer = rings('2026-01', '2026-07-b').next;
    const moved = await encryptEnvelope(old, 'x');
    expect(await rewrap(moved, longer, { inPlace: true })).not.toBe(moved);
  });

  it('reads only the head of long text: malformed heads are refused, tails are checked by decryption', async () => {
    const { old, next } = rings('k1', 'k2');
    const text = await encryptEnvelopeToString(old, new Uint8Array(3000), { context });
    expectBulwarkErrorSync(() => needsRotation(`bwe1.${'!'.repeat(3000)}`, next), 'ENVELOPE_MALFORMED');
    expectBulwarkErrorSync(() => needsRotation(`xxx${text}`, next), 'ENVELOPE_MALFORMED');
    const garbageTail = `${text.slice(0, 2000)}@@@@${text.slice(2004)}`;
    const rotated = await rewrap(garbageTail, next);
    await expectBulwarkError(() => decryptEnvelopeFromString(next, rotated, { context }), 'ENVELOPE_MALFORMED');
    // A truncated text (cut on a 4-character boundary, so it still decodes) rewraps, then fails to decrypt.
    const cut = text.slice(0, 1905);
    const rewrappedCut = await rewrap(cut, next);
    await expectBulwarkError(
      () => decryptEnvelopeFromString(next, rewrappedCut, { context }),
      'ENVELOPE_DECRYPT_FAILED',
    );
  });
});
