import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bufferBase64 } from '../../src/runtime/base64.js';

// feross/buffer 6, the Buffer that browser bundler polyfills install as globalThis.Buffer: it has no base64url.
const PolyfillBuffer = (createRequire(import.meta.url)('buffer/') as { Buffer: unknown }).Buffer;
const NodeBuffer = globalThis.Buffer;
const bytes = new Uint8Array(1000).map((_, i) => (i * 37 + 11) & 255);

afterEach(() => {
  globalThis.Buffer = NodeBuffer;
  vi.resetModules();
});

describe('native base64 over Buffer', () => {
  it('takes only a Buffer that really handles base64url: the polyfill and look-alikes fall back', () => {
    expect(PolyfillBuffer).not.toBe(NodeBuffer);
    expect(bufferBase64(PolyfillBuffer)).toBeNull();
    expect(bufferBase64(undefined)).toBeNull();
    expect(bufferBase64({ from: 42 })).toBeNull();
    // Claims base64url but encodes the standard alphabet: only the probe round trip catches it.
    const wrongAlphabet = {
      isEncoding: () => true,
      from: (...args: unknown[]) => {
        const b = (NodeBuffer.from as (...x: unknown[]) => Buffer)(...args);
        const encode = b.toString.bind(b);
        return Object.assign(b, { toString: (enc: BufferEncoding) => encode(enc === 'base64url' ? 'base64' : enc) });
      },
    };
    expect(bufferBase64(wrongAlphabet)).toBeNull();
    expect(bufferBase64(NodeBuffer)).not.toBeNull();
  });

  it('with the polyfill installed as globalThis.Buffer, long inputs still round-trip in both alphabets', async () => {
    globalThis.Buffer = PolyfillBuffer as typeof NodeBuffer;
    vi.resetModules(); // the codec is chosen once, on first use: load a fresh copy that sees the polyfill
    const { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } = await import(
      '../../src/encoding/index.js'
    );
    const std = encodeBase64(bytes);
    const url = encodeBase64Url(bytes);
    globalThis.Buffer = NodeBuffer;
    expect(std).toBe(NodeBuffer.from(bytes).toString('base64'));
    expect(url).toBe(NodeBuffer.from(bytes).toString('base64url'));
    globalThis.Buffer = PolyfillBuffer as typeof NodeBuffer;
    expect(decodeBase64(std)).toEqual(bytes);
    expect(decodeBase64Url(url)).toEqual(bytes);
  });

  it("decodes into an array of its own, never a view into Node's shared Buffer pool", () => {
    const codec = bufferBase64(NodeBuffer)!;
    for (const [want, url] of [
      [bytes.subarray(0, 96), false],
      [bytes.subarray(0, 97), true],
      [bytes, false],
    ] as const) {
      const out = codec.decode(NodeBuffer.from(want).toString(url ? 'base64url' : 'base64'), url);
      expect(out.byteOffset).toBe(0);
      expect(out.buffer.byteLength).toBe(out.length);
      expect(out).toEqual(want);
    }
  });
});
