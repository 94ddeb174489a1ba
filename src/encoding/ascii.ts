/**
 * Builds an ASCII string from character codes. Below a few hundred characters string concatenation is fastest;
 * above it, writing codes into bytes and letting the platform's TextDecoder make the string is ~10× faster.
 */
let latin1: TextDecoder | undefined;

export const LARGE_OUTPUT = 512;

export function asciiFromCodes(codes: Uint8Array): string {
  latin1 ??= new TextDecoder('latin1');
  return latin1.decode(codes);
}
