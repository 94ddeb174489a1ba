import { expect } from 'vitest';
import { type BulwarkError, type BulwarkErrorCode, isBulwarkError } from '../../src/errors.js';

/** Asserts that `fn` throws (or rejects with) a BulwarkError with `code`, and returns it. */
export async function expectBulwarkError(fn: () => unknown, code: BulwarkErrorCode) {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(isBulwarkError(caught), `expected BulwarkError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  return caught as BulwarkError;
}

/** Synchronous variant of {@link expectBulwarkError}. */
export function expectBulwarkErrorSync(fn: () => unknown, code: BulwarkErrorCode) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isBulwarkError(caught), `expected BulwarkError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  return caught as BulwarkError;
}
