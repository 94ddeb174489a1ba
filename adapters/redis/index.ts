export type { IoredisLikeClient, NodeRedisLikeClient, RedisClientLike } from './client.js';
export { createRedisStore, DEFAULT_REDIS_STORE, type RedisStore, type RedisStoreOptions } from './store.js';
