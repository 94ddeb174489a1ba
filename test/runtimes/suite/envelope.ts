/**
 * bulwark/envelope on every runtime: known-answer envelopes, streams and sealed keyrings (written once by the Node
 * build, so every runtime must read the same bytes the same way), round trips, tamper detection, rotation, fields
 * and blind indexes. AES-GCM itself is checked against Wycheproof in suite/runtime.ts; these cases cover the
 * envelope format and API built on it. Each case stays small: Chromium runs scrypt in TypeScript.
 */
import {
  blindIndex,
  changeKeyStatus,
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
  generateEnvelopeKey,
  needsRotation,
  openKeyring,
  rewrap,
  rotateKeyring,
  sealKeyring,
} from 'bulwark/envelope';
import { bytesEqual, equal, fromHex, ok, throwsCode } from './assert.js';
import type { ConformanceCase } from './index.js';

const KEY = new Uint8Array(32).map((_, i) => i);
const CONTEXT = { table: 'users', column: 'email', id: 42 };
const keyring = () => createKeyring({ keys: [{ id: 'conformance-1', key: KEY, status: 'primary' }] });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** encryptEnvelope(keyring(), 'alice@example.com', { context: CONTEXT }), written by Node. */
const KNOWN_ENVELOPE =
  '010d636f6e666f726d616e63652d31003c2c4f49cfa89408e8e50e2bcbe6f9782dd632e3f26796bf6bca2433a208886d1e0c' +
  '1ac41b876e506995c8665d7d4b2bc66b492fb60e0a87c86c90a0c8a60ce3a38d545dcf0b8573b495748e6504357565e2252b' +
  '60980af04eb840a99d0909ed35d5920d25dad446e44a';
/** 300 bytes (i & 255) through encryptStream(keyring(), { context: CONTEXT, segmentBytes: 256 }). */
const KNOWN_STREAM =
  '020d636f6e666f726d616e63652d31003ca1f5696c9d1e2a73ba354bf15e696d8f5a8f805b21e9b64172c68f2e4cfb61d82a' +
  '905b69bae63e0b9b4f051a00ea9624f47436d13694fad4e84c1f0800000100153065daadb2fd4099b0e064f9bead7f54ff4b' +
  '9ee84e99e341e9f0cf61268a2974754569e4ddc5f4e538c6f1d6b652128f6b195a9e044215be2a49d0c00c00fc9983adbd8f' +
  'dca08dc9936a6ea0517aa9ede14ca11eb26833e189b92231d78d5403c502917db32caf146d162dc8d6a3d80ff611fb3a572e' +
  'b1927b43dcc6738d2f7465094a8523de702710b9a4bb47ef2e15a65206f9b257294e93c0bbed9983322bae61f31b41a51a20' +
  '0886a57dd4a6d261b8cdbd794c053d9690a955f7ada48abe10e92c937b5642f30692c61c1cc27ced4ea7ed380d9f0b4d664c' +
  '56d07319ea574aea29c141e0e89e048c8b3d4f10d931d24bb9efbc2ff0c0fd82517c1e56d5b4ee0b5d274b9ecfa031e25f19' +
  '916ea7c740ec1184a7d892ea048fc5a4c0345d2b295163599457da6d96042f846cb7325beda505e229f64d392d464f6bc26b' +
  '8955b26fc3bf2920b562fda7614f3a93c7cd11d6';
/** sealKeyring(keyring(), { masterKey: 32 × 0x07 }). */
const SEALED_MASTER =
  '{"format":"bulwark-keyring-sealed","version":1,"kdf":"none","iv":"ZXmGBmZFBELFEEWA","ciphertext":"Tm' +
  '8-VipL561Sh4e3PBn14x8dRTX7tTVNY6qcnWRuzn1sKttMu4RXuYNgLWOtUinen2pXZFA2qitP9ABtLT_gNBQOW-YC6qZ8gkyeyx' +
  'i8fxec6OZ786RqMzSOB2EI7FLDCzM7hJGqpoNxogp0xFYRWq4q96qBS0r57E-7MFzz_V8SH_It"}';
/** sealKeyring(keyring(), { passphrase: 'correct horse battery staple' }, scrypt N=1024 r=8 p=1). */
const SEALED_PASSPHRASE =
  '{"format":"bulwark-keyring-sealed","version":1,"kdf":"scrypt","N":1024,"r":8,"p":1,"salt":"sUe5F8CX4' +
  'LWe_w-RynFFdw","iv":"xkqrUJrc2--7QFAQ","ciphertext":"W_WHK07OiiYLroGq1MsctGq45m8cZ4cmh-Gl2jD0Kbr56iP' +
  'r2rLjuyroFvaUctrV9QSet87B4GmE4_OMCZU1QffxrOC0EpiMKp8_hOLdtAMC_QZigJNh3z2JcTYktuRAWX8r1JOJAf9vGCZsUYz' +
  'yYKqAho2VsqJnZ6AV9KW_x8KV9yBI"}';

async function pipe(
  bytes: Uint8Array,
  transform: TransformStream<Uint8Array, Uint8Array>,
  chunk = 100,
): Promise<Uint8Array> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let o = 0; o < bytes.length; o += chunk) controller.enqueue(bytes.slice(o, o + chunk));
      controller.close();
    },
  });
  const parts: Uint8Array[] = [];
  const reader = source.pipeThrough(transform).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function refused(fn: () => Promise<unknown>, message: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const code = (e as { code?: string }).code;
    ok(code === 'ENVELOPE_DECRYPT_FAILED' || code === 'ENVELOPE_MALFORMED', `${message}: got ${String(e)}`);
    return;
  }
  ok(false, `${message}: accepted`);
}

export function envelopeCases(): ConformanceCase[] {
  return [
    {
      name: 'known envelope written by Node decrypts',
      run: async () => {
        equal(
          text(await decryptEnvelope(keyring(), fromHex(KNOWN_ENVELOPE), { context: CONTEXT })),
          'alice@example.com',
          'plaintext',
        );
        await throwsCode(
          () => decryptEnvelope(keyring(), fromHex(KNOWN_ENVELOPE), { context: { ...CONTEXT, id: 43 } }),
          'ENVELOPE_DECRYPT_FAILED',
          'other row',
        );
      },
    },
    {
      name: 'known stream written by Node decrypts',
      run: async () => {
        const plain = await pipe(fromHex(KNOWN_STREAM), decryptStream(keyring(), { context: CONTEXT }), 77);
        bytesEqual(
          plain,
          new Uint8Array(300).map((_, i) => i & 255),
          'stream plaintext',
        );
      },
    },
    {
      name: 'known sealed keyrings open (master key, passphrase via scrypt)',
      run: async () => {
        const a = await openKeyring(SEALED_MASTER, { masterKey: new Uint8Array(32).fill(7) });
        equal(
          text(await decryptEnvelope(a, fromHex(KNOWN_ENVELOPE), { context: CONTEXT })),
          'alice@example.com',
          'master',
        );
        const b = await openKeyring(SEALED_PASSPHRASE, { passphrase: 'correct horse battery staple' });
        equal(b.primaryKeyId, 'conformance-1', 'passphrase');
        await throwsCode(
          () => openKeyring(SEALED_PASSPHRASE, { passphrase: 'wrong' }),
          'KEYRING_INVALID',
          'wrong passphrase',
        );
      },
    },
    {
      name: 'round trips bytes and text with a context; the text form is prefixed',
      run: async () => {
        const k = createKeyring({ keys: [{ id: 'k', key: generateEnvelopeKey(), status: 'primary' }] });
        for (const length of [0, 1, 15, 16, 17, 1000]) {
          const data = new Uint8Array(length).map((_, i) => (i * 7) & 255);
          bytesEqual(
            await decryptEnvelope(k, await encryptEnvelope(k, data, { context: CONTEXT }), { context: CONTEXT }),
            data,
            `length ${length}`,
          );
        }
        const column = await encryptEnvelopeToString(k, 'héllo', { context: CONTEXT });
        ok(column.startsWith('bwe1.'), 'prefix');
        equal(text(await decryptEnvelopeFromString(k, column, { context: CONTEXT })), 'héllo', 'text form');
      },
    },
    {
      name: 'bit flips, truncation and appended bytes are refused',
      run: async () => {
        const env = fromHex(KNOWN_ENVELOPE);
        for (let bit = 8 * 16; bit < env.length * 8; bit += 5) {
          const t = env.slice();
          t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
          await refused(() => decryptEnvelope(keyring(), t, { context: CONTEXT }), `bit ${bit}`);
        }
        for (let length = 0; length < env.length; length += 3) {
          await refused(
            () => decryptEnvelope(keyring(), env.subarray(0, length), { context: CONTEXT }),
            `length ${length}`,
          );
        }
        const longer = new Uint8Array(env.length + 1);
        longer.set(env);
        await refused(() => decryptEnvelope(keyring(), longer, { context: CONTEXT }), 'appended byte');
      },
    },
    {
      name: 'streams round-trip at segment edges and detect truncation and reordering',
      run: async () => {
        const k = keyring();
        for (const length of [0, 1, 255, 256, 257, 70_000]) {
          const data = new Uint8Array(length).map((_, i) => (i * 13) & 255);
          const segmentBytes = length === 70_000 ? undefined : 256;
          const ct = await pipe(data, encryptStream(k, segmentBytes === undefined ? {} : { segmentBytes }), 1000);
          bytesEqual(await pipe(ct, decryptStream(k), 333), data, `stream length ${length}`);
        }
        const ct = fromHex(KNOWN_STREAM);
        const header = ct.length - 300 - 32;
        await refused(
          () => pipe(ct.subarray(0, header + 272), decryptStream(k, { context: CONTEXT })),
          'dropped last segment',
        );
        const swapped = new Uint8Array(ct.length);
        swapped.set(ct.subarray(0, header));
        swapped.set(ct.subarray(header + 272), header);
        swapped.set(ct.subarray(header, header + 272), header + ct.length - header - 272);
        await refused(() => pipe(swapped, decryptStream(k, { context: CONTEXT })), 'reordered segments');
      },
    },
    {
      name: 'streams take any chunking (one byte at a time) and refuse segments over maxSegmentBytes',
      run: async () => {
        const k = keyring();
        const data = new Uint8Array(600).map((_, i) => (i * 7) & 255);
        const ct = await pipe(data, encryptStream(k, { segmentBytes: 256 }), 1);
        bytesEqual(await pipe(ct, decryptStream(k), 1), data, 'one-byte chunks');
        const big = new Uint8Array(70_000).map((_, i) => i & 255);
        const wide = await pipe(big, encryptStream(k, { segmentBytes: 128 * 1024 }), 4096);
        await refused(() => pipe(wide, decryptStream(k), 4096), 'segment over the default maximum');
        bytesEqual(await pipe(wide, decryptStream(k, { maxSegmentBytes: 128 * 1024 }), 4096), big, 'raised maximum');
      },
    },
    {
      name: 'rotation: rewrap under a new primary, then disable the old key',
      run: async () => {
        const next = rotateKeyring(keyring(), { id: 'conformance-2' });
        const old = fromHex(KNOWN_ENVELOPE);
        ok(needsRotation(old, next), 'needs rotation');
        const rewrapped = await rewrap(old, next);
        ok(!needsRotation(rewrapped, next), 'rotated');
        const retired = changeKeyStatus(next, 'conformance-1', 'disabled');
        equal(
          text(await decryptEnvelope(retired, rewrapped, { context: CONTEXT })),
          'alice@example.com',
          'after rewrap',
        );
        await throwsCode(() => decryptEnvelope(retired, old, { context: CONTEXT }), 'KEY_DISABLED', 'disabled key');
      },
    },
    {
      name: 'fields and blind indexes',
      run: async () => {
        const k = keyring();
        const row = await encryptFields({ id: 42, email: 'a@x', tags: [1, 'b'] }, ['email', 'tags'], {
          keyring: k,
          context: { table: 'users', id: 42 },
        });
        const back = await decryptFields<{ email: string; tags: unknown[] }>(row, ['email', 'tags'], {
          keyring: k,
          context: { table: 'users', id: 42 },
        });
        equal(back.email, 'a@x', 'email');
        equal(JSON.stringify(back.tags), '[1,"b"]', 'tags');
        const index = createBlindIndexKey(KEY);
        equal(
          await blindIndex('Alice@Example.com', index, { normalize: 'lowercase', context: { column: 'email' } }),
          'phPE56gwg9I',
          'blind index',
        );
        equal(await blindIndex('alice@example.com', index, { bits: 20 }), 'b2FQ', 'blind index, 20 bits');
      },
    },
    {
      name: 'sealing a keyring round-trips on this runtime',
      run: async () => {
        const sealed = await sealKeyring(
          keyring(),
          { passphrase: 'p' },
          { scrypt: { N: 1024, r: 1, p: 1 }, unsafeAllowWeakScrypt: true },
        );
        equal((await openKeyring(sealed, { passphrase: 'p' })).primaryKeyId, 'conformance-1', 'opened');
      },
    },
  ];
}
