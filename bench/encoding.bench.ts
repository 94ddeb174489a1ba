/**
 * Encodings: ours (strict decoders; base64 hands validated text of 128+ characters to the native codec) vs Node's
 * native Buffer and the hi-base32 package.
 * Buffer's decoders are lenient (they skip invalid characters silently); ours validate every character.
 */
import { decodeBase32, decodeBase64Url, encodeBase32, encodeBase64Url } from 'bulwark/encoding';
import base32 from 'hi-base32';
import { compare } from './support.js';

export async function run(): Promise<void> {
  for (const size of [32, 100, 1024, 1 << 20]) {
    const bytes = new Uint8Array(size).map((_, i) => (i * 131) & 255);
    const text = Buffer.from(bytes).toString('base64url');
    const label = size >= 1 << 20 ? '1 MiB' : `${size} B`;
    const timeMs = size >= 1 << 20 ? 1500 : 800;
    await compare(
      `base64url encode, ${label}`,
      [
        { name: 'bulwark encodeBase64Url', fn: () => encodeBase64Url(bytes), ours: true },
        { name: "Buffer.from(b).toString('base64url')", fn: () => Buffer.from(bytes).toString('base64url') },
      ],
      { timeMs },
    );
    await compare(
      `base64url decode, ${label}`,
      [
        { name: 'bulwark decodeBase64Url (strict)', fn: () => decodeBase64Url(text), ours: true },
        { name: "Buffer.from(s, 'base64url') (lenient)", fn: () => Buffer.from(text, 'base64url') },
      ],
      { timeMs },
    );
  }
  const secret = new Uint8Array(20).map((_, i) => i * 7);
  const secretText = encodeBase32(secret);
  const secretArray = Array.from(secret);
  await compare('base32 encode, 20 B (an OTP secret)', [
    { name: 'bulwark encodeBase32', fn: () => encodeBase32(secret), ours: true },
    { name: 'hi-base32 encode', fn: () => base32.encode(secretArray) },
  ]);
  await compare('base32 decode, 20 B (an OTP secret)', [
    { name: 'bulwark decodeBase32', fn: () => decodeBase32(secretText), ours: true },
    { name: 'hi-base32 decode.asBytes', fn: () => base32.decode.asBytes(secretText) },
  ]);
}
