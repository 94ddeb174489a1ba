/** Test support: our segment plan in the shape qrcode takes, and encoding with one forced mode. */
import type { QrCode, QrErrorCorrection } from 'bulwark/otp';
import { decodeUtf8, encodeUtf8 } from '../../../src/encoding/index.js';
import { encodeQrSymbol } from '../../../src/otp/qr/encode.js';
import { QR_MODES } from '../../../src/otp/qr/segment.js';
import { planSegments } from '../../../src/otp/qr/segmentation.js';
import type { PeerMode, PeerSegment } from './peer.js';

/** The segments we plan for `text` at `version`, as strings with qrcode's mode names. */
export function plannedPeerSegments(text: string, version: number): PeerSegment[] {
  const bytes = encodeUtf8(text);
  return planSegments(bytes, version).map(({ mode, start, end }) => ({
    data: decodeUtf8(bytes.subarray(start, end)),
    mode: mode.name,
  }));
}

/** Our symbol for `text` as one segment in `mode` (no segmentation), at a forced version and mask. */
export function encodeSingleMode(
  text: string,
  mode: PeerMode,
  options: { ecc: QrErrorCorrection; version: number; mask: number },
): QrCode {
  const bytes = encodeUtf8(text);
  const segments = bytes.length === 0 ? [] : [{ mode: QR_MODES[mode], start: 0, end: bytes.length }];
  return encodeQrSymbol(bytes, segments, options.version, options.ecc, options.mask);
}
