import { decodeUtf8 } from 'bulwark/encoding';
import {
  createKeyring,
  DEFAULT_ENVELOPE_OPTIONS,
  decryptEnvelope,
  decryptEnvelopeFromString,
  decryptFields,
  encryptEnvelope,
  encryptEnvelopeToString,
  encryptFields,
  type KeyProvider,
  reencrypt,
} from 'bulwark/envelope';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as encoding from '../../src/encoding/index.js';
import { setRuntimeOverrideForTesting } from '../../src/runtime/index.js';
import { expectBulwarkError } from '../support/errors.js';
import { CRYPTO_PATHS, keyBytes, singleKeyring, stubKms } from './helpers.js';

const context = { table: 'users', column: 'email', id: 42 };
afterEach(() => setRuntimeOverrideForTesting(undefined));

describe.each(CRYPTO_PATHS)('one-shot envelopes via %s', (_name, override) => {
  it('round-trips bytes and strings with a context', async () => {
    setRuntimeOverrideForTesting(override);
    const keyring = singleKeyring();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(await decryptEnvelope(keyring, await encryptEnvelope(keyring, bytes, { context }), { context })).toEqual(
      bytes,
    );
    const text = await encryptEnvelopeToString(keyring, 'alice@example.com', { context });
    expect(text.startsWith('bwe1.')).toBe(true);
    expect(decodeUtf8(await decryptEnvelopeFromString(keyring, text, { context }))).toBe('alice@example.com');
    expect((await decryptEnvelope(keyring, await encryptEnvelope(keyring, new Uint8Array(0)))).length).toBe(0);
  });

  it('encrypts and decrypts many at once, each to its own plaintext, with short and long (UUID) contexts', async () => {
    // Text and contexts over 64 bytes go through reused arrays on the synchronous path; whatever awaits must copy.
    setRuntimeOverrideForTesting(override);
    const keyring = singleKeyring();
    const plaintexts = Array.from({ length: 20 }, (_, i) => `row ${i} `.repeat(1 + (i % 5)));
    const contextOf = (i: number) =>
      i % 2 === 0
        ? context
        : { table: 'users', column: 'email', id: `8c4e6f1a-0b7d-4e55-9a3c-${String(i).padStart(12, '0')}` };
    const texts = await Promise.all(
      plaintexts.map((p, i) => encryptEnvelopeToString(keyring, p, { context: contextOf(i) })),
    );
    const opened = await Promise.all(
      texts.map((t, i) => decryptEnvelopeFromString(keyring, t, { context: contextOf(i) })),
    );
    expect(opened.map((b) => decodeUtf8(b))).toEqual(plaintexts);
    // One at a time and in reverse order too: a shared buffer read late would bind every message to one context
    // and still pass a symmetric all-at-once check.
    for (let i = texts.length - 1; i >= 0; i--) {
      const one = await decryptEnvelopeFromString(keyring, texts[i] as string, { context: contextOf(i) });
      expect(decodeUtf8(one)).toBe(plaintexts[i]);
    }
    for (const [i, t] of texts.entries()) {
      await expectBulwarkError(
        () => decryptEnvelopeFromString(keyring, t, { context: contextOf(i + 1) }),
        'ENVELOPE_DECRYPT_FAILED',
      );
    }
  });

  it('uses a fresh data key and IV per message', async () => {
    setRuntimeOverrideForTesting(override);
    const keyring = singleKeyring();
    const a = await encryptEnvelope(keyring, 'same');
    const b = await encryptEnvelope(keyring, 'same');
    expect(a).not.toEqual(b);
  });

  it('refuses another context, a missing context, a wrong key', async () => {
    setRuntimeOverrideForTesting(override);
    const keyring = singleKeyring();
    const sealed = await encryptEnvelope(keyring, 'secret', { context });
    await expectBulwarkError(
      () => decryptEnvelope(keyring, sealed, { context: { ...context, id: 43 } }),
      'ENVELOPE_DECRYPT_FAILED',
    );
    await expectBulwarkError(
      () => decryptEnvelope(keyring, sealed, { context: { ...context, id: '42' } }),
      'ENVELOPE_DECRYPT_FAILED',
    );
    await expectBulwarkError(() => decryptEnvelope(keyring, sealed), 'ENVELOPE_DECRYPT_FAILED');
    const impostor = singleKeyring('k1', 2);
    const e = await expectBulwarkError(() => decryptEnvelope(impostor, sealed, { context }), 'ENVELOPE_DECRYPT_FAILED');
    expect(e.message).toBe('envelope decryption failed');
  });
});

describe('envelope layout (docs/envelope.md)', () => {
  it('is version, id length, id, wrapped key length, wrapped key, data IV, ciphertext ‖ tag', async () => {
    const keyring = singleKeyring('2026-01');
    const sealed = await encryptEnvelope(keyring, new Uint8Array(10));
    expect(sealed[0]).toBe(1);
    expect(sealed[1]).toBe(7);
    expect(decodeUtf8(sealed.subarray(2, 9))).toBe('2026-01');
    expect((sealed[9] as number) * 256 + (sealed[10] as number)).toBe(60);
    expect(sealed.length).toBe(11 + 60 + 12 + 10 + 16);
  });
});

describe('errors and bounds', () => {
  it('refuses plaintexts and ciphertexts above maxBytes with ENVELOPE_TOO_LARGE', async () => {
    const keyring = singleKeyring();
    expect(DEFAULT_ENVELOPE_OPTIONS.maxBytes).toBe(64 * 1024 * 1024);
    await expectBulwarkError(
      () => encryptEnvelope(keyring, new Uint8Array(101), { maxBytes: 100 }),
      'ENVELOPE_TOO_LARGE',
    );
    const sealed = await encryptEnvelope(keyring, new Uint8Array(5000));
    await expectBulwarkError(() => decryptEnvelope(keyring, sealed, { maxBytes: 100 }), 'ENVELOPE_TOO_LARGE');
    const text = await encryptEnvelopeToString(keyring, new Uint8Array(5000));
    await expectBulwarkError(() => decryptEnvelopeFromString(keyring, text, { maxBytes: 100 }), 'ENVELOPE_TOO_LARGE');
    await expectBulwarkError(() => encryptEnvelope(keyring, 'x', { maxBytes: -1 }), 'CONFIG_INVALID');
  });

  it('bounds the decrypted payload itself by maxBytes, not the envelope plus a header allowance', async () => {
    const keyring = singleKeyring();
    const sealed = await encryptEnvelope(keyring, new Uint8Array(1200));
    const text = await encryptEnvelopeToString(keyring, new Uint8Array(1200));
    for (const maxBytes of [0, 1199]) {
      await expectBulwarkError(() => decryptEnvelope(keyring, sealed, { maxBytes }), 'ENVELOPE_TOO_LARGE');
      await expectBulwarkError(() => decryptEnvelopeFromString(keyring, text, { maxBytes }), 'ENVELOPE_TOO_LARGE');
      await expectBulwarkError(() => reencrypt(sealed, keyring, { maxBytes }), 'ENVELOPE_TOO_LARGE');
      await expectBulwarkError(() => reencrypt(text, keyring, { maxBytes }), 'ENVELOPE_TOO_LARGE');
    }
    expect((await decryptEnvelope(keyring, sealed, { maxBytes: 1200 })).length).toBe(1200);
    expect((await decryptEnvelopeFromString(keyring, text, { maxBytes: 1200 })).length).toBe(1200);
    // decryptFields bounds each field's JSON: '"' + 1200 × 'x' + '"' is 1202 bytes.
    const row = await encryptFields({ note: 'x'.repeat(1200) }, ['note'], { keyring });
    await expectBulwarkError(() => decryptFields(row, ['note'], { keyring, maxBytes: 1201 }), 'ENVELOPE_TOO_LARGE');
    expect(await decryptFields(row, ['note'], { keyring, maxBytes: 1202 })).toEqual({ note: 'x'.repeat(1200) });
  });

  it('refuses a string plaintext far above maxBytes by its length, before encoding it', async () => {
    const keyring = singleKeyring();
    const huge = 'x'.repeat(30_000_000);
    const encode = vi.spyOn(encoding, 'encodeUtf8');
    await expectBulwarkError(() => encryptEnvelope(keyring, huge, { maxBytes: 1024 }), 'ENVELOPE_TOO_LARGE');
    await expectBulwarkError(() => encryptEnvelopeToString(keyring, huge, { maxBytes: 1024 }), 'ENVELOPE_TOO_LARGE');
    await expectBulwarkError(() => encryptEnvelope(keyring, 'ab', { maxBytes: 1 }), 'ENVELOPE_TOO_LARGE');
    expect(encode).not.toHaveBeenCalled();
    encode.mockRestore();
    // One UTF-16 unit is at least one UTF-8 byte: within the length bound, the byte count still decides.
    await expectBulwarkError(() => encryptEnvelope(keyring, 'é', { maxBytes: 1 }), 'ENVELOPE_TOO_LARGE');
    expect((await encryptEnvelope(keyring, 'é', { maxBytes: 2 })).length).toBeGreaterThan(2);
  });

  it('reports unknown and disabled keys by code', async () => {
    const old = singleKeyring('old');
    const sealed = await encryptEnvelope(old, 'x');
    const other = singleKeyring('new');
    await expectBulwarkError(() => decryptEnvelope(other, sealed), 'KEY_NOT_FOUND');
    const disabled = createKeyring({
      keys: [
        { id: 'new', key: keyBytes(2), status: 'primary' },
        { id: 'old', key: keyBytes(1), status: 'disabled' },
      ],
    });
    await expectBulwarkError(() => decryptEnvelope(disabled, sealed), 'KEY_DISABLED');
    for (const status of ['active', 'decrypt-only'] as const) {
      const ring = createKeyring({
        keys: [
          { id: 'new', key: keyBytes(2), status: 'primary' },
          { id: 'old', key: keyBytes(1), status },
        ],
      });
      expect(decodeUtf8(await decryptEnvelope(ring, sealed))).toBe('x');
    }
  });

  it('refuses malformed input with ENVELOPE_MALFORMED and non-bytes with INPUT_INVALID', async () => {
    const keyring = singleKeyring();
    await expectBulwarkError(() => decryptEnvelope(keyring, new Uint8Array(0)), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => decryptEnvelope(keyring, new Uint8Array([2, 2, 107, 49])), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => decryptEnvelopeFromString(keyring, 'v1.abc'), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => decryptEnvelopeFromString(keyring, 'bwe1.a'), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => decryptEnvelopeFromString(keyring, 'bwe1.AQ=='), 'ENVELOPE_MALFORMED');
    await expectBulwarkError(() => decryptEnvelope(keyring, 'text' as unknown as Uint8Array), 'INPUT_INVALID');
    await expectBulwarkError(() => encryptEnvelope({} as never, 'x'), 'CONFIG_INVALID');
    await expectBulwarkError(
      () => encryptEnvelope(keyring, 'x', { context: { a: { b: 1 } } as never }),
      'INPUT_INVALID',
    );
  });

  it('accepts Buffers and subarrays as bytes', async () => {
    const keyring = singleKeyring();
    const big = new Uint8Array(100).fill(9);
    const sealed = await encryptEnvelope(keyring, Buffer.from(big.subarray(10, 20)));
    const padded = new Uint8Array(sealed.length + 8);
    padded.set(sealed, 4);
    expect(await decryptEnvelope(keyring, padded.subarray(4, 4 + sealed.length))).toEqual(big.subarray(10, 20));
  });
});

describe('KeyProvider (a stand-in KMS)', () => {
  it('wraps and unwraps data keys through the provider, mixed with local keys', async () => {
    const provider = stubKms();
    const keyring = createKeyring({
      keys: [
        { id: 'kms-1', status: 'primary' },
        { id: 'local', key: keyBytes(3), status: 'decrypt-only' },
      ],
      provider,
    });
    expect(keyring.keys.map((k) => k.source)).toEqual(['provider', 'local']);
    const sealed = await encryptEnvelope(keyring, 'via kms', { context });
    expect(decodeUtf8(await decryptEnvelope(keyring, sealed, { context }))).toBe('via kms');
    expect(provider.calls).toEqual(['wrap kms-1', 'unwrap kms-1']);
    await expectBulwarkError(() => createKeyring({ keys: [{ id: 'kms-1', status: 'primary' }] }), 'KEYRING_INVALID');
  });

  it('gives the provider arrays of its own: their buffers hold the wrapped key or its additional data, nothing else', async () => {
    // Decoded text lives in memory bulwark shares between calls (transientBytes), and a byte envelope is the
    // caller's: a view of either would let provider code read past what it was given.
    const seen: Uint8Array[] = [];
    const inner = stubKms();
    const keyring = createKeyring({
      keys: [{ id: 'kms-1', status: 'primary' }],
      provider: {
        wrapKey: inner.wrapKey,
        unwrapKey: (id, wrapped, aad) => {
          seen.push(wrapped, aad);
          return inner.unwrapKey(id, wrapped, aad);
        },
      },
    });
    const text = await encryptEnvelopeToString(keyring, 'via kms', { context });
    const bytes = await encryptEnvelope(keyring, 'via kms', { context });
    expect(decodeUtf8(await decryptEnvelopeFromString(keyring, text, { context }))).toBe('via kms');
    expect(decodeUtf8(await decryptEnvelope(keyring, bytes, { context }))).toBe('via kms');
    expect(seen.length).toBe(4);
    for (const array of seen) expect(array.buffer.byteLength).toBe(array.length);
  });

  it('decrypts text forms under provider and local keys all at once, each to its own plaintext', async () => {
    // Text is decoded into one reused array on the synchronous path; a provider awaits while holding views of the
    // envelope, so its envelopes must be copied out first or a concurrent decryption would overwrite them.
    const provider = stubKms();
    const keyring = createKeyring({
      keys: [
        { id: 'kms-1', status: 'primary' },
        { id: 'local', key: keyBytes(3), status: 'active' },
      ],
      provider,
    });
    const local = createKeyring({
      keys: [
        { id: 'local', key: keyBytes(3), status: 'primary' },
        { id: 'kms-1', status: 'active' },
      ],
      provider,
    });
    const plaintexts = Array.from({ length: 30 }, (_, i) => `value ${i} `.repeat(1 + (i % 7)));
    const long = (i: number) => ({ ...context, row: `8c4e6f1a-0b7d-4e55-9a3c-${String(i).padStart(12, '0')}` });
    const texts = await Promise.all(
      plaintexts.map((p, i) => encryptEnvelopeToString(i % 2 === 0 ? keyring : local, p, { context: long(i) })),
    );
    const opened = await Promise.all(texts.map((t, i) => decryptEnvelopeFromString(keyring, t, { context: long(i) })));
    expect(opened.map((b) => decodeUtf8(b))).toEqual(plaintexts);
    for (let i = texts.length - 1; i >= 0; i--) {
      const one = await decryptEnvelopeFromString(keyring, texts[i] as string, { context: long(i) });
      expect(decodeUtf8(one)).toBe(plaintexts[i]);
    }
    // Failures leave nothing behind for the next decryption either.
    await expectBulwarkError(
      () => decryptEnvelopeFromString(keyring, texts[0] as string, { context: {} }),
      'ENVELOPE_DECRYPT_FAILED',
    );
    expect(decodeUtf8(await decryptEnvelopeFromString(keyring, texts[1] as string, { context: long(1) }))).toBe(
      plaintexts[1],
    );
  });

  it('maps a provider refusal to ENVELOPE_DECRYPT_FAILED and refuses oversized wrapped keys', async () => {
    const refusing: KeyProvider = { wrapKey: async () => new Uint8Array(40), unwrapKey: async () => null };
    const keyring = createKeyring({ keys: [{ id: 'kms', status: 'primary' }], provider: refusing });
    const sealed = await encryptEnvelope(keyring, 'x');
    await expectBulwarkError(() => decryptEnvelope(keyring, sealed), 'ENVELOPE_DECRYPT_FAILED');
    const huge = createKeyring({
      keys: [{ id: 'kms', status: 'primary' }],
      provider: { wrapKey: async () => new Uint8Array(2000), unwrapKey: async () => null },
    });
    await expectBulwarkError(() => encryptEnvelope(huge, 'x'), 'CONFIG_INVALID');
  });

  it('refuses a data key of the wrong size from the provider, and leaves the provider its own array', async () => {
    const unwrapped: Uint8Array[] = [];
    const keyring = createKeyring({
      keys: [{ id: 'kms', status: 'primary' }],
      provider: {
        wrapKey: async () => new Uint8Array(40).fill(1),
        unwrapKey: async () => {
          unwrapped.push(new Uint8Array(31).fill(7));
          return unwrapped[0] as Uint8Array;
        },
      },
    });
    const sealed = await encryptEnvelope(keyring, 'x');
    await expectBulwarkError(() => decryptEnvelope(keyring, sealed), 'ENVELOPE_DECRYPT_FAILED');
    expect(unwrapped).toEqual([new Uint8Array(31).fill(7)]);
  });

  it('lets a provider cache unwrapped keys, and refuses values that are not Uint8Arrays', async () => {
    const kek = new Uint8Array(32).fill(9);
    const xor = (bytes: Uint8Array) => bytes.map((b, i) => b ^ (kek[i] as number));
    const cache = new Map<string, Uint8Array>();
    const caching = createKeyring({
      keys: [{ id: 'kms', status: 'primary' }],
      provider: {
        wrapKey: async (_id, dataKey) => xor(dataKey),
        unwrapKey: async (_id, wrapped) => {
          const id = Buffer.from(wrapped).toString('hex');
          // A Node Buffer, as node:crypto and most SDKs return: its slice() is a view, not a copy.
          if (!cache.has(id)) cache.set(id, Buffer.from(xor(wrapped)));
          return cache.get(id) as Uint8Array;
        },
      },
    });
    const sealed = await encryptEnvelope(caching, 'secret');
    for (let i = 0; i < 3; i++) expect(new TextDecoder().decode(await decryptEnvelope(caching, sealed))).toBe('secret');
    const wrongTypes = createKeyring({
      keys: [{ id: 'kms', status: 'primary' }],
      provider: {
        wrapKey: async () => new ArrayBuffer(48) as never,
        unwrapKey: async () => new ArrayBuffer(32) as never,
      },
    });
    await expectBulwarkError(() => encryptEnvelope(wrongTypes, 'x'), 'CONFIG_INVALID');
    const undefinedKey = createKeyring({
      keys: [{ id: 'kms', status: 'primary' }],
      provider: { wrapKey: async (_id, key) => xor(key), unwrapKey: async () => undefined as never },
    });
    await expectBulwarkError(
      async () => decryptEnvelope(undefinedKey, await encryptEnvelope(undefinedKey, 'x')),
      'CONFIG_INVALID',
    );
  });
});

describe('context input', () => {
  it('refuses a context that is not a plain object in every entry point, encryptFields included', async () => {
    const keyring = singleKeyring();
    for (const context of [new Map([['tenant', 'a']]), new Date(0), new URLSearchParams('tenant=a')]) {
      await expectBulwarkError(() => encryptEnvelope(keyring, 'x', { context: context as never }), 'INPUT_INVALID');
      // Spread, these would have been {}: ciphertexts bound to nothing but the field name.
      await expectBulwarkError(
        () => encryptFields({ email: 'a@example.com' }, ['email'], { keyring, context: context as never }),
        'INPUT_INVALID',
      );
    }
  });

  it('refuses a lone surrogate in a context key, a context value or a field name as INPUT_INVALID', async () => {
    const keyring = singleKeyring();
    await expectBulwarkError(() => encryptEnvelope(keyring, 'x', { context: { t: 'a\ud800' } }), 'INPUT_INVALID');
    await expectBulwarkError(() => encryptEnvelope(keyring, 'x', { context: { '\udc00': 1 } }), 'INPUT_INVALID');
    await expectBulwarkError(
      () => encryptFields({ 'e\ud800': 'x' }, ['e\ud800'], { keyring, context: { t: 1 } }),
      'INPUT_INVALID',
    );
  });

  it('refuses an over-long context key or string by its length, before encoding it', async () => {
    const keyring = singleKeyring();
    const encode = vi.spyOn(encoding, 'encodeUtf8');
    await expectBulwarkError(
      () => encryptEnvelope(keyring, new Uint8Array(1), { context: { s: 'x'.repeat(30_000_000) } }),
      'INPUT_INVALID',
    );
    await expectBulwarkError(
      () => encryptEnvelope(keyring, new Uint8Array(1), { context: { ['k'.repeat(100_000)]: 1 } }),
      'INPUT_INVALID',
    );
    // The short key `s` is encoded; neither over-long string is.
    expect(encode.mock.calls.map(([text]) => text.length)).toEqual([1]);
    encode.mockRestore();
    // Within the length bound, the UTF-8 byte count still decides: 513 × 'é' is 1026 bytes.
    await expectBulwarkError(
      () => encryptEnvelope(keyring, new Uint8Array(1), { context: { s: '\u00e9'.repeat(513) } }),
      'INPUT_INVALID',
    );
    await expectBulwarkError(
      () => encryptEnvelope(keyring, new Uint8Array(1), { context: { ['\u00e9'.repeat(65)]: 1 } }),
      'INPUT_INVALID',
    );
    expect(await encryptEnvelope(keyring, new Uint8Array(1), { context: { s: '\u00e9'.repeat(512) } })).toBeTruthy();
  });

  it('refuses bytes, arrays, class instances and nested values as a context', async () => {
    const keyring = singleKeyring();
    for (const context of [
      new Uint8Array([0]),
      [1],
      new Date(),
      { a: { b: 1 } },
      { a: undefined },
      { a: Number.NaN },
      { $x: 1 },
    ]) {
      await expectBulwarkError(() => encryptEnvelope(keyring, 'x', { context: context as never }), 'INPUT_INVALID');
    }
  });
});

describe('the synchronous one-buffer path and the WebCrypto path write the same format', () => {
  it('each opens what the other sealed, around the in-place size limit, and never changes the input', async () => {
    const keyring = singleKeyring();
    for (const size of [0, 1, 63, 64, 65, 1000]) {
      const plaintext = new Uint8Array(size).map((_, i) => (i * 29 + size) & 255);
      const copy = plaintext.slice();
      setRuntimeOverrideForTesting(undefined);
      const bySync = await encryptEnvelope(keyring, plaintext, { context });
      expect(plaintext).toEqual(copy);
      setRuntimeOverrideForTesting({ nodeCrypto: null });
      const byWeb = await encryptEnvelope(keyring, plaintext, { context });
      expect(await decryptEnvelope(keyring, bySync, { context })).toEqual(copy);
      setRuntimeOverrideForTesting(undefined);
      expect(await decryptEnvelope(keyring, byWeb, { context })).toEqual(copy);
      expect(bySync.length).toBe(byWeb.length);
    }
  });
});

describe('the reused scratch of the synchronous path never escapes', () => {
  it('each result owns its bytes: later encryptions, bytes or text, small or above the scratch size, change none', async () => {
    const keyring = singleKeyring();
    const first = await encryptEnvelope(keyring, 'first', { context });
    const kept = first.slice();
    const texts = [];
    for (const plaintext of ['second', 'y'.repeat(5000), 'third']) {
      texts.push(await encryptEnvelopeToString(keyring, plaintext, { context }));
      await encryptEnvelope(keyring, plaintext, { context });
    }
    expect(first).toEqual(kept);
    expect(first.buffer.byteLength).toBe(first.length);
    expect(decodeUtf8(await decryptEnvelope(keyring, first, { context }))).toBe('first');
    const opened = [];
    for (const text of texts) opened.push(decodeUtf8(await decryptEnvelopeFromString(keyring, text, { context })));
    expect(opened).toEqual(['second', 'y'.repeat(5000), 'third']);
  });
});

describe('envelope text is canonical: one envelope, one text', () => {
  it('refuses padding, characters outside base64url and non-zero trailing bits as ENVELOPE_MALFORMED', async () => {
    const keyring = singleKeyring();
    for (const plaintext of ['', 'a', 'ab', 'alice@example.com', 'x'.repeat(300)]) {
      const text = await encryptEnvelopeToString(keyring, plaintext, { context });
      expect(decodeUtf8(await decryptEnvelopeFromString(keyring, text, { context }))).toBe(plaintext);
      const body = text.slice(5);
      const bad = [
        `${text}${'='.repeat((4 - (body.length % 4)) % 4 || 4)}`,
        `${text.slice(0, 20)}+${text.slice(21)}`,
        `${text.slice(0, 20)}/${text.slice(21)}`,
        `${text.slice(0, 20)} ${text.slice(21)}`,
        `${text.slice(0, 20)}=${text.slice(21)}`,
        `${text}\n`,
      ];
      if (body.length % 4 !== 0) {
        // The last character carries unused low bits: set one of them.
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alphabet.indexOf(text.charAt(text.length - 1));
        bad.push(`${text.slice(0, -1)}${alphabet.charAt(last | 1)}`);
      }
      for (const b of bad)
        await expectBulwarkError(() => decryptEnvelopeFromString(keyring, b, { context }), 'ENVELOPE_MALFORMED');
    }
  });
});
