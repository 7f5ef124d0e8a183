-- The writes of one school's batch but its dedupe digests (streams/store.py): queued between the
-- digests' SADDs and EXEC, after a WATCH of the school's offsets hash, so it runs all or nothing
-- with them. Every key is one school's, under its hash tag: one Redis Cluster slot.
--
-- KEYS[1] the school's offsets hash, KEYS[2] its meta hash, KEYS[3..] the other keys it writes.
-- ARGV  stream, next offset, now (epoch ms),
--       then writes to the end: command, key number, count, that many arguments.
-- Returns 'ok'. One script, not a command per write: redis-py spends several µs on each.

local CHUNK = 1000 -- arguments per command: unpack() runs out of stack at a few thousand
local WRITES = {HDEL = 1, HSET = 2, HINCRBY = 2, ZREM = 1, ZADD = 2,
                ZREMRANGEBYRANK = 0, EXPIREAT = 0, EXPIRE = 0} -- arguments per item, 0: fixed
local last = #ARGV

-- Every write is one this script knows: checked before the first is made.
local p = 4
while p <= last do
  if not WRITES[ARGV[p]] or not KEYS[tonumber(ARGV[p + 1])] then
    return redis.error_reply('apply.lua: bad write ' .. tostring(ARGV[p]))
  end
  p = p + 3 + tonumber(ARGV[p + 2])
end

-- The writes, in the order given (later ones build on earlier), then the offset that says so.
p = 4
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
return 'ok'
