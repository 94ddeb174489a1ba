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

/** Half-block glyphs indexed by (upper painted) · 2 + (lower painted). */
const HALF_BLOCKS = [' ', '▄', '▀', '█'] as const;

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
  // Painted or not, for a row/column of the bordered image; rows past the border (odd height) stay unpainted.
  const painted = (row: number, column: number): number => {
    if (row >= extent) return 0;
    const r = row - quiet;
    const c = column - quiet;
    const dark = r >= 0 && r < size && c >= 0 && c < size ? modules[r * size + c]! : 0;
    return dark === paint ? 1 : 0;
  };
  const lines: string[] = [];
  for (let row = 0; row < extent; row += 2) {
    let line = '';
    for (let column = 0; column < extent; column++) {
      line += HALF_BLOCKS[painted(row, column) * 2 + painted(row + 1, column)];
    }
    lines.push(line);
  }
  return lines.join('\n');
}
