import { createCipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
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
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as encoding from '../../src/encoding/index.js';
import { encodeContext } from '../../src/envelope/context.js';
import { BulwarkError } from '../../src/errors.js';
import * as runtime from '../../src/runtime/index.js';
import { expectBulwarkError, expectBulwarkErrorSync } from '../support/errors.js';
import { keyBytes, singleKeyring } from './helpers.js';

const weak = { scrypt: { N: 1024, r: 8, p: 1 }, unsafeAllowWeakScrypt: true };
const zeroed = (bytes: Uint8Array) => bytes.every((b) => b === 0);
afterEach(() => vi.restoreAllMocks());

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
    // A different first character: replacing it with a fixed one left the text unchanged 1 time in 64 (a CI flake).
    const first = fields.ciphertext[0] === 'A' ? 'B' : 'A';
    const flipped = JSON.stringify({ ...fields, ciphertext: `${first}${fields.ciphertext.slice(1)}` });
    await expectBulwarkError(
      () => openKeyring(flipped, { passphrase: 'correct horse battery staple' }),
      'KEYRING_INVALID',
    );
  });

  it('an authentic sealed keyring whose content is not JSON is KEYRING_INVALID, quoting none of it', async () => {
    // Only a holder of the master key can seal such a file; the error must still not echo the decrypted text.
    const masterKey = new Uint8Array(32).fill(7);
    const header = { format: 'bulwark-keyring-sealed', version: 1, kdf: 'none' };
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
    cipher.setAAD(encodeContext(header));
    const body = Buffer.concat([cipher.update('{"keys": k3y-m4t3r14l', 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const sealed = JSON.stringify({
      ...header,
      iv: encoding.encodeBase64Url(iv),
      ciphertext: encoding.encodeBase64Url(body),
    });
    const error = await expectBulwarkError(() => openKeyring(sealed, { masterKey }), 'KEYRING_INVALID');
    expect(inspect(error, { depth: 5, showHidden: true })).not.toContain('k3y');
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
    // Within the memory bound (235 MB) but 16 times the work: p adds time, not memory, so work has its own bound.
    const slow = JSON.stringify({ ...sealed, N: 2 ** 18, r: 7, p: 16 });
    const refused = await expectBulwarkError(() => openKeyring(slow, { passphrase: 'p' }), 'KEYRING_INVALID');
    expect(refused.message).toMatch(/out of bounds .*work/);
    const doubled = JSON.stringify({ ...sealed, p: 2 });
    const work = 128 * sealed.N * sealed.r;
    const tight = await expectBulwarkError(
      () => openKeyring(doubled, { passphrase: 'p' }, { maxScryptWorkBytes: work }),
      'KEYRING_INVALID',
    );
    expect(tight.message).toMatch(/out of bounds/);
    // Under the default bound the same file is worked on, and fails only as the wrong derived key.
    const worked = await expectBulwarkError(() => openKeyring(doubled, { passphrase: 'p' }), 'KEYRING_INVALID');
    expect(worked.message).toMatch(/cannot be opened/);
    for (const maxScryptWorkBytes of [0, 1.5, 'x', 2 ** 45]) {
      await expectBulwarkError(
        () => openKeyring(doubled, { passphrase: 'p' }, { maxScryptWorkBytes } as never),
        'CONFIG_INVALID',
      );
    }
    for (const maxScryptMemoryBytes of [0, 1.5, 'x', 2 ** 41]) {
      await expectBulwarkError(
        () => openKeyring(doubled, { passphrase: 'p' }, { maxScryptMemoryBytes } as never),
        'CONFIG_INVALID',
      );
    }
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

  it('bounds the salt (16 to 64 bytes) before any key derivation', async () => {
    const keyring = singleKeyring('a');
    const sealed = JSON.parse(await sealKeyring(keyring, { passphrase: 'p' }, weak));
    const scrypt = vi.spyOn(runtime, 'scrypt');
    for (const salt of ['A'.repeat(1400), 'A'.repeat(87), 'A'.repeat(20), 'A'.repeat(100_000), 42]) {
      const hostile = JSON.stringify({ ...sealed, salt });
      await expectBulwarkError(() => openKeyring(hostile, { passphrase: 'p' }), 'KEYRING_INVALID');
    }
    expect(scrypt).not.toHaveBeenCalled();
    // 64 bytes (86 characters) is within bounds: derivation runs, and the changed salt fails authentication.
    const edited = JSON.stringify({ ...sealed, salt: 'A'.repeat(86) });
    await expectBulwarkError(() => openKeyring(edited, { passphrase: 'p' }), 'KEYRING_INVALID');
    expect(scrypt).toHaveBeenCalledTimes(1);
  });

  it('reports any key-derivation failure on a sealed file as KEYRING_INVALID', async () => {
    const sealed = await sealKeyring(singleKeyring('a'), { passphrase: 'p' }, weak);
    vi.spyOn(runtime, 'scrypt').mockRejectedValue(new BulwarkError('RUNTIME_UNSUPPORTED', 'native scrypt failed'));
    const error = await expectBulwarkError(() => openKeyring(sealed, { passphrase: 'p' }), 'KEYRING_INVALID');
    expect((error as Error).cause).toBeInstanceOf(BulwarkError);
  });

  it.each([
    ['a master key', { masterKey: keyBytes(9) }],
    ['a passphrase', { passphrase: 'correct horse battery staple' }],
  ])(
    'leaves no copy of the wrapping key derived from %s: the key handle borrows the wiped array',
    async (_, secret) => {
      const keyring = singleKeyring('a');
      const importKey = vi.spyOn(runtime, 'importAesGcmKey');
      const scrypt = vi.spyOn(runtime, 'scrypt');
      const sealed = await sealKeyring(keyring, secret, weak);
      expect(importKey).toHaveBeenCalledTimes(1);
      expect(importKey.mock.calls[0]?.[1]).toBe(true);
      expect(zeroed(importKey.mock.calls[0]?.[0] as Uint8Array)).toBe(true);
      importKey.mockClear();
      const opened = await openKeyring(sealed, secret);
      // The first import is the wrapping key; the rest are the loaded keyring's own keys (kept, and borrowed too).
      expect(importKey.mock.calls.map((call) => call[1])).toEqual([true, true]);
      expect(zeroed(importKey.mock.calls[0]?.[0] as Uint8Array)).toBe(true);
      // The passphrase's UTF-8 bytes handed to scrypt are wiped as well.
      for (const [password] of scrypt.mock.calls) expect(zeroed(password)).toBe(true);
      expect(decodeUtf8(await decryptEnvelope(opened, await encryptEnvelope(keyring, 'x')))).toBe('x');
    },
  );

  it('wipes the key material decoded from JSON once the keyring holds its copies, even when it is refused', async () => {
    const keyring = createKeyring({
      keys: [
        { id: 'a', key: keyBytes(1), status: 'primary' },
        { id: 'b', key: keyBytes(2), status: 'decrypt-only' },
      ],
    });
    const decode = vi.spyOn(encoding, 'decodeBase64Url');
    const loaded = parseKeyring(serializeKeyring(keyring));
    const decoded = decode.mock.results.map((r) => r.value as Uint8Array);
    expect(decoded.length).toBe(2);
    expect(decoded.every(zeroed)).toBe(true);
    expect(decodeUtf8(await decryptEnvelope(loaded, await encryptEnvelope(keyring, 'x')))).toBe('x');
    decode.mockClear();
    const json = JSON.parse(serializeKeyring(keyring));
    json.keys[1].id = 'a'; // duplicate id: createKeyring refuses after both keys were decoded
    expectBulwarkErrorSync(() => parseKeyring(JSON.stringify(json)), 'KEYRING_INVALID');
    expect(decode.mock.results.length).toBe(2);
    expect(decode.mock.results.every((r) => zeroed(r.value as Uint8Array))).toBe(true);
  });
});
