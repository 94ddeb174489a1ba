/**
 * AES-GCM through the runtime seam against Project Wycheproof `aes_gcm_test.json`
 * (https://github.com/C2SP/wycheproof, testvectors_v1, commit dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166, Apache-2.0;
 * copied unmodified to ../shared/vectors/wycheproof/).
 *
 * Every vector with keySize 256, ivSize 96, tagSize 128: valid ones decrypt to the expected plaintext and
 * re-encrypt to the expected ct ‖ tag; invalid ones are refused (null). Other IV sizes are refused by the API.
 * Both paths run: node:crypto, and WebCrypto (node:crypto hidden by the test override).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  aesGcmOpen,
  aesGcmSeal,
  hasSyncAesGcm,
  importAesGcmKey,
  setRuntimeOverrideForTesting,
} from '../../src/runtime/index.js';
import { expectBulwarkError } from '../support/errors.js';
import { hex, loadVectors, toHex } from '../support/vectors.js';

interface AeadTest {
  tcId: number;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface Group {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: AeadTest[];
}

const file = loadVectors<{ testGroups: Group[] }>('wycheproof/aes_gcm_test.json');
const ours = file.testGroups
  .filter((g) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128)
  .flatMap((g) => g.tests);
const otherIv = file.testGroups.filter((g) => g.keySize === 256 && g.ivSize !== 96).flatMap((g) => g.tests);

afterEach(() => setRuntimeOverrideForTesting(undefined));

const paths: [string, () => void][] = [
  ['node:crypto', () => setRuntimeOverrideForTesting(undefined)],
  ['WebCrypto', () => setRuntimeOverrideForTesting({ nodeCrypto: null })],
];

describe.each(paths)('Wycheproof AES-256-GCM (96-bit IV, 128-bit tag) via %s', (name, select) => {
  it('has the expected vector counts', () => {
    expect(ours.length).toBe(66);
    expect(ours.filter((t) => t.result === 'valid').length).toBe(39);
    expect(ours.filter((t) => t.result === 'invalid').length).toBe(27);
    expect(ours.filter((t) => t.result === 'acceptable').length).toBe(0);
  });

  it('valid vectors decrypt and re-encrypt exactly; invalid ones are refused', async () => {
    select();
    let passed = 0;
    for (const t of ours) {
      const key = hex(t.key);
      const iv = hex(t.iv);
      const aad = hex(t.aad);
      const sealed = hex(t.ct + t.tag);
      const opened = await aesGcmOpen(key, iv, sealed, aad);
      const handle = await importAesGcmKey(key).open(iv, sealed, aad);
      if (t.result === 'valid') {
        expect(opened && toHex(opened), `tcId ${t.tcId}`).toBe(t.msg);
        expect(handle && toHex(handle), `tcId ${t.tcId} (prepared key)`).toBe(t.msg);
        expect(toHex(await aesGcmSeal(key, iv, hex(t.msg), aad)), `tcId ${t.tcId} seal`).toBe(t.ct + t.tag);
        expect(toHex(await importAesGcmKey(key).seal(iv, hex(t.msg), aad)), `tcId ${t.tcId} seal`).toBe(t.ct + t.tag);
        // sealSyncInto, in place: the plaintext sits where its ciphertext goes, after a 3-byte header.
        const msg = hex(t.msg);
        const out = new Uint8Array(3 + msg.length + 16).fill(0xee);
        out.set(msg, 3);
        const done = importAesGcmKey(key).sealSyncInto(iv, out.subarray(3, 3 + msg.length), aad, out, 3);
        expect(done).toBe(hasSyncAesGcm());
        if (done) expect(toHex(out), `tcId ${t.tcId} sealSyncInto`).toBe(`eeeeee${t.ct}${t.tag}`);
      } else {
        expect(opened, `tcId ${t.tcId} must be refused`).toBeNull();
        expect(handle, `tcId ${t.tcId} must be refused (prepared key)`).toBeNull();
      }
      passed++;
    }
    expect(passed).toBe(66);
  });

  it(`refuses every other IV size (${otherIv.length} vectors) with INPUT_INVALID`, async () => {
    select();
    for (const t of otherIv) {
      await expectBulwarkError(() => aesGcmOpen(hex(t.key), hex(t.iv), hex(t.ct + t.tag), hex(t.aad)), 'INPUT_INVALID');
      await expectBulwarkError(() => aesGcmSeal(hex(t.key), hex(t.iv), hex(t.msg), hex(t.aad)), 'INPUT_INVALID');
      await expectBulwarkError(
        () => importAesGcmKey(hex(t.key)).open(hex(t.iv), hex(t.ct + t.tag), hex(t.aad)),
        'INPUT_INVALID',
      );
    }
  });

  it('refuses truncated tags (the tag length is always 16 bytes)', async () => {
    select();
    const t = ours.find((v) => v.result === 'valid' && v.msg.length > 0) as AeadTest;
    for (const cut of [1, 4, 8]) {
      const sealed = hex(t.ct + t.tag.slice(0, t.tag.length - cut * 2));
      expect(await aesGcmOpen(hex(t.key), hex(t.iv), sealed, hex(t.aad))).toBeNull();
      expect(await importAesGcmKey(hex(t.key)).open(hex(t.iv), sealed, hex(t.aad))).toBeNull();
    }
  });

  it('sealSyncInto refuses an output too small for ciphertext and tag, before any work', () => {
    select();
    const t = ours.find((v) => v.result === 'valid' && v.msg.length > 0) as AeadTest;
    const key = importAesGcmKey(hex(t.key));
    const size = hex(t.msg).length + 16;
    for (const [out, at] of [
      [new Uint8Array(size - 1), 0],
      [new Uint8Array(size), 1],
      [new Uint8Array(size), -1],
      [new Uint8Array(size), 0.5],
    ] as const) {
      expect(() => key.sealSyncInto(hex(t.iv), hex(t.msg), hex(t.aad), out, at)).toThrow(/too small/);
      expect(out.every((b) => b === 0)).toBe(true);
    }
  });

  it('seals large inputs, sliced or in place, to what one node:crypto call produces', async () => {
    select();
    const { createCipheriv, randomBytes } = await import('node:crypto');
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const aad = randomBytes(20);
    const slice = 256 * 1024;
    for (const length of [slice - 1, slice, slice + 1, 3 * slice + 17]) {
      const msg = randomBytes(length);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      cipher.setAAD(aad);
      const expected = Buffer.concat([cipher.update(msg), cipher.final(), cipher.getAuthTag()]);
      const prepared = importAesGcmKey(key);
      const out = new Uint8Array(5 + length + 16);
      const sealed = prepared.sealSyncInto(iv, msg, aad, out, 5);
      expect(sealed).toBe(name === 'node:crypto'); // WebCrypto has no synchronous sealing
      if (!sealed) continue;
      expect(Buffer.from(out.subarray(5)).equals(expected), `length ${length}`).toBe(true);
      // In place, the plaintext where its ciphertext goes, and shifted by one byte either way (one buffer).
      for (const shift of [0, 1, -1]) {
        const shared = new Uint8Array(8 + length + 16);
        shared.set(msg, 4 + shift);
        expect(prepared.sealSyncInto(iv, shared.subarray(4 + shift, 4 + shift + length), aad, shared, 4)).toBe(true);
        expect(Buffer.from(shared.subarray(4, 4 + length + 16)).equals(expected), `shift ${shift}`).toBe(true);
      }
    }
  });

  it('refuses keys that are not 32 bytes', async () => {
    select();
    const t128 = file.testGroups.find((g) => g.keySize === 128)?.tests[0] as AeadTest;
    await expectBulwarkError(() => aesGcmSeal(hex(t128.key), hex(t128.iv), hex(t128.msg)), 'INPUT_INVALID');
    expect(() => importAesGcmKey(hex(t128.key))).toThrow(/32 bytes/);
  });
});
