/**
 * One app instance for the multi-process exactness test: its own process, its own Redis connection (ioredis or
 * node-redis, from argv). On each `{ algorithm, key, count }` message it fires `count` concurrent consumes and
 * reports how many were admitted.
 */
import { createRedisStore } from 'bulwark/adapters/redis';
import { createRateLimiter, type RateLimitAlgorithm } from 'bulwark/rate-limit';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

const [url, prefix, kind] = process.argv.slice(2) as [string, string, string];

async function connect() {
  if (kind === 'ioredis') return new Redis(url);
  const client = createClient({ url });
  await client.connect();
  return client;
}

const client = await connect();
const store = createRedisStore({ client, prefix });

process.on('message', async (message: { algorithm: RateLimitAlgorithm; key: string; count: number } | 'exit') => {
  if (message === 'exit') {
    if (client instanceof Redis) client.disconnect();
    else await client.quit();
    process.exit(0);
  }
  const limiter = createRateLimiter({
    name: 'exactness',
    algorithm: message.algorithm,
    limit: 1000,
    windowMs: 86_400_000,
    store,
  });
  const results = await Promise.all(Array.from({ length: message.count }, () => limiter.consume(message.key)));
  process.send?.({
    allowed: results.filter((r) => r.allowed).length,
    errors: results.filter((r) => r.reason === 'store-error').length,
  });
});
process.send?.('ready');
