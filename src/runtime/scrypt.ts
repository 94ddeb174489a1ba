import { BulwarkError } from '../errors.js';
import { withoutPrototype } from '../internal/assert.js';
import { assertBytes, toArrayView } from '../internal/bytes.js';
import { importHmacKey } from './hmac.js';
import { getNodeCrypto, getSubtle } from './platform.js';
import { scryptTypescript } from './scrypt-typescript.js';

/** scrypt cost parameters (RFC 7914). */
export interface ScryptParams {
  /** CPU/memory cost, a power of two from 2 to 2^32. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
  /** Derived key length in bytes. */
  dkLen: number;
}

/**
 * Bytes scrypt allocates for N, r, p as OpenSSL counts them (V: 128·r·(N + 2), B: 128·r·p) plus headroom: the
 * maxmem handed to Node, and the figure callers bound. Leaving B out made every p·r > 512 fail natively.
 */
export function scryptMemory(N: number, r: number, p: number): number {
  return 128 * r * (N + 2 + p) + 65536;
}

/**
 * RFC 7914 requires N < 2^(128·r/8): with r = 1, N at most 2^15. OpenSSL enforces it (for r < 4, where the bound
 * fits 64 bits), so a cost outside it must be refused everywhere, or a hash made by the TypeScript fallback in a
 * browser could never be verified on a server.
 */
export function isScryptNWithinRfcBound(N: number, r: number): boolean {
  return r >= 4 || N < 2 ** (16 * r);
}

/** Far beyond any affordable cost (V alone is 128 · r · N bytes: 2 TiB at r = 4), so refusing more loses nothing. */
const MAX_N = 2 ** 32;

// Not `(n & (n - 1)) === 0`: bitwise operators truncate to 32 bits, and 3·2^32 would pass.
function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

function checkParams(params: ScryptParams): void {
  const { N, r, p, dkLen } = params;
  const ok =
    Number.isInteger(N) &&
    N > 1 &&
    N <= MAX_N &&
    isPowerOfTwo(N) &&
    Number.isInteger(r) &&
    r >= 1 &&
    Number.isInteger(p) &&
    p >= 1 &&
    r * p < 2 ** 30 &&
    isScryptNWithinRfcBound(N, r) &&
    Number.isInteger(dkLen) &&
    dkLen >= 1 &&
    dkLen <= 1024;
  if (!ok) {
    throw new BulwarkError(
      'CONFIG_INVALID',
      'scrypt parameters must satisfy RFC 7914 (N a power of two from 2 to 2^32 and below 2^(16·r))',
      {
        details: { N, r, p, dkLen },
      },
    );
  }
}

/**
 * scrypt key derivation. Native and off the event loop where node:crypto exists (libuv thread pool); elsewhere a
 * pure-TypeScript implementation that yields to the event loop while it works.
 * Callers bound the parameters before calling: this function trusts them to be affordable.
 * @throws BulwarkError CONFIG_INVALID
 */
export async function scrypt(password: Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  assertBytes(password, 'password');
  assertBytes(salt, 'salt');
  checkParams(params);
  const { N, r, p, dkLen } = params;
  const node = getNodeCrypto();
  if (node !== null && typeof node.scrypt === 'function') {
    const maxmem = scryptMemory(N, r, p);
    const failed = (cause: unknown) => new BulwarkError('RUNTIME_UNSUPPORTED', 'native scrypt failed', { cause });
    return new Promise((resolve, reject) => {
      try {
        // No prototype: Node also reads the aliases `cost`, `blockSize` and `parallelization`, and an inherited
        // one (a polluted Object.prototype) would make every hash fail.
        node.scrypt(password, salt, dkLen, withoutPrototype({ N, r, p, maxmem }), (err, key) => {
          // Bun reports success with `undefined`, not `null`, so test for an error rather than for null.
          if (err) reject(failed(err));
          else resolve(new Uint8Array(key.buffer, key.byteOffset, key.length));
        });
      } catch (error) {
        // Node checks the parameters synchronously and throws its own RangeError: never let that escape untyped.
        reject(failed(error));
      }
    });
  }
  return scryptTypescript(password, salt, params, pbkdf2Sha256);
}

/**
 * PBKDF2-HMAC-SHA256 through WebCrypto (scrypt's inner step when node:crypto is absent). Some runtimes (workerd)
 * refuse long outputs from deriveBits; scrypt asks for 128·r·p bytes with one iteration, where each 32-byte block
 * is simply HMAC(P, S ‖ INT(i)), so those are computed block by block instead.
 */
export async function pbkdf2Sha256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  dkLen: number,
): Promise<Uint8Array> {
  const subtle = getSubtle();
  if (iterations === 1 && dkLen > SINGLE_CALL_BYTES) return pbkdf2OneIteration(password, salt, dkLen);
  const key = await subtle.importKey('raw', toArrayView(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: toArrayView(salt), iterations },
    key,
    dkLen * 8,
  );
  return new Uint8Array(bits);
}

/** Above this many bytes, one-iteration PBKDF2 is computed block by block (RFC 8018 §5.2 with c = 1). */
const SINGLE_CALL_BYTES = 1024;

async function pbkdf2OneIteration(password: Uint8Array, salt: Uint8Array, dkLen: number): Promise<Uint8Array> {
  const key = await importHmacKey('SHA-256', password);
  const subtle = getSubtle();
  const out = new Uint8Array(dkLen);
  const block = new Uint8Array(salt.length + 4);
  block.set(salt);
  const blocks = Math.ceil(dkLen / 32);
  const pending: Promise<ArrayBuffer>[] = [];
  for (let i = 1; i <= blocks; i++) {
    new DataView(block.buffer).setUint32(salt.length, i);
    pending.push(subtle.sign('HMAC', key, block.slice()));
  }
  const macs = await Promise.all(pending);
  macs.forEach((mac, i) => {
    out.set(new Uint8Array(mac).subarray(0, Math.min(32, dkLen - i * 32)), i * 32);
  });
  return out;
}
