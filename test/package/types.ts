// A TypeScript consumer of the installed tarball, type-checked by `npm run check:package` with TypeScript 5.4 (before
// typed arrays became generic), the repository's 5.9 and 7 (the native compiler), with skipLibCheck off so that
// every shipped declaration file compiles under each. Returned bytes must reach DOM APIs without a cast.
import { decodeBase64Url, encodeUtf8, type OwnedBytes } from 'bulwark/encoding';
import { createKeyring, decryptEnvelope, encryptEnvelope, encryptStream, generateEnvelopeKey } from 'bulwark/envelope';
import { generateOtpSecret } from 'bulwark/otp';
import { hashPassword } from 'bulwark/password';
import { definePolicy } from 'bulwark/policy';
import { createRateLimiter } from 'bulwark/rate-limit';

export async function consume(): Promise<Response> {
  const keyring = createKeyring({ keys: [{ id: 'k1', key: generateEnvelopeKey(), status: 'primary' }] });
  const sealed: OwnedBytes = await encryptEnvelope(keyring, encodeUtf8('alice'), { context: { id: 1 } });
  const digest: ArrayBuffer = await crypto.subtle.digest('SHA-256', decodeBase64Url('AAAA'));
  const opened = await decryptEnvelope(keyring, sealed, { context: { id: 1 } });
  const blob = new Blob([opened, new Uint8Array(digest)]);
  const encrypted: ReadableStream<OwnedBytes> = blob.stream().pipeThrough(encryptStream(keyring));
  const policy = definePolicy({ roles: { viewer: {} }, rules: [] });
  const limiter = createRateLimiter({ limit: 1, windowMs: 1000 });
  const secret: string = generateOtpSecret();
  const hash: string = await hashPassword('correct horse battery staple');
  return new Response(
    policy.can({ roles: ['viewer'] }, 'read', 'doc') || (await limiter.consume('k')).allowed ? sealed : encrypted,
    { headers: { 'x-secret': secret, 'x-hash': hash } },
  );
}
