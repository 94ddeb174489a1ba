import { decodeUtf8 } from 'bulwark/encoding';
import {
  changeKeyStatus,
  createKeyring,
  DEFAULT_KEYRING_SCRYPT,
  decryptEnvelope,
  encryptEnvelope,
  exportKeyring,
  generateEnvelopeKey,
  openKeyring,
  parseKeyring,
  rotateKeyring,
  sealKeyring,
  serializeKeyring,
} from 'bulwark/envelope';
import { describe, expect, it } from 'vitest';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { keyBytes, singleKeyring } from './helpers.js';

const weak = { scrypt: { N: 1024, r: 8, p: 1 }, unsafeAllowWeakScrypt: true };

describe('createKeyring', () => {
  it('needs exactly one primary, unique well-formed ids, 32-byte keys, known statuses', () => {
    const k = keyBytes(1);
    const bad: unknown[] = [
      { keys: [] },
      { keys: [{ id: 'a', key: k, status: 'active' }] },
      {
        keys: [
          { id: 'a', key: k, status: 'primary' },
          { id: 'b', key: k, status: 'primary' },
        ],
      },
      {
        keys: [
          { id: 'a', key: k, status: 'primary' },
          { id: 'a', key: k, status: 'active' },
        ],
      },
      { keys: [{ id: 'has space', key: k, status: 'primary' }] },
      { keys: [{ id: '', key: k, status: 'primary' }] },
      { keys: [{ id: 'x'.repeat(256), key: k, status: 'primary' }] },
      { keys: [{ id: 'a', key: new Uint8Array(16), status: 'primary' }] },
      { keys: [{ id: 'a', key: 'not bytes', status: 'primary' }] },
      { keys: [{ id: 'a', key: k, status: 'enabled' }] },
      null,
      { keys: 'nope' },
    ];
    for (const definition of bad) expectBulwarkErrorSync(() => createKeyring(definition as never), 'KEYRING_INVALID');
  });

  it('exposes ids and statuses but never key material', () => {
    const keyring = createKeyring({
      keys: [
        { id: 'a', key: keyBytes(1), status: 'primary' },
        { id: 'b', key: keyBytes(2), status: 'disabled' },
      ],
    });
    expect(keyring.primaryKeyId).toBe('a');
    expect(keyring.keys).toEqual([
      { id: 'a', status: 'primary', source: 'local' },
      { id: 'b', status: 'disabled', source: 'local' },
    ]);
    expect(JSON.stringify(keyring)).not.toContain('key"');
    expect(Object.isFrozen(keyring)).toBe(true);
  });

  it('copies key material: wiping the caller array later changes nothing', async () => {
    const key = generateEnvelopeKey();
    const keyring = createKeyring({ keys: [{ id: 'a', key, status: 'primary' }] });
    const sealed = await encryptEnvelope(keyring, 'x');
    key.fill(0);
    expect(decodeUtf8(await decryptEnvelope(keyring, sealed))).toBe('x');
  });

  it('rotateKeyring adds a primary and demotes the old one; changeKeyStatus promotes and retires', () => {
    const keyring = singleKeyring('a');
    const next = rotateKeyring(keyring, { id: 'b' });
    expect(next.keys.map((k) => `${k.id}:${k.status}`)).toEqual(['a:decrypt-only', 'b:primary']);
    const staged = rotateKeyring(keyring, { id: 'b', previousStatus: 'active' });
    expect(staged.keys.map((k) => k.status)).toEqual(['active', 'primary']);
    const back = changeKeyStatus(staged, 'a', 'primary');
    expect(back.keys.map((k) => `${k.id}:${k.status}`)).toEqual(['a:primary', 'b:decrypt-only']);
    expect(changeKeyStatus(next, 'a', 'disabled').keys[0]?.status).toBe('disabled');
    expectBulwarkErrorSync(() => changeKeyStatus(next, 'zz', 'disabled'), 'KEY_NOT_FOUND');
    expectBulwarkErrorSync(() => changeKeyStatus(next, 'b', 'disabled'), 'KEYRING_INVALID');
    expectBulwarkErrorSync(() => rotateKeyring(next, { id: 'a' }), 'KEYRING_INVALID');
    expect(exportKeyring(next).keys[1]?.key?.length).toBe(32);
  });
});

describe('keyring JSON', () => {
  it('round-trips through JSON with base64url key material', async () => {
    const keyring = rotateKeyring(singleKeyring('a'), { id: 'b' });
    const json = serializeKeyring(keyring);
    const parsed = JSON.parse(json);
    expect(parsed.version).toBe(1);
    expect(parsed.keys[0].key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const loaded = parseKeyring(json);
    expect(loaded.keys).toEqual(keyring.keys);
    const sealed = await encryptEnvelope(keyring, 'x');
    expect(decodeUtf8(await decryptEnvelope(loaded, sealed))).toBe('x');
  });

  it('refuses malformed JSON with KEYRING_INVALID', () => {
    for (const json of [
      'not json',
      '[]',
      '{"version":2,"keys":[]}',
      '{"version":1}',
      '{"version":1,"keys":[{"id":"a","status":"primary","key":"!!"}]}',
      '{"version":1,"keys":[{"id":"a","status":"primary","key":"AAAA"}]}',
      '{"version":1,"keys":[{"id":"a","status":"primary","key":5}]}',
      '{"version":1,"keys":[null]}',
    ]) {
      expectBulwarkErrorSync(() => parseKeyring(json), 'KEYRING_INVALID');
    }
  });
});

describe('sealed keyrings', () => {
  it('seal and open under a master key', async () => {
    const keyring = singleKeyring('a');
    const masterKey = generateEnvelopeKey();
    const sealed = await sealKeyring(keyring, { masterKey });
    expect(sealed).not.toContain(serializeKeyring(keyring).slice(30, 60));
    expect(JSON.parse(sealed).kdf).toBe('none');
    expect((await openKeyring(sealed, { masterKey })).keys).toEqual(keyring.keys);
    await expectBulwarkError(() => openKeyring(sealed, { masterKey: generateEnvelopeKey() }), 'KEYRING_INVALID');
    await expectBulwarkError(() => openKeyring(sealed, { passphrase: 'x' }), 'KEYRING_INVALID');
    await expectBulwarkError(() => sealKeyring(keyring, { masterKey: new Uint8Array(31) }), 'KEYRING_INVALID');
  });

  it('seal and open under a passphrase with scrypt, parameters recorded and authenticated', async () => {
    const keyring = singleKeyring('a');
    const sealed = await sealKeyring(keyring, { passphrase: 'correct horse battery staple' }, weak);
    const fields = JSON.parse(sealed);
    expect(fields).toMatchObject({ kdf: 'scrypt', N: 1024, r: 8, p: 1, version: 1 });
    expect((await openKeyring(sealed, { passphrase: 'correct horse battery staple' })).keys).toEqual(keyring.keys);
    // NFC: a decomposed é opens what a composed é sealed.
    const accented = await sealKeyring(keyring, { passphrase: 'caf\u00e9' }, weak);
    expect((await openKeyring(accented, { passphrase: 'cafe\u0301' })).primaryKeyId).toBe('a');
    await expectBulwarkError(() => openKeyring(sealed, { passphrase: 'wrong' }), 'KEYRING_INVALID');
    await expectBulwarkError(() => openKeyring(sealed, { masterKey: generateEnvelopeKey() }), 'KEYRING_INVALID');
    // Changing a recorded parameter changes the derived key and the additional data: it cannot open.
    const edited = JSON.stringify({ ...fields, r: 4 });
    await expectBulwarkError(
      () => openKeyring(edited, { passphrase: 'correct horse battery staple' }),
      'KEYRING_INVALID',
    );
    const flipped = JSON.stringify({ ...fields, ciphertext: `A${fields.ciphertext.slice(1)}` });
    await expectBulwarkError(
      () => openKeyring(flipped, { passphrase: 'correct horse battery staple' }),
      'KEYRING_INVALID',
    );
  });

  it('bounds scrypt parameters: weak ones need the unsafe flag, hostile ones are refused before any work', async () => {
    const keyring = singleKeyring('a');
    expect(DEFAULT_KEYRING_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    await expectBulwarkError(
      () => sealKeyring(keyring, { passphrase: 'p' }, { scrypt: { N: 1024, r: 8, p: 1 } }),
      'KEYRING_INVALID',
    );
    const sealed = JSON.parse(await sealKeyring(keyring, { passphrase: 'p' }, weak));
    for (const patch of [
      { N: 2 ** 21 },
      { N: 1000 },
      { r: 64 },
      { p: 99 },
      { N: 'x' },
      { salt: 'AAAA' },
      { kdf: 'argon2' },
    ]) {
      const hostile = JSON.stringify({ ...sealed, ...patch });
      await expectBulwarkError(() => openKeyring(hostile, { passphrase: 'p' }), 'KEYRING_INVALID');
    }
    const big = JSON.stringify({ ...sealed, N: 2 ** 18 });
    await expectBulwarkError(() => openKeyring(big, { passphrase: 'p' }), 'KEYRING_INVALID');
    for (const text of [
      'nope',
      '{}',
      JSON.stringify({ ...sealed, iv: 'AAAA' }),
      JSON.stringify({ ...sealed, version: 2 }),
    ]) {
      await expectBulwarkError(() => openKeyring(text, { passphrase: 'p' }), 'KEYRING_INVALID');
    }
    await expectBulwarkError(() => sealKeyring(keyring, { passphrase: '' }, weak), 'KEYRING_INVALID');
  });
});
