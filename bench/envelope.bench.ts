/**
 * Envelope encryption against raw node:crypto AES-256-GCM and @47ng/cloak, in one process.
 * Issue 4 targets: 1 MiB one-shot ≥ 85% of raw AES-GCM; 64-byte string round trip ≥ 1.5× cloak (string key);
 * rewrap of 1 MiB ≥ 50× reencrypt; 100 MiB streamed with bounded memory (peak RSS reported).
 */
import nodeCrypto from 'node:crypto';
import { decryptString, encryptString, generateKey as generateCloakKey } from '@47ng/cloak';
import { decodeUtf8 } from 'bulwark/encoding';
import {
  createKeyring,
  decryptEnvelope,
  decryptEnvelopeFromString,
  decryptStream,
  encryptEnvelope,
  encryptEnvelopeToString,
  encryptStream,
  generateEnvelopeKey,
  reencrypt,
  rewrap,
} from 'bulwark/envelope';
import { compare } from './support.js';

function rawSeal(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const iv = nodeCrypto.randomBytes(12);
  const cipher = nodeCrypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  const body = cipher.update(plaintext);
  cipher.final();
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function rawOpen(key: Uint8Array, sealed: Uint8Array): Uint8Array {
  const decipher = nodeCrypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12), { authTagLength: 16 });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const body = decipher.update(sealed.subarray(12, sealed.length - 16));
  decipher.final();
  return body;
}

async function streamOnce(keyring: ReturnType<typeof createKeyring>, totalBytes: number): Promise<number> {
  const chunk = nodeCrypto.randomBytes(64 * 1024);
  let sent = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) controller.close();
      else {
        controller.enqueue(chunk);
        sent += chunk.length;
      }
    },
  });
  let received = 0;
  await source
    .pipeThrough(encryptStream(keyring))
    .pipeThrough(decryptStream(keyring))
    .pipeTo(
      new WritableStream({
        write(c) {
          received += c.length;
        },
      }),
    );
  return received;
}

export async function run(): Promise<void> {
  const keyring = createKeyring({ keys: [{ id: '2026-01', key: generateEnvelopeKey(), status: 'primary' }] });
  const rawKey = nodeCrypto.randomBytes(32);
  const context = { table: 'users', column: 'email', id: 42 };
  // Streaming first, in a fresh process, so the peak RSS reflects the stream and not the cases below.
  const total = 100 * 1024 * 1024;
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  const received = await streamOnce(keyring, total);
  const ms = performance.now() - started;
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(
    `\n## stream 100 MiB (encrypt → decrypt pipeline, 64 KiB chunks)\nbytes ${received}, ${ms.toFixed(0)} ms, ` +
      `${mb(received / (ms / 1000))} MiB/s through both; peak RSS ${mb(peakBefore)} MiB before, ${mb(peakAfter)} MiB after ` +
      `(+${mb(peakAfter - peakBefore)} MiB)`,
  );

  const mib = nodeCrypto.randomBytes(1024 * 1024);
  const mibEnvelope = await encryptEnvelope(keyring, mib, { context });
  const mibRaw = rawSeal(rawKey, mib);
  await compare('encrypt 1 MiB (one-shot)', [
    { name: 'bulwark encryptEnvelope', fn: () => encryptEnvelope(keyring, mib, { context }), ours: true },
    { name: 'raw node:crypto AES-256-GCM', fn: () => rawSeal(rawKey, mib) },
  ]);
  await compare('decrypt 1 MiB (one-shot)', [
    { name: 'bulwark decryptEnvelope', fn: () => decryptEnvelope(keyring, mibEnvelope, { context }), ours: true },
    { name: 'raw node:crypto AES-256-GCM', fn: () => rawOpen(rawKey, mibRaw) },
  ]);

  const text = 'alice.liddell@example.com, +44 20 7946 0958, 221B Baker St, London';
  const field = text.slice(0, 64);
  const cloakKey = generateCloakKey();
  await compare('64-byte string field round trip (encrypt to text, decrypt)', [
    {
      name: 'bulwark envelope (fresh DEK per message)',
      fn: async () => {
        const column = await encryptEnvelopeToString(keyring, field, { context });
        return decodeUtf8(await decryptEnvelopeFromString(keyring, column, { context }));
      },
      ours: true,
    },
    {
      name: '@47ng/cloak (string key)',
      fn: async () => decryptString(await encryptString(field, cloakKey), cloakKey),
    },
  ]);

  // Two keyrings whose primaries alternate, so every call really rewraps (an envelope already under the primary
  // is returned untouched).
  const k1 = generateEnvelopeKey();
  const k2 = generateEnvelopeKey();
  const ringA = createKeyring({
    keys: [
      { id: '2026-01', key: k1, status: 'primary' },
      { id: '2026-07', key: k2, status: 'decrypt-only' },
    ],
  });
  const ringB = createKeyring({
    keys: [
      { id: '2026-01', key: k1, status: 'decrypt-only' },
      { id: '2026-07', key: k2, status: 'primary' },
    ],
  });
  const mibUnderA = await encryptEnvelope(ringA, mib, { context });
  const textUnderA = await encryptEnvelopeToString(ringA, mib, { context });
  let inPlace = mibUnderA.slice();
  let flip = false;
  await compare('rotate a 1 MiB ciphertext', [
    { name: 'bulwark rewrap (bytes, copy)', fn: () => rewrap(mibUnderA, ringB), ours: true },
    {
      name: 'bulwark rewrap (bytes, inPlace)',
      fn: async () => {
        flip = !flip;
        inPlace = await rewrap(inPlace, flip ? ringB : ringA, { inPlace: true });
      },
    },
    { name: 'bulwark rewrap (text)', fn: () => rewrap(textUnderA, ringB) },
    { name: 'bulwark reencrypt (bytes)', fn: () => reencrypt(mibUnderA, ringB, { context }) },
    { name: 'bulwark reencrypt (text)', fn: () => reencrypt(textUnderA, ringB, { context }) },
  ]);
}
