/**
 * A store answer that lands `ms` later (a slow or paused server): `call` runs only then, as the late command would
 * on the server, and `landed` counts the answers that have landed.
 */
export function createLateAnswers(ms: number) {
  const state = { landed: 0 };
  return {
    state,
    later<T>(call: () => T | Promise<T>): Promise<T> {
      return new Promise((resolve, reject) =>
        setTimeout(() => {
          state.landed++;
          Promise.resolve().then(call).then(resolve, reject);
        }, ms),
      );
    },
  };
}
