/**
 * Error correction level: the share of codewords that can be restored, about 7 % (L), 15 % (M), 25 % (Q) and
 * 30 % (H). Higher levels survive more damage at the cost of a larger symbol.
 */
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/** Tunables for {@link createQrCode}. */
export interface QrCodeOptions {
  /** Error correction level. Default `'M'`. */
  ecc?: QrErrorCorrection;
  /** Smallest version (1–40) to consider. Default 1. */
  minVersion?: number;
  /** Largest version (1–40) to consider; text that does not fit throws `QR_DATA_TOO_LONG`. Default 40. */
  maxVersion?: number;
  /** Force data mask 0–7. By default the mask with the lowest ISO/IEC 18004 penalty score is chosen. */
  mask?: number;
}

/** An encoded QR Code symbol, without quiet zone. */
export interface QrCode {
  /** Symbol version, 1–40. */
  version: number;
  /** Side length in modules: `17 + 4 * version`. */
  size: number;
  /** Error correction level. */
  ecc: QrErrorCorrection;
  /** Data mask pattern applied, 0–7. */
  mask: number;
  /** Row-major `size × size` modules: 1 is dark, 0 is light. */
  modules: Uint8Array;
}
