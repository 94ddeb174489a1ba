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
  // Painted is 1 where a glyph half is drawn: `module ^ flip` inside the symbol, `flip` in the quiet zone, and 0
  // for the half row past the image when its height is odd.
  const flip = paint ^ 1;
  const codes = new Uint16Array(extent);
  const lines: string[] = [];
  for (let row = 0; row < extent; row += 2) {
    const top = row - quiet;
    const bottom = top + 1;
    const topInside = top >= 0 && top < size;
    const bottomInside = bottom >= 0 && bottom < size;
    const bottomOutside = row + 1 < extent ? flip : 0;
    const edge = HALF_BLOCKS[flip * 2 + bottomOutside]!;
    codes.fill(edge, 0, quiet);
    codes.fill(edge, quiet + size);
    for (let c = 0; c < size; c++) {
      const upper = topInside ? modules[top * size + c]! ^ flip : flip;
      const lower = bottomInside ? modules[bottom * size + c]! ^ flip : bottomOutside;
      codes[quiet + c] = HALF_BLOCKS[upper * 2 + lower]!;
    }
    lines.push(String.fromCharCode.apply(null, codes as unknown as number[]));
  }
  return lines.join('\n');
}
