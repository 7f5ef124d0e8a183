-- One school's switch from its live aggregates to a rebuild's (streams/rebuild.py), all or nothing.
--
-- KEYS[1]            the school's live offsets hash
-- KEYS[2 .. 2n+1]    n pairs: a rebuilt key, the live key it replaces (same hash tag: one slot)
-- KEYS[2n+2 ..]      live aggregate keys the rebuild has no counterpart of: deleted
-- ARGV[1] n, ARGV[2] "<topic>/", then pairs: stream "<topic>/<partition>", the rebuild's position
--         there (it has applied every event of the partition below it).
-- Returns 1 when switched; 0, touching nothing, when the live aggregators have applied an event of
-- the school that the rebuild has not read yet: the rebuild reads on and tries again.

local pairs_n = tonumber(ARGV[1])
local topic = ARGV[2]
local position = {}
for i = 3, #ARGV, 2 do position[ARGV[i]] = tonumber(ARGV[i + 1]) end

-- Only the rebuild's topic: offsets of an older topic name are no longer read by anyone.
local live = redis.call('HGETALL', KEYS[1])
for i = 1, #live, 2 do
  local stream = live[i]
  if string.sub(stream, 1, #topic) == topic then
    local at = position[stream]
    if at == nil or tonumber(live[i + 1]) > at then return 0 end
  end
end

-- RENAME keeps the rebuilt key's expiry; a rebuilt key that expired meanwhile takes its live
-- twin with it. The live offsets hash is among the renamed keys: a live batch that WATCHed it
-- is refused at EXEC and planned again on the rebuilt aggregates (streams/store.py).
for i = 2, 2 * pairs_n, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('RENAME', KEYS[i], KEYS[i + 1])
  else
    redis.call('DEL', KEYS[i + 1])
  end
end
for i = 2 * pairs_n + 2, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
