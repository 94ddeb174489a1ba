import { decodeBase32, encodeBase32, encodeBase64Url, encodeUtf8 } from 'bulwark/encoding';

export async function encodingSection(): Promise<void> {
  const bytes = encodeUtf8('hello, bulwark');
  console.log('base64url:', encodeBase64Url(bytes));
  const secret = encodeBase32(bytes);
  console.log('base32   :', secret);
  // Human-typed base32 (lower case, spaces, hyphens) decodes to the same bytes when asked to tolerate it.
  const typed = secret.toLowerCase().replace(/(.{4})/g, '$1 ');
  console.log('round trip of hand-typed base32:', decodeBase32(typed, { humanInput: true }).length === bytes.length);
}
