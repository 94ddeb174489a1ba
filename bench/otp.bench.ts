/**
 * OTP: `verifyTotp` with a ±1 step window and no store, ours vs otplib (noble, its default sync plugin), otpauth
 * (node:crypto createHmac under Node) and @oslojs/otp (pure TS). Two cases: an invalid code (every step of the
 * window computed) and a valid current-step code. Issue 3 targets: ≥ 2× the fastest peer on invalid codes,
 * ≥ 1× on valid ones. Our public verifyTotp is async (the replay store is); `matchTotp` is its synchronous body,
 * measured too so the cost of the Promise is visible.
 */

import { verifyTOTPWithGracePeriod } from '@oslojs/otp';
import { decodeBase32 } from 'bulwark/encoding';
import { generateOtpSecret, totp, verifyTotp } from 'bulwark/otp';
import * as OTPAuth from 'otpauth';
import { verifySync } from 'otplib';
import { matchTotp } from '../src/otp/totp.js';
import { compare } from './support.js';

export async function run(): Promise<void> {
  const secretText = generateOtpSecret();
  const secret = decodeBase32(secretText);
  // A fixed instant, so that a 30-second boundary cannot move the valid code out of step during a run. oslo has
  // no clock parameter: its valid code is recomputed when the real step changes (a cheap time check per call).
  const nowMs = Math.floor(Date.now() / 30_000) * 30_000 + 10_000;
  const now = () => nowMs;
  const windowCodes = [-1, 0, 1].map((d) => totp(secret, { now: () => nowMs + d * 30_000 }));
  let invalid = '000000';
  for (let i = 0; windowCodes.includes(invalid); i++) invalid = String(i).padStart(6, '0');
  const epochSeconds = nowMs / 1000;
  const otpauth = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretText) });

  for (const kind of ['invalid code', 'valid current-step code'] as const) {
    const code = kind === 'invalid code' ? invalid : (windowCodes[1] as string);
    let osloStep = -1;
    let osloCode = code;
    const osloValid = () => {
      if (kind === 'invalid code') return invalid;
      const step = Math.floor(Date.now() / 30_000);
      if (step !== osloStep) {
        osloStep = step;
        osloCode = totp(secret);
      }
      return osloCode;
    };
    const options = { now, unsafeAllowReplay: true } as const;
    await compare(`verifyTotp ±1 step, no store, ${kind}`, [
      { name: 'bulwark verifyTotp (async, bytes)', fn: () => verifyTotp(code, secret, options), ours: true },
      { name: 'bulwark verifyTotp (async, base32)', fn: () => verifyTotp(code, secretText, options) },
      { name: 'bulwark matchTotp (sync body, bytes)', fn: () => matchTotp(code, secret, options) },
      {
        name: 'otplib verifySync (noble)',
        fn: () => verifySync({ secret: secretText, token: code, epoch: epochSeconds, epochTolerance: 30 }),
      },
      { name: 'otpauth TOTP#validate', fn: () => otpauth.validate({ token: code, timestamp: nowMs, window: 1 }) },
      {
        name: '@oslojs/otp verifyTOTPWithGracePeriod',
        fn: () => verifyTOTPWithGracePeriod(secret, 30, 6, osloValid(), 30),
      },
    ]);
  }
}
