import { assertIntegerInRange } from '../internal/assert.js';
import { fillRandom } from './random.js';

/**
 * A small buffer of CSPRNG output that small draws (IVs, data keys) are cut from, each byte handed out once.
 *
 * Why: one call into the platform CSPRNG costs about as much as AES-GCM over 64 bytes, whatever the size asked;
 * one refill of 4 KiB serves ~70 envelopes. Bytes are copied out and the pool's copy is zeroed at once, so a
 * key drawn here lives in exactly one place. The pool is refilled only with `fillRandom` (the platform CSPRNG).
 *
 * Process cloning: JavaScript has no fork, and each worker or isolate loads its own copy of this module, so no
 * two threads share a pool. The one way to duplicate it is a memory snapshot taken after the pool was filled
 * (`node --build-snapshot`, VM snapshot/restore): take snapshots before any encryption, or call
 * {@link resetRandomPool} on restore.
 */
const POOL_BYTES = 4096;
/** Draws above this size go straight to the CSPRNG: the pool only pays off for small requests. */
const MAX_POOLED_DRAW = 256;

let pool: Uint8Array | undefined;
let offset = POOL_BYTES;

/** `length` fresh CSPRNG bytes, served from the pool when small. Never returns the same byte twice. */
export function takeRandomBytes(length: number): Uint8Array {
  assertIntegerInRange(length, 'length', 0, 1 << 30);
  if (length > MAX_POOLED_DRAW) return fillRandom(new Uint8Array(length));
  if (offset + length > POOL_BYTES) {
    pool ??= new Uint8Array(POOL_BYTES);
    fillRandom(pool);
    offset = 0;
  }
  const p = pool as Uint8Array;
  const out = p.slice(offset, offset + length);
  p.fill(0, offset, offset + length);
  offset += length;
  return out;
}

/** Discards what is left in the pool (zeroed); the next draw refills it from the CSPRNG. */
export function resetRandomPool(): void {
  pool?.fill(0);
  offset = POOL_BYTES;
}
