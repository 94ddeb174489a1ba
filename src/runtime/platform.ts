import { BulwarkError } from '../errors.js';

/**
 * The one place that finds the platform's crypto. Detection is by capability, never by runtime name, and it is
 * lazy: nothing runs when the module loads, so the same build loads in a browser, a worker or a server.
 */

/** The subset of `node:crypto` we use, typed structurally so `src/` compiles without Node's types. */
export interface NodeCrypto {
  createHash(algorithm: string): { update(data: Uint8Array): unknown; digest(): Uint8Array };
  createHmac(algorithm: string, key: Uint8Array): { update(data: Uint8Array): unknown; digest(): Uint8Array };
  createCipheriv(
    algorithm: string,
    key: Uint8Array,
    iv: Uint8Array,
    options?: { authTagLength: number },
  ): {
    setAAD(data: Uint8Array): unknown;
    update(data: Uint8Array): Uint8Array;
    final(): Uint8Array;
    getAuthTag(): Uint8Array;
  };
  createDecipheriv(
    algorithm: string,
    key: Uint8Array,
    iv: Uint8Array,
    options?: { authTagLength: number },
  ): {
    setAAD(data: Uint8Array): unknown;
    setAuthTag(tag: Uint8Array): unknown;
    update(data: Uint8Array): Uint8Array;
    final(): Uint8Array;
  };
  hkdfSync(digest: string, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, keylen: number): ArrayBuffer;
  scrypt(
    password: Uint8Array,
    salt: Uint8Array,
    keylen: number,
    options: { N: number; r: number; p: number; maxmem: number },
    callback: (err: Error | null, key: Uint8Array) => void,
  ): void;
  randomFillSync<T extends Uint8Array>(buffer: T, offset?: number, size?: number): T;
}

type Override = { nodeCrypto?: NodeCrypto | null };
let override: Override | undefined;
let nodeCrypto: NodeCrypto | null | undefined;

/** `node:crypto` when the runtime offers it (Node 20.16+, Bun, Deno, workerd with nodejs_compat), else null. */
export function getNodeCrypto(): NodeCrypto | null {
  if (override?.nodeCrypto !== undefined) return override.nodeCrypto;
  if (nodeCrypto === undefined) {
    nodeCrypto = null;
    try {
      const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
      const mod = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
      if (mod !== undefined && typeof mod.createHmac === 'function') nodeCrypto = mod;
    } catch {
      // A runtime whose getBuiltinModule throws has no usable node:crypto; WebCrypto serves.
    }
  }
  return nodeCrypto;
}

/** WebCrypto's `crypto` object, or a RUNTIME_UNSUPPORTED error saying what is missing. */
export function getWebCrypto(): Crypto {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c === undefined || typeof c.getRandomValues !== 'function') {
    throw new BulwarkError(
      'RUNTIME_UNSUPPORTED',
      'no WebCrypto: bulwark needs globalThis.crypto (Node 20+, Bun, Deno, workerd and every current browser have it)',
    );
  }
  return c;
}

/** WebCrypto's SubtleCrypto; in browsers it exists only in secure contexts (HTTPS or localhost). */
export function getSubtle(): SubtleCrypto {
  const subtle = getWebCrypto().subtle;
  if (subtle === undefined) {
    throw new BulwarkError(
      'RUNTIME_UNSUPPORTED',
      'crypto.subtle is missing: browsers expose it only in secure contexts (serve the page over HTTPS or localhost)',
    );
  }
  return subtle;
}

/**
 * Test hook: pretend `node:crypto` is absent (null) or restore detection (undefined), to exercise the WebCrypto
 * and pure-TypeScript paths under Node. Not part of the public API.
 */
export function setRuntimeOverrideForTesting(next: Override | undefined): void {
  override = next;
}

/** Which implementation each primitive uses in this runtime (for docs, diagnostics and the conformance report). */
export function describeRuntime(): { nodeCrypto: boolean; webCrypto: boolean; scrypt: 'native' | 'typescript' } {
  const node = getNodeCrypto();
  const web = (globalThis as { crypto?: Crypto }).crypto?.subtle !== undefined;
  return {
    nodeCrypto: node !== null,
    webCrypto: web,
    scrypt: node !== null && typeof node.scrypt === 'function' ? 'native' : 'typescript',
  };
}
