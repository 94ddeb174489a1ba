import {
  consumeRecoveryCode,
  createMemoryOtpStore,
  createOtpauthUri,
  createQrCode,
  generateOtpSecret,
  generateRecoveryCodes,
  renderQrCodeText,
  totp,
  verifyTotp,
} from 'bulwark/otp';

export async function otpSection(): Promise<void> {
  // Enroll: a secret, the otpauth:// URI an authenticator app scans, and that URI as a QR code.
  const secret = generateOtpSecret();
  const uri = createOtpauthUri({ issuer: 'ACME Co', account: 'jane@example.com', secret });
  console.log('secret (type it in if you cannot scan):', secret.match(/.{4}/g)?.join(' '));
  console.log('otpauth URI:', uri);
  console.log('Scan this with an authenticator app (it is a real code for this run):');
  // invert: true paints the light modules, which scans right on the usual dark terminal background.
  console.log(renderQrCodeText(createQrCode(uri, { ecc: 'L' }), { invert: true, quietZoneModules: 2 }));

  // Verify: the replay store makes each code single-use (RFC 6238 §5.2).
  const store = createMemoryOtpStore();
  const replay = { store, key: 'user-42' };
  const code = totp(secret); // what the app shows right now
  console.log(`code ${code} first time :`, await verifyTotp(code, secret, { replay }));
  console.log(`code ${code} second time:`, await verifyTotp(code, secret, { replay }), '(replay refused)');
  console.log('code 000000 :', await verifyTotp('000000', secret, { replay }));

  // Recovery codes: show once, store only the keyed hashes.
  const recoveryKey = new Uint8Array(32).fill(1); // in production: 32 random bytes from your secret manager
  const { codes, stored } = generateRecoveryCodes(recoveryKey, { count: 3 });
  console.log('recovery codes (show once):', codes.join('  '));
  console.log('stored form               :', `${stored[0]} ...`);
  const typed = (codes[0] ?? '').toLowerCase().replaceAll('-', ' ');
  const options = { secretKey: recoveryKey, store, key: 'user-42' };
  const used = await consumeRecoveryCode(typed, stored, options);
  console.log(`recovery code "${typed}":`, used.valid ? `accepted, ${used.remaining.length} left` : used);
  console.log('same recovery code again:', await consumeRecoveryCode(codes[0] ?? '', stored, options));
}
