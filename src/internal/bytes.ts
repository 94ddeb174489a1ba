import { BulwarkError } from '../errors.js';

/**
 * A Uint8Array that bulwark allocated (its `.buffer` may be larger than the view: some platforms' cipher output is):
 * backed by a plain ArrayBuffer, never a SharedArrayBuffer nor the caller's memory, so it goes straight
 * into WebCrypto, `Blob`, `Response` or a stream under TypeScript's DOM types. Spelled as the return type of `slice`
 * so that it reads `Uint8Array<ArrayBuffer>` under TypeScript 5.7 and later and plain `Uint8Array` before them (a
 * literal `Uint8Array<ArrayBuffer>` would not compile there).
 */
export type OwnedBytes = ReturnType<Uint8Array['slice']>;

/**
 * Cross-realm-safe Uint8Array check: a Node Buffer passes (it is a Uint8Array), and so does an array from another
 * realm (a vm context, an iframe), where `instanceof` would lie.
 */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]')
  );
}

const TYPED_ARRAY_PROTOTYPE = Object.getPrototypeOf(Uint8Array.prototype) as object;
function intrinsicGetter(name: string): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, name)?.get as (this: unknown) => unknown;
}
const getBuffer = intrinsicGetter('buffer');
const getByteOffset = intrinsicGetter('byteOffset');
const getByteLength = intrinsicGetter('byteLength');
/** What bulwark reads or calls on a byte array; `constructor` because subarray and slice look up a species. */
const OVERRIDABLE = ['length', 'subarray', 'set', 'slice', 'fill', 'buffer', 'byteOffset', 'byteLength', 'constructor'];

function hasOwnOverride(bytes: Uint8Array): boolean {
  for (let i = 0; i < OVERRIDABLE.length; i++) if (Object.hasOwn(bytes, OVERRIDABLE[i] as string)) return true;
  return false;
}

/**
 * `value` (checked as by assertBytes) as a plain Uint8Array over the same memory. A subclass (a Node Buffer too) or
 * an instance with own accessors can run caller code on `length`, `subarray` or `set`, in the middle of an operation
 * that holds shared scratch arrays, where a nested bulwark call would overwrite them; the plain view is built with
 * the built-in getters, so no caller code runs. A plain array is returned as it is: touching `.buffer` would move a
 * small one off the V8 heap, which costs more than the whole operation.
 * @throws BulwarkError INPUT_INVALID
 */
export function plainBytes(value: unknown, name: string): Uint8Array {
  const bytes = assertBytes(value, name);
  // A Proxy of a Uint8Array passes assertBytes (instanceof asks its trap) and would run traps on every read below;
  // only a real view has the internal slot isView checks, and the prototype and own-property reads of a real one
  // run no caller code.
  if (!ArrayBuffer.isView(bytes)) throw notBytes(name);
  if (Object.getPrototypeOf(bytes) === Uint8Array.prototype && !hasOwnOverride(bytes)) return bytes;
  try {
    return new Uint8Array(
      getBuffer.call(bytes) as ArrayBuffer,
      getByteOffset.call(bytes) as number,
      getByteLength.call(bytes) as number,
    );
  } catch {
    // A DataView whose prototype was set to Uint8Array's: a view, but not a typed array.
    throw notBytes(name);
  }
}

/** Throws INPUT_INVALID unless `value` is a Uint8Array; returns it typed. */
export function assertBytes(value: unknown, name: string): Uint8Array {
  if (!isBytes(value)) throw notBytes(name);
  return value;
}

function notBytes(name: string): BulwarkError {
  return new BulwarkError('INPUT_INVALID', `${name} must be a Uint8Array`, { details: { parameter: name } });
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Constant-time equality: the time depends only on the lengths, never on where the bytes differ.
 * Lengths are not secret in any of our uses (digests, tags and codes have public, fixed lengths).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * A view of `bytes` that WebCrypto and Node accept everywhere. Node Buffers from the shared pool are views over
 * a larger ArrayBuffer; passing the view (not `.buffer`) keeps us from reading bytes that are not ours.
 */
export function toArrayView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>;
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

/** Overwrites a buffer with zeros: best effort, JavaScript gives no guarantee that no copy exists elsewhere. */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}

const SLAB_BYTES = 16384;
/** Larger arrays get a buffer of their own: their allocation is small next to the work done on them. */
export const MAX_TRANSIENT_BYTES = 2048;
let slab: ArrayBuffer | undefined;
let slabUsed = SLAB_BYTES;

/**
 * A zeroed array of `length` bytes for data that never leaves bulwark and is not secret (a decoded envelope on its
 * way to AES-GCM), carved from a shared 16 KiB buffer. Why: every new array over 64 bytes gets memory outside the
 * V8 heap of its own, whose malloc, and the free on V8's sweeper thread, cost more than decoding a small envelope.
 * Each region is handed out once and never reused (a full slab is replaced, and stays alive while any view of it
 * does), so a nested or concurrent call can never write into another call's bytes. The catch: `.buffer` reaches
 * the other regions, so such an array must never be handed to caller code (a key provider gets a copy).
 */
export function transientBytes(length: number): Uint8Array {
  if (length > MAX_TRANSIENT_BYTES) return new Uint8Array(length);
  if (slabUsed + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab as ArrayBuffer, slabUsed, length);
  slabUsed += length;
  return out;
}
