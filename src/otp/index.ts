/**
 * `bulwark/otp`: HOTP/TOTP (RFC 4226/6238) with single use by default, otpauth:// URIs, QR codes and recovery
 * codes. Guide: docs/otp.md.
 */
export { OTP_DIGITS, type OtpAlgorithm } from './algorithms.js';
export {
  DEFAULT_HOTP_OPTIONS,
  hotp,
  type OtpOptions,
  type VerifyHotpOptions,
  type VerifyHotpResult,
  verifyHotp,
} from './hotp.js';
export {
  createQrCode,
  DEFAULT_QR_SVG_OPTIONS,
  type QrCode,
  type QrCodeOptions,
  type QrErrorCorrection,
  type RenderQrCodeSvgOptions,
  type RenderQrCodeTextOptions,
  renderQrCodeSvg,
  renderQrCodeText,
} from './qr/index.js';
export {
  type ConsumeRecoveryCodeOptions,
  type ConsumeRecoveryCodeResult,
  consumeRecoveryCode,
  type GenerateRecoveryCodesOptions,
  generateRecoveryCodes,
  RECOVERY_CODES,
  type RecoveryCodes,
} from './recovery.js';
export { type GenerateOtpSecretOptions, generateOtpSecret, OTP_SECRET_BYTES, type OtpSecret } from './secret.js';
export {
  createMemoryOtpStore,
  DEFAULT_MEMORY_OTP_STORE_OPTIONS,
  type MemoryOtpStore,
  type MemoryOtpStoreOptions,
  type OtpReplayStore,
  type RecoveryCodeStore,
} from './store.js';
export {
  DEFAULT_TOTP_OPTIONS,
  type TotpOptions,
  totp,
  type VerifyTotpOptions,
  type VerifyTotpResult,
  verifyTotp,
} from './totp.js';
export {
  type CreateOtpauthUriOptions,
  createOtpauthUri,
  OTPAUTH_URI_LIMITS,
  type OtpauthUri,
} from './uri.js';
export { parseOtpauthUri } from './uri-parse.js';
