/**
 * Test support: the `qrcode` npm package (1.5.4) as a known-good second encoder. It ships no types, so the few
 * functions we call are typed here.
 */
import { createRequire } from 'node:module';
import type { QrErrorCorrection } from 'bulwark/otp';

const require = createRequire(import.meta.url);

interface PeerBitMatrix {
  size: number;
  data: Uint8Array;
  get(row: number, column: number): number;
}
interface PeerQrCode {
  modules: PeerBitMatrix;
  version: number;
  maskPattern: number;
}
interface PeerQrCodeModule {
  create(
    data: string | PeerSegment[],
    options: { errorCorrectionLevel: QrErrorCorrection; version?: number; maskPattern?: number },
  ): PeerQrCode;
}
interface PeerMaskModule {
  getPenaltyN1(data: PeerBitMatrix): number;
  getPenaltyN2(data: PeerBitMatrix): number;
  getPenaltyN3(data: PeerBitMatrix): number;
  getPenaltyN4(data: PeerBitMatrix): number;
}

export type PeerMode = 'numeric' | 'alphanumeric' | 'byte';

const peer = require('qrcode') as PeerQrCodeModule;
const peerMask = require('qrcode/lib/core/mask-pattern') as PeerMaskModule;
export const peerAlignment = require('qrcode/lib/core/alignment-pattern') as {
  getRowColCoords(version: number): number[];
};
export const peerEcc = require('qrcode/lib/core/error-correction-code') as {
  getBlocksCount(version: number, level: { bit: number }): number;
  getTotalCodewordsCount(version: number, level: { bit: number }): number;
};
export const peerLevels = require('qrcode/lib/core/error-correction-level') as Record<
  QrErrorCorrection,
  { bit: number }
>;

export interface PeerSymbol {
  version: number;
  mask: number;
  modules: Uint8Array;
}

/** One segment as qrcode takes it. */
export interface PeerSegment {
  data: string;
  mode: PeerMode;
}

/** qrcode's symbol for explicit `segments`, optionally with forced version and mask. */
export function createPeerSymbol(
  segments: readonly PeerSegment[],
  options: { ecc: QrErrorCorrection; version?: number; mask?: number },
): PeerSymbol {
  const created = peer.create([...segments], {
    errorCorrectionLevel: options.ecc,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.mask === undefined ? {} : { maskPattern: options.mask }),
  });
  return {
    version: created.version,
    mask: created.maskPattern,
    modules: Uint8Array.from(created.modules.data, (v) => (v ? 1 : 0)),
  };
}

/** qrcode's symbol for `text` with its own segmentation (what `QRCode.create(text)` users get). */
export function createPeerSymbolAuto(text: string, ecc: QrErrorCorrection): PeerSymbol {
  const created = peer.create(text, { errorCorrectionLevel: ecc });
  return {
    version: created.version,
    mask: created.maskPattern,
    modules: Uint8Array.from(created.modules.data, (v) => (v ? 1 : 0)),
  };
}

/** qrcode's own penalty (its N1–N4) for a finished symbol, to explain where its mask choice differs from ours. */
export function peerPenalty(size: number, modules: Uint8Array): number {
  const matrix: PeerBitMatrix = { size, data: modules, get: (row, column) => modules[row * size + column]! };
  return (
    peerMask.getPenaltyN1(matrix) +
    peerMask.getPenaltyN2(matrix) +
    peerMask.getPenaltyN3(matrix) +
    peerMask.getPenaltyN4(matrix)
  );
}
