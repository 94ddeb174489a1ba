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
 * A batch of decisions, each atomic on its own keys (and the batch atomic as a whole). KEYS: every decision's keys,
 * one per rule, in order. ARGV: now ('' = server time), number of decisions, then per decision: mode
 * (consume|peek|refund), cost, number of rules, then per rule: algorithm code, limit, windowMs, burst. Returns per
 * decision { allowed, binding rule index, remaining, resetMs, retryAfterMs }, flattened.
 * Counter state is three doubles packed with `struct` (exact, and cheaper to read and write than text); a sliding
 * log is a sorted set with one member per admitted cost unit.
 */
export const RATE_LIMIT_SCRIPT = defineScript(`
local now, slack
if ARGV[1] ~= '' then
  now, slack = tonumber(ARGV[1]), 600000
else
  local t = redis.call('TIME')
  now, slack = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 0
end
-- The decision being made: set for each decision of the batch.
local mode, cost, consume, refund

-- One rule: returns ok, remaining, resetMs, retryAfterMs, write, new state (a, b, c) and expiry.
-- Each step runs at t = max(now, the key's latest time), so a clock behind the key never rewinds it; waits are then
-- measured from now (memory-store.ts and addSkew in algorithms.ts do the same).
local function behind(t, ok, reset, retry)
  if t > now then
    if reset > 0 then reset = reset + (t - now) end
    if not ok then retry = retry + (t - now) end
  end
  return reset, retry
end

local function step(key, alg, limit, w, burst)
  if alg == 'sl' then
    local t = now
    local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    if last[2] and tonumber(last[2]) > t then t = tonumber(last[2]) end
    redis.call('ZREMRANGEBYSCORE', key, '-inf', t - w)
    local before = redis.call('ZCARD', key)
    local used, ok, write = before, true, false
    if refund then
      used, write = math.max(used - cost, 0), true
    else
      ok = used + cost <= limit
      if ok and consume then used, write = used + cost, true end
    end
    local newest = t - w
    if write and consume then newest = t
    elseif used > 0 then newest = tonumber(redis.call('ZRANGE', key, used - 1, used - 1, 'WITHSCORES')[2]) end
    local retry = 0
    if not ok then
      local k = before + cost - limit - 1
      retry = tonumber(redis.call('ZRANGE', key, k, k, 'WITHSCORES')[2]) + w - t
    end
    local reset
    reset, retry = behind(t, ok, (used > 0) and (newest + w - t) or 0, retry)
    return ok, limit - used, reset, retry, write, t, used, 0, newest + w
  end
  local a, b, c = -1, 0, 0
  local v = redis.call('GET', key)
  if v then
    a, b, c = struct.unpack('<ddd', v)
  end
  local t = now
  if a > t then t = a end
  local ok, write = true, false
  if alg == 'tb' then
    local capacity, debt = burst * w, b
    if debt > 0 and t > a then
      if (t - a) * limit >= debt then debt = 0 else debt = debt - (t - a) * limit end
    end
    if refund then
      debt, write = math.max(debt - cost * w, 0), true
    else
      ok = debt + cost * w <= capacity
      if ok and consume then debt, write = debt + cost * w, true end
    end
    local free = capacity - debt
    local rem = math.floor(free / w)
    if rem * w > free then rem = rem - 1 elseif (rem + 1) * w <= free then rem = rem + 1 end
    local reset = math.floor(debt / limit)
    if reset * limit > debt then reset = reset - 1 elseif (reset + 1) * limit <= debt then reset = reset + 1 end
    if reset * limit < debt then reset = reset + 1 end
    local retry = 0
    if not ok then
      local excess = debt + cost * w - capacity
      retry = math.floor(excess / limit)
      if retry * limit > excess then retry = retry - 1 elseif (retry + 1) * limit <= excess then retry = retry + 1 end
      if retry * limit < excess then retry = retry + 1 end
    end
    local expires = t + reset
    reset, retry = behind(t, ok, reset, retry)
    return ok, rem, reset, retry, write, (debt > 0) and t or -1, debt, 0, expires
  end
  local start = math.floor(t / w)
  if start * w > t then start = start - 1 elseif (start + 1) * w <= t then start = start + 1 end
  start = start * w
  local current, previous = 0, 0
  if a == start then current, previous = b, c elseif a == start - w and alg == 'sw' then previous = b end
  local elapsed = t - start
  -- A refund just after a boundary gives back what the previous window counted once this one has nothing left.
  if refund then previous = math.max(previous - math.max(cost - current, 0), 0) end
  local weighted = 0
  if alg == 'sw' then weighted = (previous * (w - elapsed)) / w end
  if refund then
    current, write = math.max(current - cost, 0), true
  else
    ok = weighted + current + cost <= limit
    if ok and consume then current, write = current + cost, true end
  end
  if alg == 'fw' then
    local left = start + w - t
    local reset, retry = behind(t, ok, (current > 0) and left or 0, ok and 0 or left)
    return ok, limit - current, reset, retry, write, start, current, 0, start + w
  end
  local reset, retry = 0, 0
  if current > 0 then reset = w - elapsed + w elseif previous > 0 then reset = w - elapsed end
  if not ok then
    if current + cost <= limit then
      local at = math.ceil(w - ((limit - current - cost) * w) / previous)
      while at < w and (previous * (w - at)) / w + current + cost > limit do at = at + 1 end
      retry = at - elapsed
    else
      local at = math.ceil(w - ((limit - cost) * w) / current)
      while at < w and (current * (w - at)) / w + cost > limit do at = at + 1 end
      retry = w - elapsed + at
    end
  end
  reset, retry = behind(t, ok, reset, retry)
  return ok, math.max(math.floor(limit - (weighted + current)), 0), reset, retry, write, start, current, previous, start + 2 * w
end

local function store(key, alg, a, b, c, exp)
  local ttl = exp - now
  if alg == 'sl' then
    if consume then
      -- a is the step's time: the clock, or the log's newest entry if the clock is behind it (scores stay ordered).
      local seq = redis.call('ZCOUNT', key, a, a)
      for j = 0, cost - 1 do redis.call('ZADD', key, a, string.format('%d:%08d', a, seq + j)) end
    else
      local extra = redis.call('ZCARD', key) - b
      if extra > 0 then redis.call('ZPOPMAX', key, extra) end
    end
    if ttl > 0 and b > 0 then redis.call('PEXPIRE', key, ttl + slack) else redis.call('DEL', key) end
  elseif ttl > 0 then
    redis.call('SET', key, struct.pack('<ddd', a, b, c), 'PX', ttl + slack)
  else
    redis.call('DEL', key)
  end
end

-- One decision over KEYS[k + 1 .. k + n] with rule arguments from ARGV[p]: all rules or none.
local function decide(k, n, p)
  if n == 1 then
    local alg = ARGV[p]
    local ok, rem, reset, retry, write, a, b, c, exp = step(KEYS[k + 1], alg, tonumber(ARGV[p + 1]), tonumber(ARGV[p + 2]), tonumber(ARGV[p + 3]))
    if write then store(KEYS[k + 1], alg, a, b, c, exp) end
    return ok and 1 or 0, 0, rem, reset, ok and 0 or retry
  end
  local results, allowed = {}, true
  for i = 1, n do
    local q = p + (i - 1) * 4
    local r = { step(KEYS[k + i], ARGV[q], tonumber(ARGV[q + 1]), tonumber(ARGV[q + 2]), tonumber(ARGV[q + 3])) }
    results[i] = r
    if not r[1] then allowed = false end
  end
  if allowed or refund then
    for i = 1, n do
      local r = results[i]
      if r[5] then store(KEYS[k + i], ARGV[p + (i - 1) * 4], r[6], r[7], r[8], r[9]) end
    end
  end
  local best = 1
  for i = 2, n do
    if allowed then
      if results[i][2] < results[best][2] then best = i end
    elseif results[i][4] > results[best][4] then best = i end
  end
  local r = results[best]
  return allowed and 1 or 0, best - 1, r[2], r[3], allowed and 0 or r[4]
end

local out, k, p = {}, 0, 3
for d = 1, tonumber(ARGV[2]) do
  mode, cost = ARGV[p], tonumber(ARGV[p + 1])
  consume, refund = mode == 'consume', mode == 'refund'
  local n = tonumber(ARGV[p + 2])
  local o = 5 * (d - 1)
  out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = decide(k, n, p + 3)
  k, p = k + n, p + 3 + 4 * n
end
return out
`);

/** KEYS: the keys of one rate-limit decision. Deletes them. */
export const DELETE_SCRIPT = defineScript(`
for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end
return #KEYS
`);

/**
 * A login-guard counter is a hash: c failures, t last failure, x when they are forgotten; n attempts in flight, r last
 * reservation, y when they expire. Expired parts read as zero. Mirrors src/rate-limit/login-counters.ts, and `wait`
 * mirrors src/rate-limit/login-wait.ts. A reply per counter: failures, inFlight, elapsedMs, failuresLeftMs,
 * inFlightLeftMs.
 */
const LOGIN_COUNTER = `${CLOCK}
local function counter(key, now)
  local v = redis.call('HMGET', key, 'c', 't', 'x', 'n', 'r', 'y')
  local c, t, x = tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0
  local n, r, y = tonumber(v[4]) or 0, tonumber(v[5]) or 0, tonumber(v[6]) or 0
  if x <= now then c, t, x = 0, 0, 0 end
  if y <= now then n, r, y = 0, 0, 0 end
  return c, t, x, n, r, y
end

local function report(out, now, c, t, x, n, r, y)
  local last, elapsed, cleft, nleft = 0, 0, 0, 0
  if c > 0 then last, cleft = t, x - now end
  if n > 0 then last, nleft = math.max(last, r), y - now end
  if c + n > 0 then elapsed = now - last end
  local o = #out
  out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = c, n, elapsed, cleft, nleft
  return elapsed, cleft, nleft
end

local function wait(c, n, elapsed, cleft, nleft, maxattempts, free, base, maxdelay)
  local attempts, w = c + n, 0
  if base > 0 and attempts > free then
    w = math.min(base * 2 ^ math.min(attempts - free - 1, 40), maxdelay) - elapsed
  end
  if maxattempts > 0 and attempts >= maxattempts then
    local remaining = 0
    if cleft < nleft then remaining = n elseif nleft < cleft then remaining = c end
    if remaining < maxattempts then w = math.max(w, math.min(cleft, nleft)) else w = math.max(w, cleft, nleft) end
  end
  return w
end
`;

/**
 * KEYS: the counters of one group. ARGV: now, inFlightTtlMs, then per key its rule: ttlMs, maxAttempts, freeAttempts,
 * baseDelayMs, maxDelayMs. Reserves one in-flight attempt on every key if no rule refuses, else changes nothing.
 * Returns { reserved } followed by each counter as it was before.
 */
export const LOGIN_RESERVE_SCRIPT = defineScript(`${LOGIN_COUNTER}
local now, slack = clock(ARGV[1])
local inflight, out, before, ok = tonumber(ARGV[2]), { 0 }, {}, true
for i = 1, #KEYS do
  local c, t, x, n, r, y = counter(KEYS[i], now)
  before[i] = { x = x, n = n }
  local elapsed, cleft, nleft = report(out, now, c, t, x, n, r, y)
  local p = 3 + (i - 1) * 5
  local w = wait(c, n, elapsed, cleft, nleft, tonumber(ARGV[p + 1]), tonumber(ARGV[p + 2]), tonumber(ARGV[p + 3]), tonumber(ARGV[p + 4]))
  if w > 0 then ok = false end
end
if ok then
  out[1] = 1
  for i = 1, #KEYS do
    local b = before[i]
    redis.call('HSET', KEYS[i], 'n', b.n + 1, 'r', now, 'y', now + inflight)
    redis.call('PEXPIRE', KEYS[i], math.max(b.x, now + inflight) - now + slack)
  end
end
return out
`);

/**
 * KEYS: the counters of one group. ARGV: now, then per key its failure ttlMs. Turns one in-flight attempt of each
 * key into a failure (or adds one), and returns the counters after.
 */
export const LOGIN_RECORD_SCRIPT = defineScript(`${LOGIN_COUNTER}
local now, slack = clock(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local c, t, x, n, r, y = counter(KEYS[i], now)
  c, t, x = c + 1, now, now + tonumber(ARGV[1 + i])
  if n > 0 then n = n - 1 end
  redis.call('HSET', KEYS[i], 'c', c, 't', t, 'x', x, 'n', n, 'r', r, 'y', y)
  redis.call('PEXPIRE', KEYS[i], math.max(x, y) - now + slack)
  report(out, now, c, t, x, n, r, y)
end
return out
`);

/** KEYS: the counters of one group. ARGV: now. Removes one in-flight attempt from each that has one. */
export const LOGIN_RELEASE_SCRIPT = defineScript(`${LOGIN_COUNTER}
local now = clock(ARGV[1])
for i = 1, #KEYS do
  local c, t, x, n = counter(KEYS[i], now)
  if n > 0 then redis.call('HSET', KEYS[i], 'n', n - 1) end
end
return #KEYS
`);

/** KEYS: the last accepted TOTP step of one key. ARGV: step, ttlMs. Records the step only if greater: 1, else 0. */
export const OTP_STEP_SCRIPT = defineScript(`
local last = redis.call('GET', KEYS[1])
if last and tonumber(last) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/** KEYS: the used recovery codes of one key (a hash). ARGV: code id, ttlMs. Set-if-absent: 1 the first time. */
export const RECOVERY_MARK_SCRIPT = defineScript(`
local added = redis.call('HSETNX', KEYS[1], ARGV[1], '1')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return added
`);
