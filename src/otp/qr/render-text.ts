import { BulwarkError } from '../../errors.js';
import { readOptions } from '../../internal/assert.js';
import { readQrCode, readQuietZone } from './render-input.js';
import type { QrCode } from './types.js';

/** Tunables for {@link renderQrCodeText}. */
export interface RenderQrCodeTextOptions {
  /** Light border on every side, in modules. Default 4. */
  quietZoneModules?: number;
  /**
   * Paint the light modules and the quiet zone instead of the dark modules. The default paints dark modules,
   * which reads right on a light terminal background; set `invert: true` on a dark background (most terminal
   * themes), where the painted glyphs are the light colour.
   */
  invert?: boolean;
}

/** Character codes of the half-block glyphs, indexed by (upper painted) · 2 + (lower painted). */
const HALF_BLOCKS = [' ', '▄', '▀', '█'].map((c) => c.charCodeAt(0));

/**
 * Renders a symbol for a terminal with Unicode half blocks: each text line carries two module rows, so the code
 * keeps its square shape in a monospace font. Lines are joined with `\n`, without a trailing newline.
 *
 * @throws BulwarkError INPUT_INVALID when `qr` is not a symbol; CONFIG_INVALID for a bad quiet zone or `invert`.
 * @example
 * console.log(renderQrCodeText(createQrCode(uri), { invert: true }));
 */
export function renderQrCodeText(qr: QrCode, options?: RenderQrCodeTextOptions): string {
  const { size, modules } = readQrCode(qr);
  const o = readOptions<RenderQrCodeTextOptions>(options);
  const quiet = readQuietZone(o.quietZoneModules);
  if (o.invert !== undefined && typeof o.invert !== 'boolean') {
    throw new BulwarkError('CONFIG_INVALID', 'invert must be a boolean', { details: { parameter: 'invert' } });
  }
  const paint = o.invert === true ? 0 : 1;
  const extent = size + 2 * quiet;
  // The bordered image as painted (1) or not, plus one unpainted row below for the odd last text line.
  const image = new Uint8Array((extent + 1) * extent).fill(paint ^ 1, 0, extent * extent);
  for (let r = 0; r < size; r++) {
    const source = r * size;
    const target = (r + quiet) * extent + quiet;
    for (let c = 0; c < size; c++) image[target + c] = modules[source + c]! ^ paint ^ 1;
  }
  const codes = new Uint16Array(extent);
  const lines: string[] = [];
  for (let top = 0; top < extent * extent; top += 2 * extent) {
    const bottom = top + extent;
    for (let c = 0; c < extent; c++) codes[c] = HALF_BLOCKS[image[top + c]! * 2 + image[bottom + c]!]!;
    lines.push(String.fromCharCode.apply(null, codes as unknown as number[]));
  }
  return lines.join('\n');
}
