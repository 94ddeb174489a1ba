/**
 * The data bit stream (ISO/IEC 18004:2015 §7.4): for each segment its mode indicator, character count and data,
 * then the terminator, zero bits to the byte boundary, and the pad codewords 0xEC 0x11 alternating. Segments
 * index into the UTF-8 bytes of the text; which modes to use is decided in segmentation.ts.
 */

/** One encoding mode: its 4-bit indicator and character count field widths for versions 1–9, 10–26, 27–40. */
export interface QrMode {
  name: 'numeric' | 'alphanumeric' | 'byte';
  indicator: number;
  countBits: readonly [number, number, number];
}

/** Table 2 (mode indicators) and Table 3 (character count indicator widths). */
export const QR_MODES: Readonly<Record<QrMode['name'], QrMode>> = Object.freeze({
  numeric: { name: 'numeric', indicator: 0b0001, countBits: [10, 12, 14] },
  alphanumeric: { name: 'alphanumeric', indicator: 0b0010, countBits: [9, 11, 13] },
  byte: { name: 'byte', indicator: 0b0100, countBits: [8, 16, 16] },
});

/** A run of the text's UTF-8 bytes `[start, end)` in one mode. */
export interface QrSegment {
  mode: QrMode;
  start: number;
  end: number;
}

/** Table 5: the alphanumeric character set, in code order. */
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
/** Byte → alphanumeric value, or 255 for bytes outside the set (every byte from 0x80 up). */
export const ALPHANUMERIC_VALUE = new Uint8Array(256).fill(255);
for (let i = 0; i < ALPHANUMERIC.length; i++) ALPHANUMERIC_VALUE[ALPHANUMERIC.charCodeAt(i)] = i;

/** Width of the character count field for `mode` in `version`. */
export function countBitsFor(mode: QrMode, version: number): number {
  return mode.countBits[version <= 9 ? 0 : version <= 26 ? 1 : 2];
}

/** Bits the data of `length` characters takes in `mode`, header excluded (§7.4.3–7.4.5). */
function dataBitLength(mode: QrMode, length: number): number {
  if (mode === QR_MODES.byte) return length * 8;
  if (mode === QR_MODES.alphanumeric) return 11 * (length >>> 1) + 6 * (length & 1);
  const rest = length % 3;
  return 10 * Math.floor(length / 3) + (rest === 0 ? 0 : rest === 1 ? 4 : 7);
}

/** Total bits of `segments` in `version`: per segment the mode indicator, character count and data. */
export function segmentsBitLength(segments: readonly QrSegment[], version: number): number {
  let bits = 0;
  for (const { mode, start, end } of segments)
    bits += 4 + countBitsFor(mode, version) + dataBitLength(mode, end - start);
  return bits;
}

/** Writes bits most significant first into a zero-filled byte array. */
class BitWriter {
  bitLength = 0;
  constructor(readonly bytes: Uint8Array) {}

  write(value: number, bitCount: number): void {
    for (let i = bitCount - 1; i >= 0; i--) {
      if ((value >>> i) & 1) this.bytes[this.bitLength >>> 3]! |= 0x80 >>> (this.bitLength & 7);
      this.bitLength++;
    }
  }
}

/**
 * The `dataCodewords` data codewords carrying `segments` of `bytes`. The caller has checked that they fit. Empty
 * text has no segment at all (only terminator and padding), as in the qrcode package and Nayuki's encoder.
 */
export function encodeDataCodewords(
  bytes: Uint8Array,
  segments: readonly QrSegment[],
  version: number,
  dataCodewords: number,
): Uint8Array {
  const out = new Uint8Array(dataCodewords);
  const writer = new BitWriter(out);
  for (const { mode, start, end } of segments) {
    writer.write(mode.indicator, 4);
    writer.write(end - start, countBitsFor(mode, version));
    if (mode === QR_MODES.byte) {
      for (let i = start; i < end; i++) writer.write(bytes[i]!, 8);
    } else if (mode === QR_MODES.alphanumeric) {
      for (let i = start; i + 1 < end; i += 2) {
        writer.write(ALPHANUMERIC_VALUE[bytes[i]!]! * 45 + ALPHANUMERIC_VALUE[bytes[i + 1]!]!, 11);
      }
      if ((end - start) & 1) writer.write(ALPHANUMERIC_VALUE[bytes[end - 1]!]!, 6);
    } else {
      for (let i = start; i < end; i += 3) {
        const digits = Math.min(3, end - i);
        let value = 0;
        for (let j = 0; j < digits; j++) value = value * 10 + (bytes[i + j]! - 0x30);
        writer.write(value, digits * 3 + 1);
      }
    }
  }
  // Terminator of up to four zero bits and zero padding to the byte boundary: the array is already zero.
  let offset = Math.min(dataCodewords, (writer.bitLength + 4 + 7) >>> 3);
  for (let pad = 0xec; offset < dataCodewords; pad ^= 0xec ^ 0x11) out[offset++] = pad;
  return out;
}
