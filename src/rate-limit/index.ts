export type { StoreErrorPolicy } from '../internal/store-call.js';
export { type RateLimitHeaders, rateLimitHeaders } from './headers.js';
export { DEFAULT_IP_KEY, type IpKeyOptions, ipKey } from './ip-key.js';
export {
  type ConsumeOptions,
  createRateLimiter,
  DEFAULT_RATE_LIMITER,
  type RateLimiter,
  type RateLimiterOptions,
} from './limiter.js';
export {
  createLoginGuard,
  DEFAULT_LOGIN_GUARD,
  type LoginAttempt,
  type LoginGuard,
  type LoginGuardOptions,
  type LoginGuardResult,
} from './login-guard.js';
export {
  createRateLimitMemoryStore,
  DEFAULT_RATE_LIMIT_MEMORY_STORE,
  type RateLimitMemoryStore,
  type RateLimitMemoryStoreOptions,
} from './memory-store.js';
export {
  RATE_LIMIT_ALGORITHMS,
  RATE_LIMIT_MAX_RULES,
  type RateLimitRuleOptions,
  rebuildRateLimitRule,
} from './rules.js';
export type {
  LoginCounterRule,
  LoginFailureCount,
  LoginGuardStore,
  RateLimitAlgorithm,
  RateLimitDecide,
  RateLimitMode,
  RateLimitReason,
  RateLimitResult,
  RateLimitRule,
  RateLimitStore,
  SyncRateLimitStore,
} from './types.js';
