/**
 * A zero-dependency QR Code encoder (ISO/IEC 18004) with SVG and terminal renderers, used to show otpauth URIs
 * to authenticator apps.
 */
export { createQrCode } from './encode.js';
export { DEFAULT_QR_SVG_OPTIONS, type RenderQrCodeSvgOptions, renderQrCodeSvg } from './render-svg.js';
export { type RenderQrCodeTextOptions, renderQrCodeText } from './render-text.js';
export type { QrCode, QrCodeOptions, QrErrorCorrection } from './types.js';
