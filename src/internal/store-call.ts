import { BulwarkError, isBulwarkError } from '../errors.js';

/** What a limiter or guard does when its store fails or times out: refuse (safe default) or let the request through. */
export type StoreErrorPolicy = 'deny' | 'allow';

/**
 * Awaits a store call with a deadline. Any failure becomes a `STORE_UNAVAILABLE` or `STORE_TIMEOUT` BulwarkError
 * (misuse errors such as INPUT_INVALID pass through unchanged). A store promise that settles after the deadline is
 * still observed, so it can never surface as an unhandled rejection; if it succeeds, `undoLate` receives its value
 * so the caller can take back an effect it already reported as failed (its own errors are swallowed).
 */
export function callStore<T>(
  call: () => Promise<T> | T,
  timeoutMs: number,
  undoLate?: (value: T) => unknown,
): Promise<T> {
  let pending: Promise<T> | T;
  try {
    pending = call();
  } catch (error) {
    return Promise.reject(toStoreError(error));
  }
  if (!isThenable(pending)) return Promise.resolve(pending);
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(
        new BulwarkError('STORE_TIMEOUT', `store did not answer within ${timeoutMs} ms`, { details: { timeoutMs } }),
      );
    }, timeoutMs);
    pending.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut && undoLate !== undefined) undoQuietly(undoLate, value);
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

/** Best effort: a compensation that fails leaves what the docs describe (the effect lapses with its TTL). */
function undoQuietly<T>(undo: (value: T) => unknown, value: T): void {
  try {
    const undone = undo(value);
    if (isThenable(undone)) undone.then(undefined, () => {});
  } catch {
    // Same as a rejected compensation.
  }
}
