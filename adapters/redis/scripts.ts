/**
 * The Lua scripts: one per operation, so each decision is one atomic round trip. The rate-limit arithmetic mirrors
 * src/rate-limit/algorithms.ts line for line (integers below 2^53 decide everything, so Lua's doubles agree with
 * JavaScript's). Time is the server's `TIME` unless a test passes ARGV "now" (see `unsafeNowForTesting`: then TTLs,
 * which run on real time, get 10 minutes of slack so they never end before the test's clock says; every state
 * carries its own timestamps, so a lingering key reads as expired anyway). Redis 7
 * replicates script effects, so reading the clock before writing is allowed. Every write sets a TTL.
 */
import { defineScript } from './script.js';

const CLOCK = `
local function clock(arg)
  if arg ~= '' then return tonumber(arg), 600000 end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 0
end
`;

/**
 * KEYS: one per rule. ARGV: mode (consume|peek|refund), cost, now ('' = server time), then per rule: algorithm
 * code, limit, windowMs, burst. Returns { allowed, binding rule index, remaining, resetMs, retryAfterMs }.
 */
export const RATE_LIMIT_SCRIPT = defineScript(`${CLOCK}
local mode, cost = ARGV[1], tonumber(ARGV[2])
local now, slack = clock(ARGV[3])
local function floordiv(x, y) return (x - math.fmod(x, y)) / y end
local function ceildiv(x, y) local r = math.fmod(x, y); return (x - r) / y + (r > 0 and 1 or 0) end
local steps, allowed = {}, true
for i = 1, #KEYS do
  local p = 3 + (i - 1) * 4
  local alg, limit, w, burst = ARGV[p + 1], tonumber(ARGV[p + 2]), tonumber(ARGV[p + 3]), tonumber(ARGV[p + 4])
  local key, s = KEYS[i], { alg = alg, write = false, ok = true }
  if alg == 'sl' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - w)
    local used = redis.call('ZCARD', key)
    local before = used
    if mode == 'refund' then
      used = math.max(used - cost, 0); s.write = true
    else
      s.ok = used + cost <= limit
      if s.ok and mode == 'consume' then used = used + cost; s.write = true end
    end
    local newest = now - w
    if s.write and mode == 'consume' then newest = now
    elseif used > 0 then newest = tonumber(redis.call('ZRANGE', key, used - 1, used - 1, 'WITHSCORES')[2]) end
    s.rem, s.reset, s.retry, s.exp, s.used = limit - used, (used > 0) and (newest + w - now) or 0, 0, newest + w, used
    if not s.ok then
      s.retry = tonumber(redis.call('ZRANGE', key, before + cost - limit - 1, before + cost - limit - 1, 'WITHSCORES')[2]) + w - now
    end
  else
    local a, b, c = -1, 0, 0
    local v = redis.call('GET', key)
    if v then
      local x, y, z = string.match(v, '^(%S+) (%S+) (%S+)$')
      a, b, c = tonumber(x), tonumber(y), tonumber(z)
    end
    if alg == 'tb' then
      local capacity, debt = burst * w, b
      if debt > 0 and now - a > 0 then
        if (now - a) * limit >= debt then debt = 0 else debt = debt - (now - a) * limit end
      end
      if mode == 'refund' then
        debt = math.max(debt - cost * w, 0); s.write = true
      else
        s.ok = debt + cost * w <= capacity
        if s.ok and mode == 'consume' then debt = debt + cost * w; s.write = true end
      end
      s.rem, s.reset, s.retry = floordiv(capacity - debt, w), ceildiv(debt, limit), 0
      if not s.ok then s.retry = ceildiv(debt + cost * w - capacity, limit) end
      s.a, s.b, s.c, s.exp = now, debt, 0, now + s.reset
    else
      local start = now - math.fmod(now, w)
      local current, previous = 0, 0
      if a == start then current, previous = b, c elseif a == start - w and alg == 'sw' then previous = b end
      local elapsed = now - start
      local weighted = 0
      if alg == 'sw' then weighted = (previous * (w - elapsed)) / w end
      if mode == 'refund' then
        current = math.max(current - cost, 0); s.write = true
      else
        s.ok = weighted + current + cost <= limit
        if s.ok and mode == 'consume' then current = current + cost; s.write = true end
      end
      if alg == 'fw' then
        s.rem, s.reset, s.retry, s.exp = limit - current, (current > 0) and (start + w - now) or 0, 0, start + w
        if not s.ok then s.retry = start + w - now end
      else
        s.rem = math.max(math.floor(limit - (weighted + current)), 0)
        s.reset, s.retry, s.exp = 0, 0, start + 2 * w
        if current > 0 then s.reset = w - elapsed + w elseif previous > 0 then s.reset = w - elapsed end
        if not s.ok then
          if current + cost <= limit then
            local at = math.ceil(w - ((limit - current - cost) * w) / previous)
            while at < w and (previous * (w - at)) / w + current + cost > limit do at = at + 1 end
            s.retry = at - elapsed
          else
            local at = math.ceil(w - ((limit - cost) * w) / current)
            while at < w and (current * (w - at)) / w + cost > limit do at = at + 1 end
            s.retry = w - elapsed + at
          end
        end
      end
      s.a, s.b, s.c = start, current, previous
    end
  end
  steps[i] = s
  if not s.ok then allowed = false end
end
if allowed or mode == 'refund' then
  for i = 1, #KEYS do
    local s, key = steps[i], KEYS[i]
    if s.write then
      local ttl = s.exp - now
      if ttl > 0 then ttl = ttl + slack end
      if s.alg == 'sl' then
        if mode == 'consume' then
          local seq = redis.call('ZCOUNT', key, now, now)
          for j = 0, cost - 1 do redis.call('ZADD', key, now, string.format('%.17g:%08d', now, seq + j)) end
        else
          local extra = redis.call('ZCARD', key) - s.used
          if extra > 0 then redis.call('ZPOPMAX', key, extra) end
        end
        if ttl > 0 and s.used > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('DEL', key) end
      elseif ttl > 0 then
        redis.call('SET', key, string.format('%.17g %.17g %.17g', s.a, s.b, s.c), 'PX', ttl)
      else
        redis.call('DEL', key)
      end
    end
  end
end
local best = 1
for i = 2, #KEYS do
  if allowed then
    if steps[i].rem < steps[best].rem then best = i end
  elseif steps[i].retry > steps[best].retry then best = i end
end
local s = steps[best]
return { allowed and 1 or 0, best - 1, s.rem, s.reset, allowed and 0 or s.retry }
`);

/** KEYS: the keys of one rate-limit decision. Deletes them. */
export const DELETE_SCRIPT = defineScript(`
for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end
return #KEYS
`);

/** KEYS: failure counters of one group (hashes: c count, t last failure, x expiry). ARGV: now. Returns { failures, elapsedMs } per key, flattened. */
export const LOGIN_READ_SCRIPT = defineScript(`${CLOCK}
local now = clock(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'c', 't', 'x')
  local c = tonumber(v[1]) or 0
  if c > 0 and now >= tonumber(v[3]) then c = 0 end
  out[2 * i - 1] = c
  out[2 * i] = (c > 0) and (now - tonumber(v[2])) or 0
end
return out
`);

/** KEYS: failure counters of one group. ARGV: now, ttlMs. Adds one failure to each; returns the counts. */
export const LOGIN_RECORD_SCRIPT = defineScript(`${CLOCK}
local now, slack = clock(ARGV[1])
local ttl, out = tonumber(ARGV[2]), {}
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'c', 'x')
  local c = tonumber(v[1]) or 0
  if c > 0 and now >= tonumber(v[2]) then c = 0 end
  c = c + 1
  redis.call('HSET', KEYS[i], 'c', c, 't', now, 'x', now + ttl)
  redis.call('PEXPIRE', KEYS[i], ttl + slack)
  out[2 * i - 1] = c
  out[2 * i] = 0
end
return out
`);
