/**
 * QR codes: ours vs the `qrcode` package (1.5.4, the most used JavaScript encoder) in one process, for a typical
 * otpauth URI (~110 bytes) and a long text (1000 bytes), at level M; the versions are printed. Both pick the mask by
 * penalty over all eight and split the text into numeric/alphanumeric/byte segments; qrcode is measured as users
 * call it (`QRCode.create(text)`) and, for reference, with one byte segment (no segmentation work).
 * Issue 3 target: at least as fast as qrcode.
 *
 * Renderers are measured with their output read once (`flat`): qrcode builds its strings by `+=`, which V8 keeps
 * as an unflattened rope until someone reads it, so timing only the call would leave its cost to the caller.
 */
import { createRequire } from 'node:module';
import { createQrCode, type QrCode, renderQrCodeSvg, renderQrCodeText } from 'bulwark/otp';
import { compare } from './support.js';

interface PeerSymbol {
  modules: { size: number; data: Uint8Array };
}
const require = createRequire(import.meta.url);
const QRCode = require('qrcode') as {
  create(text: string | { data: string; mode: 'byte' }[], options: { errorCorrectionLevel: string }): PeerSymbol;
  toString(text: string, options: { type: 'svg' | 'utf8'; errorCorrectionLevel: string }): Promise<string>;
};
const svgTag = require('qrcode/lib/renderer/svg-tag') as { render(symbol: PeerSymbol, options?: object): string };
const utf8 = require('qrcode/lib/renderer/utf8') as { render(symbol: PeerSymbol, options?: object): string };

const URI =
  'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co&digits=6';

/** Reads one character, which makes V8 flatten a rope string, as writing it to a response or terminal would. */
function flat(text: string): number {
  return text.charCodeAt(text.length >> 1);
}

export async function run(): Promise<void> {
  for (const [label, text] of [
    [`otpauth URI, ${URI.length} B`, URI],
    ['1000 B text', `${URI}&`.repeat(9).slice(0, 1000)],
  ] as const) {
    const ours: QrCode = createQrCode(text);
    const theirs = QRCode.create(text, { errorCorrectionLevel: 'M' });
    console.log(`\n${label}: version ${ours.version}, size ${ours.size}`);
    await compare(`encode (matrix), ${label}`, [
      { name: 'bulwark createQrCode', fn: () => createQrCode(text), ours: true },
      { name: 'qrcode QRCode.create', fn: () => QRCode.create(text, { errorCorrectionLevel: 'M' }) },
      {
        name: 'qrcode QRCode.create, one byte segment',
        fn: () => QRCode.create([{ data: text, mode: 'byte' }], { errorCorrectionLevel: 'M' }),
      },
    ]);
    await compare(`render SVG string from a symbol, ${label}`, [
      { name: 'bulwark renderQrCodeSvg', fn: () => flat(renderQrCodeSvg(ours)), ours: true },
      { name: 'qrcode svg-tag render', fn: () => flat(svgTag.render(theirs)) },
    ]);
    await compare(`render terminal text from a symbol, ${label}`, [
      { name: 'bulwark renderQrCodeText', fn: () => flat(renderQrCodeText(ours)), ours: true },
      { name: 'qrcode utf8 render', fn: () => flat(utf8.render(theirs)) },
    ]);
    await compare(`text to SVG end to end, ${label}`, [
      { name: 'bulwark renderQrCodeSvg(createQrCode())', fn: () => renderQrCodeSvg(createQrCode(text)), ours: true },
      {
        name: "qrcode toString({ type: 'svg' })",
        fn: () => QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M' }),
      },
    ]);
  }
}
