/**
 * RFC 7914 §12, the fourth vector: N = 2^20, r = 8 (1 GiB of memory). Source:
 * ../shared/vectors/rfc/rfc7914-scrypt.json (https://www.rfc-editor.org/rfc/rfc7914). Runs in CI only
 * (CI=true or BULWARK_SLOW=1), native and pure TypeScript.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scrypt, setRuntimeOverrideForTesting } from '../../src/runtime/index.js';
import { loadVectors, toHex } from '../support/vectors.js';

const v = loadVectors('rfc/rfc7914-scrypt.json');
const slow = (v.scrypt.tests as any[]).filter((t) => t.slow);
const ascii = (s: string) => new TextEncoder().encode(s);

afterEach(() => setRuntimeOverrideForTesting(undefined));

describe.each([
  ['native node:crypto', undefined],
  ['pure TypeScript', { nodeCrypto: null }],
] as const)('RFC 7914 §12 1 GiB vector, %s', (_name, override) => {
  it.each(slow)('P="$P" S="$S" N=$N', { timeout: 600_000 }, async (t) => {
    setRuntimeOverrideForTesting(override);
    const dk = await scrypt(ascii(t.P), ascii(t.S), { N: t.N, r: t.r, p: t.p, dkLen: t.dkLen });
    expect(toHex(dk)).toBe(t.DK);
  });
});
