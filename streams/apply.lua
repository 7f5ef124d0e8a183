-- Applies one school's batch, atomically (a script runs alone): see streams/store.py.
-- Every key is one school's, under its hash tag, so the script runs in one Redis Cluster slot.
--
-- KEYS[1] the school's offsets hash, KEYS[2] its meta hash, KEYS[3..] the other keys it writes.
-- ARGV  stream, next offset, now (epoch ms),
--       n, then n (stream, offset) pairs: the offsets hash as it was read for planning,
--       s, then s dedupe sets: key number, count, that many digests,
--       then writes to the end: command, key number, count, that many arguments.
-- Returns {'ok'}, or {'changed'} when the offsets hash is no longer as read (another consumer, or
-- another partition of the school, applied a batch: read and plan again), writing nothing then.
-- Every write to a school goes through this script and moves the offsets hash, so an unchanged
-- hash means unchanged registers and dedupe sets: what the planning read still holds.

local CHUNK = 1000 -- arguments per command: unpack() runs out of stack at a few thousand
local WRITES = {HDEL = 1, HSET = 2, HINCRBY = 2, ZREM = 1, ZADD = 2,
                ZREMRANGEBYRANK = 0, EXPIREAT = 0, EXPIRE = 0} -- arguments per item, 0: fixed
local last = #ARGV

-- 1. The offsets hash as read: the compare-and-set that stands in for WATCH.
local n = tonumber(ARGV[4])
local stored = redis.call('HGETALL', KEYS[1])
if #stored ~= 2 * n then return {'changed'} end
local expected = {}
for i = 5, 4 + 2 * n, 2 do expected[ARGV[i]] = ARGV[i + 1] end
for i = 1, #stored, 2 do
  if expected[stored[i]] ~= stored[i + 1] then return {'changed'} end
end

-- 2. Past the dedupe sets, every write is one this script knows: checked before the first is made.
local sets_at = 6 + 2 * n
local p = sets_at
for _ = 1, tonumber(ARGV[sets_at - 1]) do
  p = p + 2 + tonumber(ARGV[p + 1])
end
local writes_at = p
while p <= last do
  if not WRITES[ARGV[p]] or not KEYS[tonumber(ARGV[p + 1])] then
    return redis.error_reply('apply.lua: bad write ' .. tostring(ARGV[p]))
  end
  p = p + 3 + tonumber(ARGV[p + 2])
end

-- 3. The digests, the writes, then the offset that says they are done.
p = sets_at
for _ = 1, tonumber(ARGV[sets_at - 1]) do
  local key, to = KEYS[tonumber(ARGV[p])], p + 1 + tonumber(ARGV[p + 1])
  for lo = p + 2, to, CHUNK do
    redis.call('SADD', key, unpack(ARGV, lo, math.min(lo + CHUNK - 1, to)))
  end
  p = to + 1
end
p = writes_at
while p <= last do
  local command, key, to = ARGV[p], KEYS[tonumber(ARGV[p + 1])], p + 2 + tonumber(ARGV[p + 2])
  local step = WRITES[command]
  if command == 'HINCRBY' then
    for i = p + 3, to, 2 do redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1]) end
  elseif step == 0 then
    redis.call(command, key, unpack(ARGV, p + 3, to))
  else
    for lo = p + 3, to, CHUNK do -- CHUNK is even: pairs stay whole
      redis.call(command, key, unpack(ARGV, lo, math.min(lo + CHUNK - 1, to)))
    end
  end
  p = to + 1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], 'last_applied_ms', ARGV[3], 'stream', ARGV[1])
return {'ok'}
