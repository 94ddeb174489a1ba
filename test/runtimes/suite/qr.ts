/**
 * The QR Code encoder (bulwark/otp) on every runtime: fixed inputs must give the same symbols everywhere. Each
 * expected symbol is pinned by version, mask and an FNV-1a hash of its modules; test/otp/qr.interop.test.ts checks
 * that the `qrcode` package, given the same segments and mask, draws matrices with these very hashes.
 */
import { createQrCode, type QrErrorCorrection, renderQrCodeSvg, renderQrCodeText } from 'bulwark/otp';
import { equal, ok, throwsCode } from './assert.js';
import type { ConformanceCase } from './index.js';

/** Pinned symbols: text, options, and the expected version, mask and module hash. */
export const QR_CONFORMANCE_SYMBOLS: readonly {
  name: string;
  text: string;
  ecc: QrErrorCorrection;
  minVersion?: number;
  version: number;
  mask: number;
  fnv1a: number;
}[] = [
  { name: 'numeric, version 1-M', text: '01234567', ecc: 'M', version: 1, mask: 0, fnv1a: 0x6f908997 },
  {
    name: 'otpauth URI, mixed segments',
    text: 'otpauth://totp/ACME%20Co:jane%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co',
    ecc: 'M',
    version: 6,
    mask: 6,
    fnv1a: 0x76a1e64b,
  },
  {
    name: 'UTF-8 with version information',
    text: 'Grüße, 世界 👋',
    ecc: 'Q',
    minVersion: 7,
    version: 7,
    mask: 0,
    fnv1a: 0x4312f2fb,
  },
  { name: 'version 40-L', text: 'bulwark '.repeat(369), ecc: 'L', version: 40, mask: 2, fnv1a: 0x429a0cf7 },
];

/** FNV-1a (32-bit) of a byte array: a short, dependency-free fingerprint of a module matrix. */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  return hash;
}

export function qrCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = QR_CONFORMANCE_SYMBOLS.map((s) => ({
    name: `symbol: ${s.name}`,
    run: () => {
      const qr = createQrCode(s.text, {
        ecc: s.ecc,
        ...(s.minVersion === undefined ? {} : { minVersion: s.minVersion }),
      });
      equal(qr.version, s.version, 'version');
      equal(qr.size, 17 + 4 * s.version, 'size');
      equal(qr.mask, s.mask, 'mask chosen by penalty');
      equal(fnv1a(qr.modules), s.fnv1a, 'module hash');
    },
  }));
  cases.push({
    name: 'renderers: SVG and terminal text',
    run: () => {
      const qr = createQrCode('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP');
      const svg = renderQrCodeSvg(qr, { title: '<2FA>' });
      ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), 'svg root');
      ok(svg.includes('<title>&lt;2FA&gt;</title>'), 'title escaped');
      const lines = renderQrCodeText(qr, { invert: true }).split('\n');
      equal(lines.length, Math.ceil((qr.size + 8) / 2), 'text lines');
      equal(lines[0], '█'.repeat(qr.size + 8), 'quiet zone painted when inverted');
    },
  });
  cases.push({
    name: 'errors: too long, bad options',
    run: async () => {
      await throwsCode(() => createQrCode('x'.repeat(2954), { ecc: 'L' }), 'QR_DATA_TOO_LONG', 'past version 40-L');
      await throwsCode(() => createQrCode('x', { mask: 8 }), 'CONFIG_INVALID', 'mask 8');
    },
  });
  return cases;
}
