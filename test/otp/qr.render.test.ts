/**
 * Renderers: the SVG path and the terminal text are parsed back into module grids, which must equal the symbol
 * with its quiet zone, and jsQR must read the parsed-back images. Plus escaping and option checks.
 */

import { createQrCode, renderQrCodeSvg, renderQrCodeText } from 'bulwark/otp';
import { describe, expect, it } from 'vitest';
import { expectBulwarkErrorSync } from '../support/errors.js';
import { decodePixels, paintGrid } from './qr/decode.js';

const URI = 'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co';

/** The dark modules an SVG from renderQrCodeSvg paints, as `extent × extent` (read from viewBox and path). */
function parseSvg(svg: string): { extent: number; dark: Uint8Array } {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  expect(viewBox).not.toBeNull();
  const extent = Number(viewBox![1]);
  expect(Number(viewBox![2])).toBe(extent);
  const paths = [...svg.matchAll(/<path [^>]*d="([^"]*)"/g)];
  expect(paths).toHaveLength(1);
  const dark = new Uint8Array(extent * extent);
  let x = 0;
  let y = 0;
  for (const [, command, a, b] of paths[0]![1]!.matchAll(/([MmhH])([\d.]+)(?: ([\d.]+))?/g)) {
    if (command === 'M') {
      x = Number(a);
      y = Number(b) - 0.5;
    } else if (command === 'm') {
      x += Number(a);
      expect(Number(b)).toBe(0);
    } else {
      const width = Number(a);
      for (let i = 0; i < width; i++) {
        expect(dark[y * extent + x + i], `overlapping runs at ${x + i},${y}`).toBe(0);
        dark[y * extent + x + i] = 1;
      }
      x += width;
    }
  }
  return { extent, dark };
}

/** The modules of a symbol inside a quiet zone of `quiet`, as `extent × extent`. */
function withQuietZone(qr: { size: number; modules: Uint8Array }, quiet: number): Uint8Array {
  const extent = qr.size + 2 * quiet;
  const out = new Uint8Array(extent * extent);
  for (let r = 0; r < qr.size; r++) {
    for (let c = 0; c < qr.size; c++) out[(r + quiet) * extent + c + quiet] = qr.modules[r * qr.size + c]!;
  }
  return out;
}

/** Reads terminal text back: each glyph is two vertically stacked modules, painted or not. */
function parseText(text: string, invert: boolean): { extent: number; dark: Uint8Array } {
  const lines = text.split('\n');
  const extent = [...lines[0]!].length;
  const dark = new Uint8Array(extent * extent);
  lines.forEach((line, i) => {
    const glyphs = [...line];
    expect(glyphs).toHaveLength(extent);
    glyphs.forEach((glyph, column) => {
      const index = ' ▄▀█'.indexOf(glyph);
      expect(index).toBeGreaterThanOrEqual(0);
      const upper = index >> 1;
      const lower = index & 1;
      dark[2 * i * extent + column] = invert ? upper ^ 1 : upper;
      if (2 * i + 1 < extent) dark[(2 * i + 1) * extent + column] = invert ? lower ^ 1 : lower;
      else expect(lower, 'the half row past the image is unpainted').toBe(0);
    });
  });
  expect(lines.length).toBe(Math.ceil(extent / 2));
  return { extent, dark };
}

/** Decodes a parsed-back grid with jsQR, topping its quiet zone up to 4 modules first. */
function decodeGrid(extent: number, dark: Uint8Array, quiet: number): string | undefined {
  const border = 4 - Math.min(quiet, 4);
  const pixels = paintGrid(extent + 2 * border, 3, (r, c) => {
    const row = r - border;
    const column = c - border;
    return row >= 0 && row < extent && column >= 0 && column < extent && dark[row * extent + column] === 1;
  });
  return decodePixels(pixels)?.text;
}

describe('renderQrCodeSvg', () => {
  it('draws exactly the dark modules, offset by the quiet zone, and jsQR reads it', () => {
    for (const [text, options] of [
      [URI, {}],
      ['x'.repeat(400), { quietZoneModules: 2 }],
      ['A', { quietZoneModules: 0 }],
    ] as const) {
      const qr = createQrCode(text, { ecc: 'Q' });
      const quiet = options.quietZoneModules ?? 4;
      const svg = renderQrCodeSvg(qr, options);
      const { extent, dark } = parseSvg(svg);
      expect(extent).toBe(qr.size + 2 * quiet);
      expect(dark).toEqual(withQuietZone(qr, quiet));
      expect(decodeGrid(extent, dark, quiet)).toBe(text);
    }
  });

  it('is a compact, self-describing SVG document', () => {
    const qr = createQrCode(URI);
    const svg = renderQrCodeSvg(qr);
    const extent = qr.size + 8;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain(`width="${extent * 4}" height="${extent * 4}" viewBox="0 0 ${extent} ${extent}"`);
    expect(svg).toContain('shape-rendering="crispEdges"');
    expect(svg).toContain(`<rect width="${extent}" height="${extent}" fill="#fff"/>`);
    expect(svg).toContain('<path stroke="#000" d="M');
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toContain('<title>');
    // Under 3 characters per module of the symbol.
    expect(svg.length).toBeLessThan(qr.size * qr.size * 3);
    expect(renderQrCodeSvg(qr, { moduleSizePx: 10 })).toContain(`width="${extent * 10}"`);
  });

  it('escapes colours and the title, so configuration cannot inject markup', () => {
    const qr = createQrCode('x');
    const svg = renderQrCodeSvg(qr, {
      darkColor: '"/><script>alert(1)</script><path d="',
      lightColor: "red' onload='x",
      title: 'Scan <me> & "enroll"',
    });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('stroke="&quot;/&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;path d=&quot;"');
    expect(svg).toContain('fill="red&#39; onload=&#39;x"');
    expect(svg).toContain('<title>Scan &lt;me&gt; &amp; &quot;enroll&quot;</title>');
    expect(renderQrCodeSvg(qr, { darkColor: 'rgb(0 0 0)', lightColor: 'transparent' })).toContain('fill="transparent"');
  });

  it('refuses a malformed symbol and bad options', () => {
    const qr = createQrCode('x');
    for (const bad of [
      null,
      {},
      { size: 21, modules: new Uint8Array(440) },
      { size: 22, modules: new Uint8Array(484) },
      { size: 181, modules: new Uint8Array(181 * 181) },
      { size: 21, modules: Array(441).fill(0) },
    ]) {
      expectBulwarkErrorSync(() => renderQrCodeSvg(bad as never), 'INPUT_INVALID');
    }
    for (const options of [
      null,
      5,
      { quietZoneModules: -1 },
      { quietZoneModules: 65 },
      { quietZoneModules: 1.5 },
      { moduleSizePx: 0 },
      { moduleSizePx: 101 },
      { moduleSizePx: 2.5 },
    ]) {
      expectBulwarkErrorSync(() => renderQrCodeSvg(qr, options as never), 'CONFIG_INVALID');
    }
    for (const options of [{ darkColor: 1 }, { lightColor: null }, { title: 42 }]) {
      expectBulwarkErrorSync(() => renderQrCodeSvg(qr, options as never), 'INPUT_INVALID');
    }
  });
});

describe('renderQrCodeText', () => {
  it('two module rows per line, quiet zone included, jsQR reads it back (both polarities)', () => {
    for (const invert of [false, true]) {
      for (const quiet of [4, 1, 0]) {
        const qr = createQrCode(URI, { ecc: 'L' });
        const text = renderQrCodeText(qr, { invert, quietZoneModules: quiet });
        const { extent, dark } = parseText(text, invert);
        expect(extent).toBe(qr.size + 2 * quiet);
        expect(dark).toEqual(withQuietZone(qr, quiet));
        expect(decodeGrid(extent, dark, quiet)).toBe(URI);
      }
    }
  });

  it('defaults: quiet zone of 4, dark modules painted, no trailing newline', () => {
    const qr = createQrCode('hello');
    const text = renderQrCodeText(qr);
    expect(text.endsWith('\n')).toBe(false);
    const lines = text.split('\n');
    expect(lines).toHaveLength(Math.ceil((qr.size + 8) / 2));
    expect(lines[0]).toBe(' '.repeat(qr.size + 8));
    expect(renderQrCodeText(qr, { invert: true }).split('\n')[0]).toBe('█'.repeat(qr.size + 8));
  });

  it('refuses a malformed symbol and bad options', () => {
    const qr = createQrCode('x');
    expectBulwarkErrorSync(() => renderQrCodeText({ size: 21 } as never), 'INPUT_INVALID');
    for (const options of [[], { invert: 'yes' }, { quietZoneModules: 100 }]) {
      expectBulwarkErrorSync(() => renderQrCodeText(qr, options as never), 'CONFIG_INVALID');
    }
  });
});
