/**
 * Our symbols against the `qrcode` npm package (1.5.4), a widely used independent encoder: with the same
 * version, level, mode and forced mask the two matrices must agree module for module. Also the block tables
 * and alignment coordinates, and (documented below) where the two mask choices differ and why.
 */

import { createQrCode, type QrErrorCorrection } from 'bulwark/otp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../../src/encoding/index.js';
import { drawFormatInformation, formatInformationBits } from '../../src/otp/qr/mask.js';
import { penaltyScore } from '../../src/otp/qr/penalty.js';
import { alignmentPositions, blockLayout, formatIndicator } from '../../src/otp/qr/tables.js';
import { fnv1a, QR_CONFORMANCE_SYMBOLS } from '../runtimes/suite/qr.js';
import {
  createPeerSymbol,
  createPeerSymbolAuto,
  type PeerMode,
  peerAlignment,
  peerEcc,
  peerLevels,
  peerPenalty,
} from './qr/peer.js';
import { encodeSingleMode, plannedPeerSegments } from './qr/plan.js';

const LEVELS: readonly QrErrorCorrection[] = ['L', 'M', 'Q', 'H'];
const VERSIONS = Array.from({ length: 40 }, (_, i) => i + 1);
const URI = 'otpauth://totp/Example%20Corp:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp&digits=6';

function diffCount(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff;
}

/** A text for `version` that needs that version's capacity range: deterministic, mixed ASCII and UTF-8. */
function textFor(version: number, ecc: QrErrorCorrection, alphabet: string, stride = 7): string {
  const bytes = blockLayout(version, ecc).dataCodewords - (version <= 9 ? 2 : 3);
  const characters = Array.from(alphabet);
  const picked: string[] = [];
  for (let i = 0, length = 0; length < bytes; i++) {
    const c = characters[(i * stride + version) % characters.length]!;
    picked.push(c);
    length += encodeUtf8(c).length;
  }
  while (encodeUtf8(picked.join('')).length > bytes) picked.pop();
  return picked.join('');
}

describe('tables agree with qrcode', () => {
  it('block counts and total error correction codewords, every version and level', () => {
    for (const version of VERSIONS) {
      for (const ecc of LEVELS) {
        const layout = blockLayout(version, ecc);
        expect(layout.blocks).toBe(peerEcc.getBlocksCount(version, peerLevels[ecc]));
        expect(layout.blocks * layout.eccPerBlock).toBe(peerEcc.getTotalCodewordsCount(version, peerLevels[ecc]));
      }
    }
  });

  it('alignment pattern coordinates, every version', () => {
    for (const version of VERSIONS) expect(alignmentPositions(version)).toEqual(peerAlignment.getRowColCoords(version));
  });
});

describe('bit-for-bit equal to qrcode with the same segments, version, level and mask', () => {
  const MIXED = 'otpauth://totp/Ünïcødé-✓-𝄞?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Ex&n=31415926535897932';

  it('one byte segment: every version 1–40 × every level, UTF-8 text filling the version, masks cycling', () => {
    let matched = 0;
    for (const version of VERSIONS) {
      for (const ecc of LEVELS) {
        const text = textFor(version, ecc, MIXED);
        const mask = (version + formatIndicator(ecc)) % 8;
        const ours = encodeSingleMode(text, 'byte', { ecc, version, mask });
        const theirs = createPeerSymbol([{ data: text, mode: 'byte' }], { ecc, version, mask });
        expect(diffCount(ours.modules, theirs.modules), `version ${version} ${ecc}`).toBe(0);
        matched++;
      }
    }
    expect(matched).toBe(160);
  });

  it('our segment plan (byte, alphanumeric and numeric runs): every version × every level', () => {
    let mixed = 0;
    for (const version of VERSIONS) {
      for (const ecc of LEVELS) {
        // Stride 1 keeps the alphabet's runs (a base32 secret, digits) together, so the plan mixes modes.
        const text = textFor(version, ecc, MIXED, 1);
        const mask = (version + formatIndicator(ecc) + 3) % 8;
        const segments = plannedPeerSegments(text, version);
        if (segments.length > 1) mixed++;
        const ours = createQrCode(text, { ecc, minVersion: version, maxVersion: version, mask });
        const theirs = createPeerSymbol(segments, { ecc, version, mask });
        expect(diffCount(ours.modules, theirs.modules), `version ${version} ${ecc}`).toBe(0);
      }
    }
    expect(mixed, 'symbols whose plan mixes modes').toBeGreaterThan(100);
  });

  const fixed: [string, PeerMode][] = [
    [URI, 'byte'],
    ['01234567890123456789', 'numeric'],
    ['8675309', 'numeric'],
    ['HTTPS://EXAMPLE.COM/ENROLL/ABC-123', 'alphanumeric'],
    ['HELLO WORLD', 'alphanumeric'],
    ['héllo wörld 👋', 'byte'],
    ['', 'byte'],
  ];
  for (const [text, mode] of fixed) {
    it(`"${text.slice(0, 24)}" at every level and every mask: one ${mode} segment, and our plan`, () => {
      for (const ecc of LEVELS) {
        for (let mask = 0; mask < 8; mask++) {
          const ours = createQrCode(text, { ecc, mask });
          const theirs = createPeerSymbol(plannedPeerSegments(text, ours.version), { ecc, mask });
          expect(ours.version, 'smallest version').toBe(theirs.version);
          expect(diffCount(ours.modules, theirs.modules), `${ecc} mask ${mask}`).toBe(0);
          const version = ours.version + 1;
          const single = encodeSingleMode(text, mode, { ecc, version, mask });
          const theirSingle = createPeerSymbol(text === '' ? [] : [{ data: text, mode }], { ecc, version, mask });
          expect(diffCount(single.modules, theirSingle.modules), `${ecc} mask ${mask}, one segment`).toBe(0);
        }
      }
    });
  }

  it('one numeric or alphanumeric segment fills every version at level M', () => {
    for (const version of VERSIONS) {
      for (const [alphabet, mode] of [
        ['0123456789', 'numeric'],
        ['0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:', 'alphanumeric'],
      ] as const) {
        const text = textFor(version, 'M', alphabet);
        const ours = encodeSingleMode(text, mode, { ecc: 'M', version, mask: version % 8 });
        const theirs = createPeerSymbol([{ data: text, mode }], { ecc: 'M', version, mask: version % 8 });
        expect(diffCount(ours.modules, theirs.modules), `${mode} version ${version}`).toBe(0);
      }
    }
  });
});

/**
 * Symbol size. qrcode also splits text into segments, by a shortest path over runs of each character class; our
 * plan is a per-byte dynamic program, so it is never larger, and for otpauth URIs (a base32 secret is
 * alphanumeric) both usually beat a single byte segment by a version.
 */
describe('the symbols pinned in the every-runtime conformance suite', () => {
  it('are what qrcode draws from the same segments and mask', () => {
    for (const pinned of QR_CONFORMANCE_SYMBOLS) {
      const theirs = createPeerSymbol(plannedPeerSegments(pinned.text, pinned.version), {
        ecc: pinned.ecc,
        version: pinned.version,
        mask: pinned.mask,
      });
      expect(fnv1a(theirs.modules), pinned.name).toBe(pinned.fnv1a);
    }
  });
});

describe('segmentation against qrcode', () => {
  it('our version is never larger than the one qrcode picks for the same text', () => {
    const piece = fc.constantFrom(
      'otpauth://totp/',
      'ACME%20Co',
      'jane%40example.com',
      '?secret=',
      'JBSWY3DPEHPK3PXP',
      '&issuer=',
      '123456',
      'é',
      '✓',
      ' ',
      '-',
      'abc',
      'XYZ',
      '0',
      '::',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 40 }), fc.constantFrom(...LEVELS), (pieces, ecc) => {
        const text = pieces.join('');
        expect(createQrCode(text, { ecc }).version).toBeLessThanOrEqual(createPeerSymbolAuto(text, ecc).version);
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * Mask choice. Both libraries score the symbol with its format information drawn and keep the first lowest score,
 * but qrcode's N3 and N4 differ from ISO/IEC 18004:2015 as we read it (and as Nayuki's reference library and
 * ZXing do): qrcode counts only 1:1:3:1:1 patterns of single modules lying wholly inside the symbol, where we
 * also count scaled patterns and treat the quiet zone beyond the edge as light; and qrcode's N4 rounds the dark
 * share asymmetrically (50.1 % dark already costs 10 points). So the choices may differ; when they do, each
 * library's choice must be the minimum of its own scoring over the very same eight candidate symbols.
 */
describe('mask selection by penalty', () => {
  const inputs = [
    URI,
    'otpauth://totp/ACME:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME&algorithm=SHA256&digits=8&period=60',
    'https://example.com/',
    'hello world',
    'The quick brown fox jumps over the lazy dog',
    'ünïcödé ✓ 𝄞',
    'x'.repeat(300),
    'a1'.repeat(500),
  ];

  it('our choice is the lowest of our scores; qrcode picks the lowest of its own over the same candidates', () => {
    let same = 0;
    const report: string[] = [];
    for (const text of inputs) {
      for (const ecc of LEVELS) {
        const ours = createQrCode(text, { ecc });
        const theirs = createPeerSymbol(plannedPeerSegments(text, ours.version), { ecc });
        expect(theirs.version).toBe(ours.version);
        const candidates = Array.from({ length: 8 }, (_, mask) => createQrCode(text, { ecc, mask }));
        const ourScores = candidates.map((c) => penaltyScore(c.modules, c.size));
        const peerScores = candidates.map((c) => peerPenalty(c.size, c.modules));
        expect(ours.mask).toBe(ourScores.indexOf(Math.min(...ourScores)));
        expect(theirs.mask).toBe(peerScores.indexOf(Math.min(...peerScores)));
        expect(diffCount(candidates[theirs.mask]!.modules, theirs.modules)).toBe(0);
        if (ours.mask === theirs.mask) same++;
        else report.push(`${ecc} v${ours.version} "${text.slice(0, 16)}": ours ${ours.mask}, qrcode ${theirs.mask}`);
      }
    }
    console.info(`mask choice equal to qrcode in ${same}/${inputs.length * 4} cases; differing: ${report.join('; ')}`);
    expect(same).toBeGreaterThan(0);
  });

  it('scores the symbol with its format information drawn, as both libraries do', () => {
    const qr = createQrCode(URI, { ecc: 'M', mask: 3 });
    const copy = qr.modules.slice();
    drawFormatInformation(copy, qr.size, formatInformationBits(formatIndicator('M'), 3));
    expect(diffCount(copy, qr.modules)).toBe(0);
  });
});
