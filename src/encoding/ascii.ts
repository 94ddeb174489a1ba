/**
 * Builds an ASCII string from character codes, the one place every encoder makes its output string. Short outputs
 * go through `String.fromCharCode`; from a few hundred characters the platform's TextDecoder is ~10× faster.
 */
const LARGE_OUTPUT = 512;
let latin1: TextDecoder | undefined;

export function asciiFromCodes(codes: Uint8Array): string {
  if (codes.length < LARGE_OUTPUT) return String.fromCharCode.apply(null, codes as unknown as number[]);
  latin1 ??= new TextDecoder('latin1');
  return latin1.decode(codes);
}
