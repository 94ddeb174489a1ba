/** A controllable clock for time-dependent code: pass `clock.now` wherever an API takes `now`. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): number;
  set(ms: number): void;
}

export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
      return t;
    },
    set(ms) {
      t = ms;
    },
  };
}
