import { describe, expect, it } from 'vitest';
import { type RateLimitResult, rateLimitHeaders } from '../../src/rate-limit/index.js';
import { expectBulwarkErrorSync } from '../support/errors.js';

const base: RateLimitResult = {
  allowed: true,
  limit: 100,
  remaining: 50,
  resetMs: 29_001,
  retryAfterMs: 0,
  windowMs: 60_000,
  reason: 'ok',
};

describe('rateLimitHeaders (draft-ietf-httpapi-ratelimit-headers)', () => {
  it('writes RateLimit-Policy and RateLimit as structured-field lists, no Retry-After when allowed', () => {
    expect(rateLimitHeaders(base)).toEqual({
      'RateLimit-Policy': '"default";q=100;w=60',
      RateLimit: '"default";r=50;t=30',
    });
  });

  it('adds Retry-After in whole seconds, rounded up, on denial', () => {
    const h = rateLimitHeaders({ ...base, allowed: false, remaining: 0, retryAfterMs: 1200, reason: 'limit' }, 'burst');
    expect(h).toEqual({ 'RateLimit-Policy': '"burst";q=100;w=60', RateLimit: '"burst";r=0;t=30', 'Retry-After': '2' });
    expect(rateLimitHeaders({ ...base, allowed: false, retryAfterMs: 0, reason: 'store-error' })['Retry-After']).toBe(
      '1',
    );
  });

  it('escapes the policy name as an sf-string and refuses what it cannot encode', () => {
    expect(rateLimitHeaders(base, 'a"b\\c').RateLimit).toBe('"a\\"b\\\\c";r=50;t=30');
    expectBulwarkErrorSync(() => rateLimitHeaders(base, ''), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => rateLimitHeaders(base, 'caf\u00e9'), 'INPUT_INVALID');
    expectBulwarkErrorSync(() => rateLimitHeaders(base, 'a\nb'), 'INPUT_INVALID');
  });

  it('windows under a second still advertise w=1', () => {
    expect(rateLimitHeaders({ ...base, windowMs: 250 })['RateLimit-Policy']).toBe('"default";q=100;w=1');
  });
});
