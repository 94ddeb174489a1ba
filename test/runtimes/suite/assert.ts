/**
 * Tiny assertions for the conformance suite: it runs on Node, Bun, Deno, workerd and Chromium, so it must not
 * depend on vitest or on Node's assert module.
 */
import { isBulwarkError } from 'bulwark';

export class AssertionFailed extends Error {}

export function ok(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}

export function equal<T>(actual: T, expected: T, message: string): void {
  if (actual !== expected) throw new AssertionFailed(`${message}: expected ${String(expected)}, got ${String(actual)}`);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesEqual(actual: Uint8Array, expected: Uint8Array | string, message: string): void {
  const e = typeof expected === 'string' ? expected : toHex(expected);
  const a = toHex(actual);
  if (a !== e) throw new AssertionFailed(`${message}: expected ${e}, got ${a}`);
}

/** Asserts that `fn` throws or rejects with a BulwarkError carrying `code`. */
export async function throwsCode(fn: () => unknown, code: string, message: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (isBulwarkError(e) && e.code === code) return;
    throw new AssertionFailed(`${message}: expected BulwarkError ${code}, got ${String(e)}`);
  }
  throw new AssertionFailed(`${message}: expected BulwarkError ${code}, nothing thrown`);
}

/** Structural equality for plain data (objects, arrays, Uint8Array, primitives); reports the first differing path. */
export function deepEqual(actual: unknown, expected: unknown, message: string): void {
  const difference = firstDifference(actual, expected, '');
  if (difference !== undefined) throw new AssertionFailed(`${message}: ${difference}`);
}

function firstDifference(a: unknown, e: unknown, path: string): string | undefined {
  if (Object.is(a, e)) return undefined;
  const at = path === '' ? 'value' : path;
  if (a instanceof Uint8Array && e instanceof Uint8Array) {
    return toHex(a) === toHex(e) ? undefined : `${at}: expected ${toHex(e)}, got ${toHex(a)}`;
  }
  if (
    typeof a !== 'object' ||
    typeof e !== 'object' ||
    a === null ||
    e === null ||
    Array.isArray(a) !== Array.isArray(e)
  ) {
    return `${at}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
  for (const key of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[key],
      (e as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (d !== undefined) return d;
  }
  return undefined;
}
