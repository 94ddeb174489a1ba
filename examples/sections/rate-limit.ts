import {
  createLoginGuard,
  createRateLimiter,
  createRateLimitMemoryStore,
  ipKey,
  rateLimitHeaders,
} from 'bulwark/rate-limit';

export async function rateLimitSection(): Promise<void> {
  // A limiter: 3 requests per minute per client, sliding window, in memory (use bulwark/adapters/redis to share it).
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 });
  const client = ipKey('::ffff:203.0.113.7'); // IPv4-mapped IPv6 → the IPv4 client
  console.log('client key:', client, '| an IPv6 client is grouped by /56:', ipKey('2001:db8:abcd:12ff::1'));
  for (let i = 1; i <= 4; i++) {
    const result = await limiter.consume(client);
    const verdict = result.allowed
      ? 'allowed'
      : `denied (${result.reason}), retry in ${Math.ceil(result.retryAfterMs / 1000)} s`;
    console.log(`request ${i}: ${verdict}, ${result.remaining} left`);
    if (!result.allowed) console.log('  429 headers:', JSON.stringify(rateLimitHeaders(result)));
  }

  // Brute-force protection: an attacker guessing Jane's password slows only themselves down.
  let now = Date.now();
  const guard = createLoginGuard({ store: createRateLimitMemoryStore({ now: () => now }) });
  const attacker = { account: 'jane@example.com', ip: '198.51.100.66' };
  const jane = { account: 'jane@example.com', ip: '192.0.2.10' };
  for (let i = 1; i <= 6; i++) {
    const gate = await guard.check(attacker);
    if (!gate.allowed) now += gate.retryAfterMs; // a real attacker would have to wait this long
    const next = await guard.failure(attacker);
    console.log(`attacker wrong password #${i}: next attempt allowed in ${next.retryAfterMs / 1000} s`);
  }
  const janeGate = await guard.check(jane);
  console.log(
    'Jane, from her own IP, may try now:',
    janeGate.allowed,
    '(lockout only at 100 failures, NIST SP 800-63B)',
  );
  await guard.success(jane);
  console.log("Jane's success reset the account's failure count:", (await guard.check(jane)).failures === 0);
}
