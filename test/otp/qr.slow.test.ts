/**
 * Exhaustive sweep (CI only): every version 1–40 at every level, filled to capacity with ASCII and with 1–4 byte
 * UTF-8, every mask once per version, read back by jsQR and compared byte for byte. Version 23 is compared with
 * the qrcode package instead, because jsQR 1.4.0 carries a wrong alignment coordinate for it (cozmo/jsQR#251).
 */
import { createQrCode, type QrErrorCorrection } from 'bulwark/otp';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../../src/encoding/index.js';
import { byteCapacity, truncateUtf8 } from './qr/capacity.js';
import { decodeSymbol, KNOWN_JSQR_BROKEN_VERSIONS } from './qr/decode.js';
import { createPeerSymbol } from './qr/peer.js';
import { plannedPeerSegments } from './qr/plan.js';

const LEVELS: readonly QrErrorCorrection[] = ['L', 'M', 'Q', 'H'];
let decoded = 0;
afterAll(() => console.info(`qr.slow: ${decoded} symbols decoded by jsQR with the exact input bytes`));

/** Deterministic pseudo-random text (xorshift), so a failure names a reproducible input. */
function pseudoRandomText(seed: number, maxBytes: number, unicode: boolean): string {
  let state = seed * 2654435761 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const points: number[] = [];
  for (let bytes = 0; bytes < maxBytes + 4; ) {
    let point = unicode ? next() % 0x110000 : next() % 0x80;
    if (point >= 0xd800 && point <= 0xdfff) point = 0xfffd;
    points.push(point);
    bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
  }
  return truncateUtf8(String.fromCodePoint(...points), maxBytes);
}

describe('every version × every level', () => {
  for (let version = 1; version <= 40; version++) {
    it(`version ${version}`, () => {
      for (const ecc of LEVELS) {
        for (const unicode of [false, true]) {
          const text = pseudoRandomText(
            version * 8 + LEVELS.indexOf(ecc) * 2 + Number(unicode),
            byteCapacity(version, ecc),
            unicode,
          );
          const mask = (version + LEVELS.indexOf(ecc) * 2 + Number(unicode)) % 8;
          const qr = createQrCode(text, { ecc, minVersion: version, maxVersion: version, mask });
          if (KNOWN_JSQR_BROKEN_VERSIONS.includes(version)) {
            const segments = plannedPeerSegments(text, version);
            expect(createPeerSymbol(segments, { ecc, version, mask }).modules).toEqual(qr.modules);
            continue;
          }
          const result = decodeSymbol(qr);
          expect(result, `version ${version} ${ecc} ${unicode ? 'unicode' : 'ascii'}`).not.toBeNull();
          expect(result!.bytes).toEqual(encodeUtf8(text));
          decoded++;
        }
      }
    });
  }
});
