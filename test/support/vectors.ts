/**
 * Loads external test vectors from ../shared/vectors (beside the repo, in CI too). Never edit those files.
 * Set BULWARK_VECTORS to read them from elsewhere.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const vectorsDir =
  process.env.BULWARK_VECTORS ?? fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));

export function loadVectors<T = any>(relativePath: string): T {
  return JSON.parse(readFileSync(`${vectorsDir}/${relativePath}`, 'utf8')) as T;
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
