/**
 * The documented byte layouts (docs/envelope.md) implemented independently with node:crypto: envelopes and
 * streams written by bulwark open with this code, and envelopes written by this code open with bulwark. If the
 * docs and the code drift apart, this fails.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  createKeyring,
  decryptEnvelope,
  decryptEnvelopeFromString,
  encryptEnvelope,
  encryptEnvelopeToString,
  encryptStream,
} from 'bulwark/envelope';
import { describe, expect, it } from 'vitest';
import { collect, referenceContext as context, streamOf } from '../envelope/helpers.js';

const kek = randomBytes(32);
const keyring = createKeyring({ keys: [{ id: 'kek-2026', key: kek, status: 'primary' }] });

function gcmOpen(key: Buffer, iv: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
}

function gcmSeal(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  c.setAAD(aad);
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

const ctx = { table: 'users', column: 'email', id: 42, active: true, note: null, score: -0 };

describe('one-shot envelope layout', () => {
  it('bulwark output opens with an independent implementation of the documented layout', async () => {
    const env = Buffer.from(await encryptEnvelope(keyring, 'alice@example.com', { context: ctx }));
    expect(env[0]).toBe(0x01);
    const idLength = env[1] as number;
    const keyAad = env.subarray(0, 2 + idLength);
    expect(env.subarray(2, 2 + idLength).toString()).toBe('kek-2026');
    const wrappedLength = env.readUInt16BE(2 + idLength);
    const wrapped = env.subarray(4 + idLength, 4 + idLength + wrappedLength);
    const dataKey = gcmOpen(kek, wrapped.subarray(0, 12), wrapped.subarray(12), keyAad);
    expect(dataKey.length).toBe(32);
    const rest = env.subarray(4 + idLength + wrappedLength);
    const aad = Buffer.concat([Buffer.from([0x01]), context(ctx)]);
    expect(gcmOpen(dataKey, rest.subarray(0, 12), rest.subarray(12), aad).toString()).toBe('alice@example.com');
  });

  it('an envelope built by the independent implementation opens with bulwark, in both forms', async () => {
    const id = Buffer.from('kek-2026');
    const keyAad = Buffer.concat([Buffer.from([0x01, id.length]), id]);
    const dataKey = randomBytes(32);
    const wrapIv = randomBytes(12);
    const wrapped = Buffer.concat([wrapIv, gcmSeal(kek, wrapIv, dataKey, keyAad)]);
    const dataIv = randomBytes(12);
    const aad = Buffer.concat([Buffer.from([0x01]), context(ctx)]);
    const sealed = gcmSeal(dataKey, dataIv, Buffer.from('written elsewhere'), aad);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(wrapped.length);
    const env = Buffer.concat([keyAad, length, wrapped, dataIv, sealed]);
    expect(Buffer.from(await decryptEnvelope(keyring, env, { context: ctx })).toString()).toBe('written elsewhere');
    const text = `bwe1.${env.toString('base64url')}`;
    expect(Buffer.from(await decryptEnvelopeFromString(keyring, text, { context: ctx })).toString()).toBe(
      'written elsewhere',
    );
    const ours = await encryptEnvelopeToString(keyring, 'x');
    expect(ours).toMatch(/^bwe1\.[A-Za-z0-9_-]+$/);
  });
});

describe('stream layout', () => {
  it('bulwark streams open segment by segment with the documented nonces', async () => {
    const data = randomBytes(1000);
    const ct = Buffer.from(
      await collect(streamOf(data).pipeThrough(encryptStream(keyring, { context: ctx, segmentBytes: 256 }))),
    );
    expect(ct[0]).toBe(0x02);
    const idLength = ct[1] as number;
    const keyAad = ct.subarray(0, 2 + idLength);
    const wrappedLength = ct.readUInt16BE(2 + idLength);
    const wrappedEnd = 4 + idLength + wrappedLength;
    const dataKey = gcmOpen(
      kek,
      ct.subarray(4 + idLength, 16 + idLength),
      ct.subarray(16 + idLength, wrappedEnd),
      keyAad,
    );
    expect(ct.readUInt32BE(wrappedEnd)).toBe(256);
    const prefix = ct.subarray(wrappedEnd + 4, wrappedEnd + 11);
    const header = ct.subarray(0, wrappedEnd + 11);
    const aad = Buffer.concat([header, context(ctx)]);
    const out: Buffer[] = [];
    let offset = header.length;
    for (let i = 0; offset < ct.length; i++) {
      const segment = ct.subarray(offset, offset + 256 + 16);
      offset += segment.length;
      const nonce = Buffer.alloc(12);
      prefix.copy(nonce);
      nonce.writeUInt32BE(i, 7);
      nonce[11] = offset === ct.length ? 1 : 0;
      out.push(gcmOpen(dataKey, nonce, segment, aad));
    }
    expect(out.length).toBe(4);
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});
