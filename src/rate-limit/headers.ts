import { BulwarkError } from '../errors.js';
import type { RateLimitResult } from './types.js';

/** Response header fields for a rate-limit decision; `Retry-After` is present only on denial. */
export interface RateLimitHeaders {
  'RateLimit-Policy': string;
  RateLimit: string;
  'Retry-After'?: string;
}

/**
 * The IETF `RateLimit` and `RateLimit-Policy` header fields (draft-ietf-httpapi-ratelimit-headers-10/11, Structured
 * Field Lists whose items are the quoted policy name with `q` quota and `w` window seconds, and `r` remaining and `t`
 * seconds until reset), plus `Retry-After` in whole seconds, rounded up, on denial.
 *
 * @throws INPUT_INVALID when `policyName` is empty, longer than 64 characters or not printable ASCII.
 * @example
 * rateLimitHeaders({ allowed: true, limit: 100, remaining: 50, resetMs: 30_000, retryAfterMs: 0, windowMs: 60_000, reason: 'ok' });
 * // { 'RateLimit-Policy': '"default";q=100;w=60', RateLimit: '"default";r=50;t=30' }
 */
export function rateLimitHeaders(result: RateLimitResult, policyName = 'default'): RateLimitHeaders {
  if (typeof policyName !== 'string' || !/^[\x20-\x7e]{1,64}$/.test(policyName)) {
    throw new BulwarkError('INPUT_INVALID', 'policyName must be 1 to 64 printable ASCII characters', {
      details: { parameter: 'policyName' },
    });
  }
  const name = `"${policyName.replace(/[\\"]/g, '\\$&')}"`;
  const headers: RateLimitHeaders = {
    'RateLimit-Policy': `${name};q=${result.limit};w=${Math.max(1, Math.ceil(result.windowMs / 1000))}`,
    RateLimit: `${name};r=${Math.max(0, result.remaining)};t=${Math.ceil(Math.max(0, result.resetMs) / 1000)}`,
  };
  if (!result.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
  return headers;
}
