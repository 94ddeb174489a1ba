/**
 * Login-guard scenarios shared by the memory tests (test/rate-limit/) and the Redis tests (test/adapters/): the
 * concurrent-burst repro, and random interleavings of many login attempts checked against what the same attempts
 * one after another would allow.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  createLoginGuard,
  type LoginAttempt,
  type LoginGuardOptions,
  type LoginGuardStore,
} from '../../src/rate-limit/index.js';
import type { FakeClock } from '../support/clock.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The reviewer's repro: `attempts` concurrent logins on one account+IP, each check → `verifyMs` of verification →
 * failure. Returns how many checks were allowed and the failures counted afterwards.
 */
export async function concurrentBurst(
  store: LoginGuardStore,
  options: LoginGuardOptions = {},
  attempts = 500,
  verifyMs = 50,
): Promise<{ allowed: number; failures: number }> {
  const guard = createLoginGuard({ store, name: `burst-${Math.random().toString(36).slice(2)}`, ...options });
  const who = { account: 'victim@example.com', ip: '203.0.113.9' };
  const gates = await Promise.all(
    Array.from({ length: attempts }, async () => {
      const gate = await guard.check(who);
      if (gate.allowed) {
        await sleep(verifyMs);
        await guard.failure(who);
      }
      return gate;
    }),
  );
  for (const gate of gates) expect(gate.reason === 'store-error', String(gate.error)).toBe(false);
  const after = await guard.check(who);
  expect(after.reason).not.toBe('store-error');
  return { allowed: gates.filter((g) => g.allowed).length, failures: after.failures };
}

interface Session {
  attempt: LoginAttempt;
  /** What the session does after an allowed check: 0 fail, 1 succeed, 2 never resolve. */
  outcome: 0 | 1 | 2;
}

const accounts = ['a', 'b', 'c'];
const ips = ['192.0.2.1', '192.0.2.2', '2001:db8::1'];

/**
 * Random sessions (check, then failure or success or nothing) on a few accounts and IPs, their steps interleaved at
 * random, all at one instant. Whatever the interleaving, no more attempts get through than one after another would
 * allow: per account+IP the free allowance, per account and per IP their ceilings, counting every attempt that was
 * allowed and not followed by a success as a failure.
 */
export async function checkInterleavings(makeStore: () => LoginGuardStore, numRuns: number): Promise<void> {
  const session = fc.record({
    attempt: fc.record({ account: fc.constantFrom(...accounts), ip: fc.constantFrom(...ips) }),
    outcome: fc.constantFrom<Session['outcome']>(0, 0, 1, 2),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(session, { minLength: 1, maxLength: 40 }),
      fc.record({
        freeFailures: fc.integer({ min: 0, max: 3 }),
        accountMaxFailures: fc.integer({ min: 1, max: 8 }),
        ipMaxFailures: fc.integer({ min: 1, max: 8 }),
      }),
      fc.scheduler(),
      async (sessions, limits, s) => {
        const guard = createLoginGuard({ store: makeStore(), ...limits });
        const allowedAt: number[] = [];
        const runs = sessions.map((x, i) =>
          (async () => {
            // The scheduler picks when each step starts and when its answer arrives.
            await s.schedule(Promise.resolve(), `start ${i}`);
            const gate = await s.schedule(guard.check(x.attempt), `check ${i}`);
            if (!gate.allowed) return;
            allowedAt.push(i);
            if (x.outcome === 0) await s.schedule(guard.failure(x.attempt), `failure ${i}`);
            else if (x.outcome === 1) await s.schedule(guard.success(x.attempt), `success ${i}`);
          })(),
        );
        await s.waitFor(Promise.all(runs));
        // A success resets its account's counters, so the account bounds only hold in runs without one.
        const tally = (key: (x: Session) => string, bound: number) => {
          const counts = new Map<string, number>();
          for (const i of allowedAt) {
            const x = sessions[i] as Session;
            if (x.outcome === 1) continue;
            const k = key(x);
            counts.set(k, (counts.get(k) ?? 0) + 1);
          }
          for (const n of counts.values()) expect(n).toBeLessThanOrEqual(bound);
        };
        if (sessions.every((x) => x.outcome !== 1)) {
          tally((x) => `${x.attempt.account} ${x.attempt.ip}`, limits.freeFailures + 1);
          tally((x) => x.attempt.account, limits.accountMaxFailures);
        }
        // A success releases its own IP reservation and resets nothing else there: the IP bound always holds.
        tally((x) => x.attempt.ip, limits.ipMaxFailures);
      },
    ),
    { numRuns },
  );
}

/**
 * The reviewer's second repro: with `accountWindowMs` below `maxDelayMs`, the account+IP counter used to expire
 * mid-delay (1:0 … 9:32000 10:64000 1:0). Waiting out every delay must never make it forget.
 */
export async function checkDelayOutlivesCounter(store: LoginGuardStore, clock: FakeClock): Promise<void> {
  const guard = createLoginGuard({ store, accountWindowMs: 60_000, maxDelayMs: 900_000, freeFailures: 0 });
  const who = { account: 'a', ip: '192.0.2.1' };
  const waits: number[] = [];
  for (let i = 0; i < 14; i++) {
    const next = await guard.failure(who);
    waits.push(next.retryAfterMs);
    clock.advance(next.retryAfterMs);
    expect(await guard.check(who)).toMatchObject({ allowed: true, failures: i + 1 });
  }
  expect(waits).toEqual([
    1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 900_000, 900_000, 900_000, 900_000,
  ]);
  // Forgotten once a quiet accountWindowMs follows the longest delay.
  clock.advance(60_000);
  expect(await guard.check(who)).toMatchObject({ allowed: true, failures: 0 });
}

type Op = { op: 'check' | 'failure' | 'success'; who: number } | { op: 'advance'; ms: number };

interface ModelCounter {
  failures: number;
  lastFailure: number;
  failuresUntil: number;
  inFlight: number;
  lastReserved: number;
  inFlightUntil: number;
}

const EMPTY: ModelCounter = {
  failures: 0,
  lastFailure: 0,
  failuresUntil: 0,
  inFlight: 0,
  lastReserved: 0,
  inFlightUntil: 0,
};

/**
 * The documented semantics, written out plainly: every counter holds failures (forgotten `ttl` after the last) and
 * in-flight reservations (expiring `inFlightTtlMs` after the newest), and in-flight attempts count as failures.
 */
function createModel(
  o: Required<Omit<LoginGuardOptions, 'store' | 'name' | 'ipv6Prefix' | 'onStoreError' | 'timeoutMs'>>,
) {
  const counters = new Map<string, ModelCounter>();
  const live = (key: string, t: number): ModelCounter => {
    const c = counters.get(key) ?? EMPTY;
    return {
      ...(c.failuresUntil > t ? c : { ...c, failures: 0, lastFailure: 0, failuresUntil: 0 }),
      ...(c.inFlightUntil > t
        ? { inFlight: c.inFlight, lastReserved: c.lastReserved, inFlightUntil: c.inFlightUntil }
        : { inFlight: 0, lastReserved: 0, inFlightUntil: 0 }),
    };
  };
  const delay = (c: ModelCounter, t: number) => {
    const n = c.failures + c.inFlight;
    if (n <= o.freeFailures) return 0;
    const last = Math.max(c.failures > 0 ? c.lastFailure : 0, c.inFlight > 0 ? c.lastReserved : 0);
    return Math.min(o.baseDelayMs * 2 ** (n - o.freeFailures - 1), o.maxDelayMs) - (t - last);
  };
  // The first expiry after which fewer than `max` attempts remain.
  const ceiling = (c: ModelCounter, t: number, max: number) => {
    if (c.failures + c.inFlight < max) return 0;
    const times = [c.failuresUntil, c.inFlightUntil].filter((u) => u > t).sort((a, b) => a - b);
    for (const u of times) {
      const left = (u < c.failuresUntil ? c.failures : 0) + (u < c.inFlightUntil ? c.inFlight : 0);
      if (left < max) return u - t;
    }
    throw new Error('unreachable');
  };
  const keysOf = (a: LoginAttempt) => ({ pair: `p ${a.account} ${a.ip}`, account: `a ${a.account}`, ip: `i ${a.ip}` });
  const result = (a: LoginAttempt, t: number) => {
    const k = keysOf(a);
    const pair = live(k.pair, t);
    const pairWait = delay(pair, t);
    const ipWait = ceiling(live(k.ip, t), t, o.ipMaxFailures);
    const accountWait = ceiling(live(k.account, t), t, o.accountMaxFailures);
    const waits = [
      [pairWait, 'delay'],
      [ipWait, 'ip-limit'],
      [accountWait, 'account-locked'],
    ] as const;
    let [retryAfterMs, reason]: [number, string] = [0, 'ok'];
    for (const [w, why] of waits) if (w > retryAfterMs) [retryAfterMs, reason] = [w, why];
    const byGroup = { account: pairWait <= 0 && accountWait <= 0, ip: ipWait <= 0 };
    return { allowed: retryAfterMs <= 0, retryAfterMs, reason, failures: pair.failures, byGroup };
  };
  const reserve = (key: string, t: number, count: boolean) => {
    const c = live(key, t);
    counters.set(key, {
      ...c,
      inFlight: c.inFlight + (count ? 1 : 0),
      lastReserved: t,
      inFlightUntil: t + o.inFlightTtlMs,
    });
  };
  return {
    check(a: LoginAttempt, t: number) {
      const { byGroup, ...r } = result(a, t);
      const k = keysOf(a);
      // A group that allowed reserves; if the other refused, it is released again at once (its times stay moved).
      if (byGroup.account) for (const key of [k.pair, k.account]) reserve(key, t, r.allowed);
      if (byGroup.ip) reserve(k.ip, t, r.allowed);
      return r;
    },
    failure(a: LoginAttempt, t: number) {
      const k = keysOf(a);
      const ttls: [string, number][] = [
        [k.pair, o.accountWindowMs + o.maxDelayMs],
        [k.account, o.accountWindowMs],
        [k.ip, o.ipWindowMs],
      ];
      for (const [key, ttl] of ttls) {
        const c = live(key, t);
        counters.set(key, {
          ...c,
          failures: c.failures + 1,
          lastFailure: t,
          failuresUntil: t + ttl,
          inFlight: Math.max(c.inFlight - 1, 0),
        });
      }
      const { byGroup: _, ...r } = result(a, t);
      return r;
    },
    success(a: LoginAttempt, t: number) {
      const k = keysOf(a);
      counters.delete(k.pair);
      counters.delete(k.account);
      const ip = live(k.ip, t);
      if (ip.inFlight > 0) counters.set(k.ip, { ...ip, inFlight: ip.inFlight - 1 });
    },
  };
}

/** Random sequences of checks, failures, successes and clock steps: the guard over `store` must match the model. */
export async function checkAgainstModel(
  setup: () => { clock: FakeClock; store: LoginGuardStore },
  numRuns: number,
): Promise<void> {
  const who = [
    { account: 'a', ip: '192.0.2.1' },
    { account: 'a', ip: '192.0.2.2' },
    { account: 'b', ip: '192.0.2.1' },
    { account: 'b', ip: '192.0.2.2' },
  ];
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('check' as const), who: fc.nat(3) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('failure' as const), who: fc.nat(3) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('success' as const), who: fc.nat(3) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('advance' as const),
        ms: fc.constantFrom(1, 400, 999, 1000, 2000, 4000, 30_000, 60_000),
      }),
    },
  );
  const options = fc.record({
    freeFailures: fc.integer({ min: 0, max: 3 }),
    baseDelayMs: fc.constantFrom(1000, 1500),
    maxDelayMs: fc.constantFrom(1500, 4000, 90_000),
    ipMaxFailures: fc.integer({ min: 1, max: 6 }),
    ipWindowMs: fc.constantFrom(1000, 5000, 60_000),
    accountMaxFailures: fc.integer({ min: 1, max: 6 }),
    accountWindowMs: fc.constantFrom(1000, 5000, 60_000),
    inFlightTtlMs: fc.constantFrom(1000, 2000, 60_000),
  });
  await fc.assert(
    fc.asyncProperty(options, fc.array(op, { maxLength: 40 }), async (o, ops) => {
      const { clock, store } = setup();
      const guard = createLoginGuard({ ...o, store });
      const model = createModel(o);
      for (const step of ops) {
        if (step.op === 'advance') {
          clock.advance(step.ms);
          continue;
        }
        const attempt = who[step.who] as LoginAttempt;
        if (step.op === 'success') {
          await guard.success(attempt);
          model.success(attempt, clock.now());
        } else {
          const actual = await guard[step.op](attempt);
          expect(actual, `${step.op} ${JSON.stringify(attempt)}`).toEqual(model[step.op](attempt, clock.now()));
        }
      }
    }),
    { numRuns },
  );
}
