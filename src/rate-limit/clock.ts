/**
 * The memory store's default clock: the system time, read at most once per millisecond timer tick and per 64
 * decisions, like the time cache of nginx or Node's own HTTP `Date` header. Reading `Date.now()` costs about as much
 * as a whole in-memory decision, so this is where most of the store's speed comes from; the price is that a
 * decision may see a time up to one timer tick (or 64 decisions within one busy stretch of code) old. Rate limits are
 * measured in seconds, so that is noise; pass `now: Date.now` to read the clock on every decision instead.
 */

const MAX_REUSE = 64;
let cached = 0;
let reuse = 0;
let timer: unknown;

function expire(): void {
  reuse = 0;
  timer = undefined;
}

/** Epoch milliseconds, from a cache refreshed by a 1 ms timer and after 64 reads. */
export function coarseNow(): number {
  if (reuse > 0) {
    reuse--;
    return cached;
  }
  cached = Date.now();
  reuse = MAX_REUSE - 1;
  if (timer === undefined) {
    const handle = setTimeout(expire, 1) as unknown as { unref?: () => void };
    // Never keep a process alive for the clock.
    handle.unref?.();
    timer = handle;
  }
  return cached;
}
