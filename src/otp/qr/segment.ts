/**
 * The data bit stream of a single-segment symbol (ISO/IEC 18004:2015 §7.4): mode indicator, character count,
 * the data, terminator, zero bits to the byte boundary, then the pad codewords 0xEC 0x11 alternating.
 *
 * Text made only of digits goes in numeric mode and text made only of the 45 alphanumeric characters in
 * alphanumeric mode, because both need fewer bits; anything else is UTF-8 in byte mode, without an ECI header,
 * which is what authenticator apps and phone cameras expect.
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

/** Table 5: the alphanumeric character set, in code order. */
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
/** Character code → alphanumeric value, or 255 for characters outside the set. */
const ALPHANUMERIC_VALUE = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHANUMERIC.length; i++) ALPHANUMERIC_VALUE[ALPHANUMERIC.charCodeAt(i)] = i;

/** The most compact single mode able to carry `text`, whose UTF-8 form is `bytes`. */
export function chooseMode(bytes: Uint8Array): QrMode {
  let numeric = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 128 || ALPHANUMERIC_VALUE[b] === 255) return QR_MODES.byte;
    if (b < 0x30 || b > 0x39) numeric = false;
  }
  return numeric ? QR_MODES.numeric : QR_MODES.alphanumeric;
}

/** Width of the character count field for `mode` in `version`. */
export function countBitsFor(mode: QrMode, version: number): number {
  return mode.countBits[version <= 9 ? 0 : version <= 26 ? 1 : 2];
}

/** Bits the data takes in `mode`, header excluded (§7.4.3–7.4.5). */
export function dataBitLength(mode: QrMode, length: number): number {
  if (mode === QR_MODES.byte) return length * 8;
  if (mode === QR_MODES.alphanumeric) return 11 * (length >>> 1) + 6 * (length & 1);
  const rest = length % 3;
  return 10 * Math.floor(length / 3) + (rest === 0 ? 0 : rest === 1 ? 4 : 7);
}

/**
 * Total bits of the segment in `version`: mode indicator, character count and data. Empty text needs no segment
 * at all (the symbol holds only terminator and padding), as in the qrcode package and Nayuki's reference encoder.
 */
export function segmentBitLength(mode: QrMode, length: number, version: number): number {
  if (length === 0) return 0;
  return 4 + countBitsFor(mode, version) + dataBitLength(mode, length);
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
 * The `dataCodewords` data codewords of a single segment carrying `bytes` in `mode`. The caller has checked that
 * the segment fits.
 */
export function encodeDataCodewords(
  bytes: Uint8Array,
  mode: QrMode,
  version: number,
  dataCodewords: number,
): Uint8Array {
  const out = new Uint8Array(dataCodewords);
  const writer = new BitWriter(out);
  if (bytes.length > 0) {
    writer.write(mode.indicator, 4);
    writer.write(bytes.length, countBitsFor(mode, version));
  }
  if (mode === QR_MODES.byte) {
    for (let i = 0; i < bytes.length; i++) writer.write(bytes[i]!, 8);
  } else if (mode === QR_MODES.alphanumeric) {
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      writer.write(ALPHANUMERIC_VALUE[bytes[i]!]! * 45 + ALPHANUMERIC_VALUE[bytes[i + 1]!]!, 11);
    }
    if (bytes.length & 1) writer.write(ALPHANUMERIC_VALUE[bytes[bytes.length - 1]!]!, 6);
  } else {
    for (let i = 0; i < bytes.length; i += 3) {
      const digits = Math.min(3, bytes.length - i);
      let value = 0;
      for (let j = 0; j < digits; j++) value = value * 10 + (bytes[i + j]! - 0x30);
      writer.write(value, digits * 3 + 1);
    }
  }
  // Terminator of up to four zero bits and zero padding to the byte boundary: the array is already zero.
  let offset = Math.min(dataCodewords, (writer.bitLength + 4 + 7) >>> 3);
  for (let pad = 0xec; offset < dataCodewords; pad ^= 0xec ^ 0x11) out[offset++] = pad;
  return out;
}
