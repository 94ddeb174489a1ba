import { BulwarkError } from '../errors.js';
import { assertBytes, toArrayView } from '../internal/bytes.js';
import { importHmacKey } from './hmac.js';
import { getNodeCrypto, getSubtle } from './platform.js';
import { scryptTypescript } from './scrypt-typescript.js';

/** scrypt cost parameters (RFC 7914). */
export interface ScryptParams {
  /** CPU/memory cost, a power of two greater than 1. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
  /** Derived key length in bytes. */
  dkLen: number;
}

/** Bytes scrypt needs for N, r (128·N·r for V plus a little), used as the maxmem we hand to Node. */
export function scryptMemory(N: number, r: number): number {
  return 128 * N * r + 256 * r + 65536;
}

function checkParams(params: ScryptParams): void {
  const { N, r, p, dkLen } = params;
  const ok =
    Number.isInteger(N) &&
    N > 1 &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    Number.isInteger(p) &&
    p >= 1 &&
    r * p < 2 ** 30 &&
    Number.isInteger(dkLen) &&
    dkLen >= 1 &&
    dkLen <= 1024;
  if (!ok) {
    throw new BulwarkError('CONFIG_INVALID', 'scrypt parameters must satisfy RFC 7914 (N a power of two > 1)', {
      details: { N, r, p, dkLen },
    });
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
    const maxmem = scryptMemory(N, r);
    return new Promise((resolve, reject) => {
      node.scrypt(password, salt, dkLen, { N, r, p, maxmem }, (err, key) => {
        // Bun reports success with `undefined`, not `null`, so test for an error rather than for null.
        if (err) reject(new BulwarkError('RUNTIME_UNSUPPORTED', 'native scrypt failed', { cause: err }));
        else resolve(new Uint8Array(key.buffer, key.byteOffset, key.length));
      });
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
