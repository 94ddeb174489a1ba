import type { LoginCounterRule, LoginFailureCount } from './types.js';

/**
 * Milliseconds until `rule` lets one more attempt through on a counter in state `count` (0 or less: now). In-flight
 * attempts count as failures, so concurrent attempts see each other before any of them has failed. The Redis login
 * scripts mirror this line for line: the store decides with it when reserving, the guard explains the decision.
 */
export function loginWait(count: LoginFailureCount, rule: LoginCounterRule): number {
  const attempts = count.failures + count.inFlight;
  let wait = 0;
  if (rule.baseDelayMs > 0 && attempts > rule.freeAttempts) {
    const exponent = Math.min(attempts - rule.freeAttempts - 1, 40);
    wait = Math.min(rule.baseDelayMs * 2 ** exponent, rule.maxDelayMs) - count.elapsedMs;
  }
  if (rule.maxAttempts > 0 && attempts >= rule.maxAttempts) {
    // Failures and reservations expire at different times: wait for the first expiry if what remains is below the
    // ceiling, else for the second.
    const { failures, inFlight, failuresLeftMs, inFlightLeftMs } = count;
    const first = Math.min(failuresLeftMs, inFlightLeftMs);
    const remaining = failuresLeftMs < inFlightLeftMs ? inFlight : inFlightLeftMs < failuresLeftMs ? failures : 0;
    wait = Math.max(wait, remaining < rule.maxAttempts ? first : Math.max(failuresLeftMs, inFlightLeftMs));
  }
  return wait;
}
