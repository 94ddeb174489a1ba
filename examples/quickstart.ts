/**
 * `npm run example`: a tour of every bulwark module on the in-memory defaults. Each section is a small file in
 * examples/sections/ that reads like application code: it imports from 'bulwark/...' exactly as you would.
 */
import { encodingSection } from './sections/encoding.js';
import { envelopeSection } from './sections/envelope.js';
import { otpSection } from './sections/otp.js';
import { passwordSection } from './sections/password.js';
import { policySection } from './sections/policy.js';
import { rateLimitSection } from './sections/rate-limit.js';

const sections: [string, () => Promise<void>][] = [
  ['Encodings', encodingSection],
  ['Passwords', passwordSection],
  ['MFA (TOTP)', otpSection],
  ['Envelope encryption', envelopeSection],
  ['Rate limiting and brute-force protection', rateLimitSection],
  ['Policy (RBAC + ABAC)', policySection],
];

for (const [title, run] of sections) {
  console.log(`\n=== ${title} ===`);
  await run();
}
console.log('\nquickstart: every section ran.');
