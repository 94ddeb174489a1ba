import { assertIntegerInRange, assertString, readOptions } from '../../internal/assert.js';
import { DEFAULT_QR_QUIET_ZONE_MODULES, MAX_QUIET_ZONE_MODULES, readQrCode, readQuietZone } from './render-input.js';
import { QR_MAX_VERSION, qrSize } from './tables.js';
import type { QrCode } from './types.js';

/** Tunables for {@link renderQrCodeSvg}. */
export interface RenderQrCodeSvgOptions {
  /** Light border on every side, in modules. Default 4, the minimum ISO/IEC 18004 asks for. */
  quietZoneModules?: number;
  /** Pixels per module for the `width` and `height` attributes (1–100). Default 4. */
  moduleSizePx?: number;
  /** Colour of the dark modules, any SVG paint. Default `'#000'`. */
  darkColor?: string;
  /** Colour of the background and quiet zone. Default `'#fff'`; `'transparent'` lets the page show through. */
  lightColor?: string;
  /** Accessible name, emitted as the SVG `<title>` (for example "Scan to set up two-factor authentication"). */
  title?: string;
}

/**
 * Defaults of {@link renderQrCodeSvg}: a 4-module quiet zone, 4 px per module, black on white.
 * @example
 * renderQrCodeSvg(qr, { ...DEFAULT_QR_SVG_OPTIONS, moduleSizePx: 8 });
 */
export const DEFAULT_QR_SVG_OPTIONS: Readonly<Required<Omit<RenderQrCodeSvgOptions, 'title'>>> = Object.freeze({
  quietZoneModules: DEFAULT_QR_QUIET_ZONE_MODULES,
  moduleSizePx: 4,
  darkColor: '#000',
  lightColor: '#fff',
});

const MARKUP_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Decimal strings of every coordinate and run width, so the path needs no number-to-string conversion per run. */
const DECIMAL: readonly string[] = Array.from(
  { length: qrSize(QR_MAX_VERSION) + 2 * MAX_QUIET_ZONE_MODULES + 1 },
  (_, i) => String(i),
);

function escapeMarkup(value: string): string {
  return value.replace(/[&<>"']/g, (c) => MARKUP_ESCAPES[c]!);
}

/**
 * Renders a symbol as a compact SVG string: one background rectangle and one `<path>` stroking each horizontal run
 * of dark modules as a line one module thick, in module units (`viewBox`), with crisp edges so that adjacent
 * runs meet without seams. Attribute values and the title are escaped, so colours and titles from configuration
 * cannot inject markup.
 *
 * @throws BulwarkError INPUT_INVALID when `qr` is not a symbol or a colour/title is not a string; CONFIG_INVALID
 * for a bad size or quiet zone.
 * @example
 * const svg = renderQrCodeSvg(createQrCode(uri), { moduleSizePx: 6, title: 'Scan with your authenticator app' });
 */
export function renderQrCodeSvg(qr: QrCode, options?: RenderQrCodeSvgOptions): string {
  const { size, modules } = readQrCode(qr);
  const o = readOptions<RenderQrCodeSvgOptions>(options);
  const quiet = readQuietZone(o.quietZoneModules);
  const modulePx =
    o.moduleSizePx === undefined
      ? DEFAULT_QR_SVG_OPTIONS.moduleSizePx
      : assertIntegerInRange(o.moduleSizePx, 'moduleSizePx', 1, 100);
  const dark = escapeMarkup(
    o.darkColor === undefined ? DEFAULT_QR_SVG_OPTIONS.darkColor : assertString(o.darkColor, 'darkColor'),
  );
  const light = escapeMarkup(
    o.lightColor === undefined ? DEFAULT_QR_SVG_OPTIONS.lightColor : assertString(o.lightColor, 'lightColor'),
  );
  const title = o.title === undefined ? '' : `<title>${escapeMarkup(assertString(o.title, 'title'))}</title>`;

  const extent = size + 2 * quiet;
  const px = extent * modulePx;
  // Each run of dark modules is a horizontal line one module thick, stroked through the middle of its row:
  // `M x y.5 h width` for the first run of a row, then `m gap 0 h width` relative to the end of the previous one.
  let path = '';
  for (let row = 0; row < size; row++) {
    const offset = row * size;
    let end = -1;
    for (let column = 0; column < size; ) {
      if (modules[offset + column] === 0) {
        column++;
        continue;
      }
      const start = column;
      while (column < size && modules[offset + column] !== 0) column++;
      path += end < 0 ? `M${DECIMAL[start + quiet]} ${DECIMAL[row + quiet]}.5h` : `m${DECIMAL[start - end]} 0h`;
      path += DECIMAL[column - start];
      end = column;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${extent} ${extent}" ` +
    `shape-rendering="crispEdges">${title}<rect width="${extent}" height="${extent}" fill="${light}"/>` +
    `<path stroke="${dark}" d="${path}"/></svg>`
  );
}
