/**
 * Test support: renders a module matrix to an RGBA image and reads it back with jsQR, a real decoder that
 * shares no code with ours (https://github.com/cozmo/jsQR).
 *
 * jsQR 1.4.0 has a wrong alignment pattern coordinate for version 23 (74 instead of 78, cozmo/jsQR#251), so it
 * cannot read correct version-23 symbols reliably; tests cover version 23 by bit-for-bit comparison with the
 * `qrcode` package instead (see KNOWN_JSQR_BROKEN_VERSIONS).
 */
import { createRequire } from 'node:module';
import type { Options as JsQrOptions, QRCode as JsQrResult } from 'jsqr';

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: JsQrOptions) => JsQrResult | null;

const require = createRequire(import.meta.url);
const jsqrModule = require('jsqr') as JsQr | { default: JsQr };
const jsQR: JsQr = typeof jsqrModule === 'function' ? jsqrModule : jsqrModule.default;

/** Versions jsQR 1.4.0 misreads because of its own table error (cozmo/jsQR#251). */
export const KNOWN_JSQR_BROKEN_VERSIONS: readonly number[] = [23];

export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
}

/** Paints `isDark(row, column)` for an `extent × extent` grid at `pixelsPerModule`, white elsewhere. */
export function paintGrid(
  extent: number,
  pixelsPerModule: number,
  isDark: (row: number, column: number) => boolean,
): Pixels {
  const width = extent * pixelsPerModule;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let row = 0; row < extent; row++) {
    for (let column = 0; column < extent; column++) {
      if (!isDark(row, column)) continue;
      for (let y = 0; y < pixelsPerModule; y++) {
        let offset = ((row * pixelsPerModule + y) * width + column * pixelsPerModule) * 4;
        for (let x = 0; x < pixelsPerModule; x++, offset += 4) {
          data[offset] = 0;
          data[offset + 1] = 0;
          data[offset + 2] = 0;
        }
      }
    }
  }
  return { data, width };
}

/** Paints a symbol with a 4-module quiet zone. */
export function symbolToPixels(size: number, modules: Uint8Array, pixelsPerModule = 3, quiet = 4): Pixels {
  return paintGrid(size + 2 * quiet, pixelsPerModule, (row, column) => {
    const r = row - quiet;
    const c = column - quiet;
    return r >= 0 && r < size && c >= 0 && c < size && modules[r * size + c] === 1;
  });
}

/** The decoded payload bytes and the version jsQR saw, or null when jsQR finds no code. */
export function decodePixels(pixels: Pixels): { bytes: Uint8Array; text: string; version: number } | null {
  const result = jsQR(pixels.data, pixels.width, pixels.width, { inversionAttempts: 'dontInvert' });
  if (result === null) return null;
  return { bytes: Uint8Array.from(result.binaryData), text: result.data, version: result.version };
}

/** Renders and decodes a symbol in one step. */
export function decodeSymbol(qr: { size: number; modules: Uint8Array }): ReturnType<typeof decodePixels> {
  return decodePixels(symbolToPixels(qr.size, qr.modules));
}
