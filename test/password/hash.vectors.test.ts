/**
 * scrypt PHC interop vectors from ../shared/vectors/interop/scrypt-hashes.json: hashes made by Python's hashlib
 * (make_scrypt.py) and hashes published by passlib (BSD) in its test suite and docs. Every one must verify with its
 * own password (as text, or as bytes where the password is binary) and refuse a wrong one; the negative cases
 * must be refused, with the code each deserves, and the costly ones before any work.
 */

import { verifyPassword } from 'bulwark/password';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as runtime from '../../src/runtime/index.js';
import { expectBulwarkError } from '../support/errors.js';
import { hex, loadVectors } from '../support/vectors.js';

const file = loadVectors('interop/scrypt-hashes.json');
const all = [...file.generated, ...file.passlibAuthored] as any[];
const passwordOf = (e: any): string | Uint8Array =>
  typeof e.password === 'string' ? e.password : hex(e.passwordUtf8Hex);

afterEach(() => {
  runtime.setRuntimeOverrideForTesting(undefined);
  vi.restoreAllMocks();
});

describe('interop hashes verify', () => {
  it.each(all.map((e) => [e.id, e] as const))('%s verifies with its password', async (_id, e) => {
    expect(await verifyPassword(passwordOf(e), e.phc)).toBe(true);
  });

  it.each(all.map((e) => [e.id, e] as const))('%s refuses a wrong password', async (_id, e) => {
    const p = passwordOf(e);
    // Not an appended zero byte: HMAC pads short keys with zeros, so PBKDF2 (and scrypt) cannot tell p from p‖00.
    const wrong = typeof p === 'string' ? `${p}x` : Uint8Array.from([...p, 1]);
    expect(await verifyPassword(wrong, e.phc)).toBe(false);
  });

  it('the UTF-8 bytes (passwordUtf8Hex) verify too', async () => {
    for (const e of all.filter((x) => x.node.N <= 4096)) {
      expect(await verifyPassword(hex(e.passwordUtf8Hex), e.phc), e.id).toBe(true);
    }
  });

  it('NFC and NFD of the same text each verify with their own input, and the NFD text against the NFC hash', async () => {
    const g04 = file.generated.find((e: any) => e.id === 'G04');
    const g05 = file.generated.find((e: any) => e.id === 'G05');
    expect(g04.password).not.toBe(g05.password);
    expect(await verifyPassword(g04.password, g04.phc)).toBe(true);
    expect(await verifyPassword(g05.password, g05.phc)).toBe(true); // as given: the hash was made without normalizing
    expect(await verifyPassword(g05.password, g04.phc)).toBe(true); // NFKC(NFD text) is the NFC text
    // The NFC text is its own NFKC form, so only that form is tried: it does not match the NFD hash.
    expect(await verifyPassword(g04.password, g05.phc)).toBe(false);
  });

  it('low-cost hashes verify on the pure-TypeScript path as well', async () => {
    runtime.setRuntimeOverrideForTesting({ nodeCrypto: null });
    for (const e of all.filter((x) => x.node.N * x.node.r * x.node.p <= 2 ** 17)) {
      expect(await verifyPassword(passwordOf(e), e.phc), e.id).toBe(true);
    }
  });
});

const codes: Record<string, string | null> = {
  N01: null, // well-formed, but ln was tampered: the key does not match
  N02: 'PASSWORD_HASH_MALFORMED',
  N03: 'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
  N04: 'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
  N05: 'PASSWORD_HASH_MALFORMED',
  N06: 'PASSWORD_HASH_UNSUPPORTED',
  N07: 'PASSWORD_HASH_MALFORMED',
  N08: 'PASSWORD_HASH_MALFORMED',
  N09: 'PASSWORD_HASH_MALFORMED',
  N10: 'PASSWORD_HASH_MALFORMED',
  N11: 'PASSWORD_HASH_MALFORMED',
  N12: 'PASSWORD_HASH_PARAMS_OUT_OF_BOUNDS',
};

describe('negative vectors are refused', () => {
  it('covers every negative vector', () => {
    expect(file.negative.map((n: any) => n.id)).toEqual(Object.keys(codes));
  });

  it.each((file.negative as any[]).map((n) => [n.id, n] as const))('%s', async (id, n) => {
    const scrypt = vi.spyOn(runtime, 'scrypt');
    const code = codes[id];
    if (code === null) {
      expect(await verifyPassword(hex(n.passwordUtf8Hex), n.phc)).toBe(false);
      expect(scrypt).toHaveBeenCalled(); // the spy sees calls, so "not called" below means something
      return;
    }
    await expectBulwarkError(() => verifyPassword(hex(n.passwordUtf8Hex), n.phc), code as any);
    expect(scrypt).not.toHaveBeenCalled();
  });
});
