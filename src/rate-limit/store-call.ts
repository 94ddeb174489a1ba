import { BulwarkError, isBulwarkError } from '../errors.js';

/** What a limiter or guard does when its store fails or times out: refuse (safe default) or let the request through. */
export type StoreErrorPolicy = 'deny' | 'allow';

/**
 * Awaits a store call with a deadline. Any failure becomes a `STORE_UNAVAILABLE` or `STORE_TIMEOUT` BulwarkError
 * (misuse errors such as INPUT_INVALID pass through unchanged). A store promise that settles after the deadline is
 * still observed, so it can never surface as an unhandled rejection.
 */
export function callStore<T>(call: () => Promise<T> | T, timeoutMs: number): Promise<T> {
  let pending: Promise<T> | T;
  try {
    pending = call();
  } catch (error) {
    return Promise.reject(toStoreError(error));
  }
  if (!isThenable(pending)) return Promise.resolve(pending);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new BulwarkError('STORE_TIMEOUT', `store did not answer within ${timeoutMs} ms`, { details: { timeoutMs } }),
      );
    }, timeoutMs);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toStoreError(error));
      },
    );
  });
}

/** True for failures the store policy handles (outages), false for misuse that must reach the caller. */
export function isStoreFailure(error: unknown): boolean {
  return isBulwarkError(error, 'STORE_UNAVAILABLE') || isBulwarkError(error, 'STORE_TIMEOUT');
}

function toStoreError(error: unknown): unknown {
  if (isBulwarkError(error)) return error;
  return new BulwarkError('STORE_UNAVAILABLE', 'store call failed', { cause: error });
}

function isThenable<T>(value: Promise<T> | T): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
