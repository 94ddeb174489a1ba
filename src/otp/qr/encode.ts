import { encodeUtf8 } from '../../encoding/index.js';
import { BulwarkError } from '../../errors.js';
import { assertIntegerInRange, assertOneOf, assertString, readOptions } from '../../internal/assert.js';
import { interleaveCodewords } from './codewords.js';
import { applyMask, drawFormatInformation, formatInformationBits } from './mask.js';
import { selectMask } from './mask-selection.js';
import { encodeDataCodewords, type QrSegment, segmentsBitLength } from './segment.js';
import { planSegments } from './segmentation.js';
import { blockLayout, formatIndicator, QR_ERROR_CORRECTION_LEVELS, QR_MAX_VERSION, QR_MIN_VERSION } from './tables.js';
import { qrTemplate } from './template.js';
import type { QrCode, QrCodeOptions, QrErrorCorrection } from './types.js';

/**
 * The most characters any symbol holds (7089 digits, version 40-L). Longer text is refused before it is
 * encoded; a UTF-16 code unit never becomes fewer than one byte or digit.
 */
const MAX_TEXT_LENGTH = 7089;

/**
 * Encodes `text` as a QR Code symbol (ISO/IEC 18004): the smallest version that fits at the requested error
 * correction level, the text split into the numeric, alphanumeric and UTF-8 byte segments that take the fewest
 * bits, with the mask of lowest penalty.
 *
 * @throws BulwarkError QR_DATA_TOO_LONG when the text does not fit `maxVersion` (at most version 40) at that
 * level; CONFIG_INVALID for a bad option; INPUT_INVALID when `text` is not a string; ENCODING_INVALID when it
 * holds a lone surrogate.
 * @example
 * const qr = createQrCode('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example');
 * const svg = renderQrCodeSvg(qr);
 */
export function createQrCode(text: string, options?: QrCodeOptions): QrCode {
  const { ecc, minVersion, maxVersion, mask } = readQrCodeOptions(options);
  assertString(text, 'text');
  if (text.length > MAX_TEXT_LENGTH) throw dataTooLong(ecc, maxVersion);
  const bytes = encodeUtf8(text);
  const { version, segments } = smallestVersion(bytes, ecc, minVersion, maxVersion);
  return encodeQrSymbol(bytes, segments, version, ecc, mask);
}

interface ResolvedQrCodeOptions {
  ecc: QrErrorCorrection;
  minVersion: number;
  maxVersion: number;
  mask: number | undefined;
}

function readQrCodeOptions(options: unknown): ResolvedQrCodeOptions {
  const o = readOptions<QrCodeOptions>(options);
  const ecc = o.ecc === undefined ? 'M' : assertOneOf(o.ecc, 'ecc', QR_ERROR_CORRECTION_LEVELS);
  const minVersion =
    o.minVersion === undefined
      ? QR_MIN_VERSION
      : assertIntegerInRange(o.minVersion, 'minVersion', QR_MIN_VERSION, QR_MAX_VERSION);
  const maxVersion =
    o.maxVersion === undefined
      ? QR_MAX_VERSION
      : assertIntegerInRange(o.maxVersion, 'maxVersion', minVersion, QR_MAX_VERSION);
  const mask = o.mask === undefined ? undefined : assertIntegerInRange(o.mask, 'mask', 0, 7);
  return { ecc, minVersion, maxVersion, mask };
}

/**
 * The smallest version in range whose capacity holds the text, with the segments planned for it. The plan only
 * changes where the character count widths do (versions 10 and 27), so it is made at most three times.
 */
function smallestVersion(
  bytes: Uint8Array,
  ecc: QrErrorCorrection,
  minVersion: number,
  maxVersion: number,
): { version: number; segments: QrSegment[] } {
  let segments: QrSegment[] = [];
  for (let version = minVersion; version <= maxVersion; version++) {
    if (version === minVersion || version === 10 || version === 27) segments = planSegments(bytes, version);
    if (segmentsBitLength(segments, version) <= blockLayout(version, ecc).dataCodewords * 8) {
      return { version, segments };
    }
  }
  throw dataTooLong(ecc, maxVersion);
}

function dataTooLong(ecc: QrErrorCorrection, maxVersion: number): BulwarkError {
  return new BulwarkError('QR_DATA_TOO_LONG', `text does not fit a QR code of version ${maxVersion} at level ${ecc}`, {
    details: { ecc, maxVersion },
  });
}

/**
 * Builds the symbol for segments that fit `version`: codewords with error correction, placed into the template, then
 * masked with `forcedMask` or with the mask of lowest penalty.
 */
export function encodeQrSymbol(
  bytes: Uint8Array,
  segments: readonly QrSegment[],
  version: number,
  ecc: QrErrorCorrection,
  forcedMask: number | undefined,
): QrCode {
  const layout = blockLayout(version, ecc);
  const codewords = interleaveCodewords(encodeDataCodewords(bytes, segments, version, layout.dataCodewords), layout);
  const template = qrTemplate(version);
  const { size, dataOrder } = template;
  const unmasked = template.modules.slice();
  const bitCount = codewords.length * 8;
  // Remainder bits after the last codeword stay light before masking (§7.7.3).
  for (let k = 0; k < bitCount; k++) unmasked[dataOrder[k]!] = (codewords[k >>> 3]! >>> (7 - (k & 7))) & 1;

  const level = formatIndicator(ecc);
  const mask = forcedMask ?? selectMask(template, unmasked, level);
  const modules = new Uint8Array(size * size);
  applyMask(template, unmasked, mask, modules);
  drawFormatInformation(modules, size, formatInformationBits(level, mask));
  return { version, size, ecc, mask, modules };
}
