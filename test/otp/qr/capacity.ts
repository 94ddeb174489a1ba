/** Test support: byte-mode capacity of a version, and text of a given UTF-8 length. */

import type { QrErrorCorrection } from 'bulwark/otp';
import { encodeUtf8 } from '../../../src/encoding/index.js';
import { blockLayout } from '../../../src/otp/qr/tables.js';

/** Bytes a single byte-mode segment holds in `version` at `ecc` (Table 7). */
export function byteCapacity(version: number, ecc: QrErrorCorrection): number {
  const countBits = version <= 9 ? 8 : 16;
  return Math.floor((blockLayout(version, ecc).dataCodewords * 8 - 4 - countBits) / 8);
}

/** Drops whole code points from the end until the UTF-8 form is at most `maxBytes`. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const points = Array.from(text);
  let length = encodeUtf8(text).length;
  while (length > maxBytes) length -= encodeUtf8(points.pop()!).length;
  return points.join('');
}
