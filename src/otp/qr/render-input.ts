/** Input checks shared by the renderers: a well-formed symbol and a quiet zone width. */
import { BulwarkError } from '../../errors.js';
import { assertIntegerInRange } from '../../internal/assert.js';
import { isBytes } from '../../internal/bytes.js';
import { QR_MAX_VERSION, QR_MIN_VERSION, qrSize } from './tables.js';
import type { QrCode } from './types.js';

/** The quiet zone ISO/IEC 18004 asks for: four light modules on every side. */
export const DEFAULT_QR_QUIET_ZONE_MODULES = 4;
/** The widest quiet zone the renderers accept. */
export const MAX_QUIET_ZONE_MODULES = 64;

/** Throws INPUT_INVALID unless `qr` looks like a symbol from {@link createQrCode}; returns its size and modules. */
export function readQrCode(qr: unknown): { size: number; modules: Uint8Array } {
  const candidate = (typeof qr === 'object' && qr !== null ? qr : {}) as Partial<QrCode>;
  const { size, modules } = candidate;
  const valid =
    typeof size === 'number' &&
    size >= qrSize(QR_MIN_VERSION) &&
    size <= qrSize(QR_MAX_VERSION) &&
    (size - qrSize(QR_MIN_VERSION)) % 4 === 0 &&
    isBytes(modules) &&
    modules.length === size * size;
  if (!valid) {
    throw new BulwarkError('INPUT_INVALID', 'qr must be a QR code from createQrCode (size 21–177, size² modules)', {
      details: { parameter: 'qr' },
    });
  }
  return { size, modules };
}

/** The quiet zone option: an integer from 0 to 64, default 4. */
export function readQuietZone(value: unknown): number {
  return value === undefined
    ? DEFAULT_QR_QUIET_ZONE_MODULES
    : assertIntegerInRange(value, 'quietZoneModules', 0, MAX_QUIET_ZONE_MODULES);
}
