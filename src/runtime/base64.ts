/**
 * Native base64 where the platform has one: the standard `Uint8Array.prototype.toBase64` / `Uint8Array.fromBase64`
 * (current browsers, Node 25+), else Node-compatible `Buffer` (Node, Bun, workerd with nodejs_compat).
 * Native decoders are lenient (they skip whitespace or invalid characters), so callers validate first; this seam
 * only converts already-validated text. Used for large inputs, where it is 5-50× faster than TypeScript.
 */
import { equalBytes, type OwnedBytes } from '../internal/bytes.js';

export interface NativeBase64 {
  encode(bytes: Uint8Array, url: boolean, pad: boolean): string;
  /** `text` must already be validated (alphabet, length, padding, trailing bits). Returns an owned array. */
  decode(text: string, url: boolean): OwnedBytes;
  /** {@link NativeBase64.decode} into the start of `target`, which the caller sized to the decoded length or more. */
  decodeInto(text: string, url: boolean, target: Uint8Array): void;
}

type StandardU8 = Uint8Array & {
  toBase64?: (o: { alphabet: string; omitPadding: boolean }) => string;
  setFromBase64?: (s: string, o: { alphabet: string; lastChunkHandling: string }) => unknown;
};
type StandardCtor = { fromBase64?: (s: string, o: { alphabet: string; lastChunkHandling: string }) => OwnedBytes };
type BufferLike = {
  isEncoding?: (encoding: string) => boolean;
  from(
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ): { toString(encoding: string): string; write(text: string, encoding: string): number };
};

let native: NativeBase64 | null | undefined;

/** The platform codec, chosen once on first use; null where there is none (the TypeScript codec then serves). */
export function getNativeBase64(): NativeBase64 | null {
  if (native !== undefined) return native;
  const proto = Uint8Array.prototype as StandardU8;
  const ctor = Uint8Array as unknown as StandardCtor;
  // Own properties of the built-ins only: on a runtime without them, a polluted Object.prototype would supply a
  // codec that sees every key and ciphertext encoded.
  if (
    Object.hasOwn(proto, 'toBase64') &&
    Object.hasOwn(proto, 'setFromBase64') &&
    Object.hasOwn(ctor, 'fromBase64') &&
    typeof proto.toBase64 === 'function' &&
    typeof proto.setFromBase64 === 'function' &&
    typeof ctor.fromBase64 === 'function'
  ) {
    const fromBase64 = ctor.fromBase64;
    const setFromBase64 = proto.setFromBase64;
    const options = (url: boolean) => ({ alphabet: url ? 'base64url' : 'base64', lastChunkHandling: 'loose' });
    native = {
      encode: (bytes, url, pad) =>
        (bytes as StandardU8).toBase64!({ alphabet: url ? 'base64url' : 'base64', omitPadding: !pad }),
      decode: (text, url) => fromBase64(text, options(url)),
      decodeInto: (text, url, target) => {
        setFromBase64.call(target, text, options(url));
      },
    };
    return native;
  }
  native = bufferBase64((globalThis as { Buffer?: unknown }).Buffer);
  return native;
}

// 0xfb 0xef 0xff uses the two characters where the alphabets differ ("++//" against "--__"); the leading byte puts
// the input at a non-zero offset, as callers' subarrays are.
const PROBE = new Uint8Array([0, 0xfb, 0xef, 0xff]).subarray(1);

/**
 * A codec over a Node-compatible `Buffer`, or null when `candidate` is not one that does everything called here:
 * browser polyfills (feross/buffer) lack base64url, and must leave the TypeScript codec in charge rather than
 * throw a TypeError from inside bulwark. Exported for tests.
 */
export function bufferBase64(candidate: unknown): NativeBase64 | null {
  const B = candidate as BufferLike | undefined;
  if (typeof B?.from !== 'function') return null;
  const codec: NativeBase64 = {
    encode: (bytes, url, pad) => {
      const s = B.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(url ? 'base64url' : 'base64');
      if (url && pad) return s + '='.repeat((4 - (s.length % 4)) % 4);
      return !url && !pad ? s.replace(/=+$/, '') : s;
    },
    decode: (text, url) => {
      // Decoded bytes may be keys: write them into an array of their own, never a view into Buffer's shared pool.
      let end = text.length;
      while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
      const out = new Uint8Array(Math.floor((end * 3) / 4));
      codec.decodeInto(text, url, out);
      return out;
    },
    decodeInto: (text, url, target) => {
      B.from(target.buffer, target.byteOffset, target.length).write(text, url ? 'base64url' : 'base64');
    },
  };
  try {
    const ok =
      B.isEncoding?.('base64url') === true &&
      codec.encode(PROBE, false, true) === '++//' &&
      codec.encode(PROBE, true, false) === '--__' &&
      equalBytes(codec.decode('++//', false), PROBE) &&
      equalBytes(codec.decode('--__', true), PROBE);
    return ok ? codec : null;
  } catch {
    return null;
  }
}
