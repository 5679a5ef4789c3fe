// One Lua script per store operation: the operation's body linked with what it uses of the shared prelude (keys,
// records, indexes, routing). The operation's own arguments start at ARGV[A + 1]. Agent operations answer
// {'ok' | 'unknown_agent' | 'not_allowed', agent, offer or {}, ...}; see acd-replies.ts for the shapes.

import { LuaScript } from '../redis/lua-script.js';
import { ACD_LUA_LIBRARY } from './acd-lua-prelude.js';

const script = (body: string): LuaScript => new LuaScript(ACD_LUA_LIBRARY.link(body));

/** id, gateway, skill, lang, priority, enqueuedAt. Answers {offer or {}}. */
export const ENQUEUE = script(`
local id, g, s, l, p, e = ARGV[A + 1], ARGV[A + 2], ARGV[A + 3], ARGV[A + 4], tonumber(ARGV[A + 5]), tonumber(ARGV[A + 6])
-- Whoever enqueues holds the channel: its gateway is alive whatever its heartbeat last said.
redis.call('SREM', K_GDEAD, g)
local c = loadCall(id)
if c then
  -- Offered, ringing or on call: the call is in hand already, nothing to put back.
  if c.ph ~= 'waiting' and c.ph ~= 'parked' then return finish({{}}) end
  -- Another gateway, alive, already holds a call of this id: two Asterisks gave the same channel id (each needs its
  -- own systemname). Taking it over would lose one of the two callers.
  if c.g ~= g and c.ph == 'waiting' then
    local aliveUntil = tonumber(redis.call('ZSCORE', K_GW, c.g) or '0')
    if aliveUntil > NOW and redis.call('SISMEMBER', K_GDEAD, c.g) == 0 then return {'conflict', c.g} end
  end
  -- Again (re-adoption after a restart, or a parked call whose gateway is back): same place, enqueuedAt kept.
  if c.ph == 'waiting' then unindexCall(c) end
  if c.g ~= g then
    redis.call('SREM', gkey(c.g), id)
    redis.call('SADD', gkey(g), id)
  end
  c.g = g
  c.s = s
  c.l = l
  if p > c.p then c.p = p end
else
  c = {id = id, g = g, s = s, l = l, p = p, e = e, ph = 'waiting', a = '', ep = '', oa = '', x = '', cb = '', cbl = '', cbt = 0}
  redis.call('SADD', gkey(g), id)
  count('queued')
end
return finish({waitAndMatch(c) or {}})
`);

/** id, number. Answers {1} when the call was waiting and is now a call-back, {0} otherwise. */
export const BOOK_CALLBACK = script(`
local c = loadCall(ARGV[A + 1])
-- Offered or ringing: an agent is about to take the caller on the line, who must not be told otherwise.
if not c or c.ph ~= 'waiting' then return {0} end
-- Its place (rank score, enqueuedAt, priority) is untouched: only what its offers will carry changes.
redis.call('HSET', ckey(c.id), 'cb', ARGV[A + 2], 'cbl', '', 'cbt', '0')
count('callbacksBooked')
return {1}
`);

/**
 * agent, call, offeredAt, gateway, leg. The call-back's caller is being dialed on channel leg by gateway: the agent reserved
 * for it rings (waits), the call is ringing and owned by gateway from now on.
 */
export const DIALING_CALLBACK = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
local id, oa, g, leg = ARGV[A + 2], ARGV[A + 3], ARGV[A + 4], ARGV[A + 5]
if not allowed('ring', a.st) or a.cid ~= id then return refusal(a) end
local c = loadCall(id)
if not c or c.ph ~= 'offered' or c.a ~= a.id or c.oa ~= oa or c.cb == '' or c.cbl ~= '' then return refusal(a) end
redis.call('ZREM', K_RESV, id)
redis.call('SREM', K_GDEAD, g)
if c.g ~= g then
  redis.call('SREM', gkey(c.g), id)
  redis.call('SADD', gkey(g), id)
  c.g = g
end
c.ph = 'ringing'
c.cbl = leg
saveCall(c)
setState(a, 'ringing')
saveAgent(a)
return finish({'ok', agentReply(a), {}})
`);

/**
 * agent, call, attempts, retry ms. The call-back's caller did not answer: the agent is ready (and matched), the
 * call waits for its retry (phase retrying) or, after the last attempt, leaves the queue as abandoned.
 * Answers {status, agent, offer, 'retry' | 'abandoned'}.
 */
export const CALLBACK_FAILED = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
local id, attempts, retry = ARGV[A + 2], tonumber(ARGV[A + 3]), tonumber(ARGV[A + 4])
if not allowed('release', a.st) or a.cid ~= id then return refusal(a) end
local c = loadCall(id)
if not c or c.a ~= a.id or c.cb == '' or (c.ph ~= 'offered' and c.ph ~= 'ringing') then return refusal(a) end
redis.call('ZREM', K_RESV, id)
c.cbt = c.cbt + 1
local outcome = 'retry'
if c.cbt >= attempts then
  outcome = 'abandoned'
  dropCall(c)
  queueChanged()
  count('abandoned')
  count('callbacksAbandoned')
else
  c.ph = 'retrying'
  c.p = HEAD
  c.a = ''
  c.ep = ''
  c.oa = ''
  c.x = ''
  c.cbl = ''
  saveCall(c)
  redis.call('ZADD', K_CBR, fmt(NOW + retry), id)
end
local o = readyAndMatch(a)
return finish({'ok', agentReply(a), o or {}, outcome})
`);

/** id, reason. Answers {call or {}}. */
export const LEAVE = script(`
local id, reason = ARGV[A + 1], ARGV[A + 2]
local c = loadCall(id)
-- A call on an agent is no longer in the queue: it ends through callEnded (or agentLost).
if not c or c.ph == 'onCall' then return finish({{}}) end
local reply = callReply(c)
if c.ph == 'waiting' then unindexCall(c) end
dropCall(c)
queueChanged()
if reason == 'abandoned' then count('abandoned') end
if c.ph == 'offered' or c.ph == 'ringing' then
  local a = loadAgent(c.a)
  if a and a.cid == id and allowed('release', a.st) then readyAndMatch(a) end
end
return finish({reply})
`);

/** id. Answers {position, waiting, agents, handle-time sum, handle-time count} or {}. */
export const POSITION = script(`
local c = loadCall(ARGV[A + 1])
if not c or c.ph ~= 'waiting' then return {} end
local key = wkey(c.s, c.l)
local rank = redis.call('ZRANK', key, c.id)
if not rank then return {} end
local agents = tonumber(redis.call('HGET', K_NLOG, c.s .. '|' .. c.l) or '0')
local times = redis.call('LRANGE', hskey(c.s), 0, -1)
if #times == 0 then times = redis.call('LRANGE', K_HS, 0, -1) end
local sum = 0
for i = 1, #times do sum = sum + tonumber(times[i]) end
return {rank + 1, redis.call('ZCARD', key), agents, fmt(sum), #times}
`);

/** Answers the waiting calls, longest waiting first. */
export const WAITING_CALLS = script(`
local out = {}
local ids = redis.call('ZRANGE', K_WALL, 0, -1)
for i = 1, #ids do
  local c = loadCall(ids[i])
  if c then out[#out + 1] = callReply(c) end
end
return out
`);

/** gateway. Answers every call the gateway owns. */
export const CALLS_OF = script(`
local out = {}
local ids = redis.call('SMEMBERS', gkey(ARGV[A + 1]))
for i = 1, #ids do
  local c = loadCall(ids[i])
  if c then out[#out + 1] = callReply(c) end
end
return out
`);

/** id, endpoint, skills. */
export const LOGIN = script(`
local id, ep, sk = ARGV[A + 1], ARGV[A + 2], ARGV[A + 3]
local a = loadAgent(id)
if not a then
  a = {id = id, st = 'offline', ep = ep, sk = sk, rs = '', cid = '', since = NOW, idle = NOW, ans = '', csk = '', dl = ''}
end
if not allowed('login', a.st) then return refusal(a) end
if a.ep ~= ep then redis.call('SREM', epkey(a.ep), id) end
redis.call('SADD', epkey(ep), id)
if a.st == 'offline' then
  a.ep = ep
  a.sk = sk
  countLoggedIn(sk, 1)
  a.rs = 'logged in'
  a.idle = NOW
  setState(a, 'paused')
  saveAgent(a)
  return finish({'ok', agentReply(a), {}})
end
-- Logged in already: new endpoint and skills, same state; a ready agent is indexed again under the new ones.
unindexAgent(a)
countLoggedIn(a.sk, -1)
countLoggedIn(sk, 1)
a.ep = ep
a.sk = sk
saveAgent(a)
noteAgent(a)
local o = nil
if a.st == 'ready' and available(a.ep) then
  indexAgent(a)
  o = matchAgent(a)
end
return finish({'ok', agentReply(a), o or {}})
`);

/** id. Answers {status, agent, offer, call the agent held or ''}. */
export const LOGOUT = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
if not allowed('logout', a.st) then return refusal(a) end
local held = nil
if a.st == 'reserved' or a.st == 'ringing' or a.st == 'onCall' then held = loadCall(a.cid) end
if a.st == 'wrapUp' then leaveWrapUp(a) end
unindexAgent(a)
if a.st ~= 'offline' then countLoggedIn(a.sk, -1) end
local heldId = ''
if a.st == 'reserved' or a.st == 'ringing' or a.st == 'onCall' then heldId = a.cid end
a.cid = ''
a.rs = ''
a.ans = ''
a.csk = ''
a.dl = ''
setState(a, 'offline')
saveAgent(a)
local o = nil
if held and held.a == a.id then o = requeueHead(held) end
return finish({'ok', agentReply(a), o or {}, heldId})
`);

/** id. */
export const READY = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
if not allowed('ready', a.st) then return refusal(a) end
if a.st == 'wrapUp' then leaveWrapUp(a) end
local o = readyAndMatch(a)
return finish({'ok', agentReply(a), o or {}})
`);

/** id, reason. */
export const PAUSE = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
if not allowed('pause', a.st) then return refusal(a) end
if a.st == 'wrapUp' then leaveWrapUp(a) end
becomePaused(a, ARGV[A + 2])
return finish({'ok', agentReply(a), {}})
`);

/** id, call. */
export const RINGING = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
local id = ARGV[A + 2]
if not allowed('ring', a.st) or a.cid ~= id then return refusal(a) end
local c = loadCall(id)
if not c or c.ph ~= 'offered' or c.a ~= a.id then return refusal(a) end
redis.call('ZREM', K_RESV, id)
c.ph = 'ringing'
saveCall(c)
setState(a, 'ringing')
saveAgent(a)
return finish({'ok', agentReply(a), {}})
`);

/** id, call. */
export const ANSWERED = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
local id = ARGV[A + 2]
if not allowed('answer', a.st) or a.cid ~= id then return refusal(a) end
local c = loadCall(id)
if not c or c.ph ~= 'ringing' or c.a ~= a.id then return refusal(a) end
c.ph = 'onCall'
saveCall(c)
a.ans = fmt(NOW)
a.csk = c.s
setState(a, 'onCall')
saveAgent(a)
count('answered')
if NOW - c.e <= SL_MS then count('answeredInTime') end
return finish({'ok', agentReply(a), {}})
`);

/**
 * event (noAnswer or lost), id, call, reason. The agent is paused with the reason, the call goes back
 * to the head of the queue and is matched at once.
 */
export const CALL_BACK = script(`
local event = ARGV[A + 1]
local a = loadAgent(ARGV[A + 2])
if not a then return {'unknown_agent'} end
local id = ARGV[A + 3]
if not allowed(event, a.st) or a.cid ~= id then return refusal(a) end
local c = loadCall(id)
becomePaused(a, ARGV[A + 4])
local o = nil
if c and c.a == a.id and c.ph ~= 'waiting' and c.ph ~= 'parked' then o = requeueHead(c) end
return finish({'ok', agentReply(a), o or {}})
`);

/** id, call, wrap-up ms. */
export const CALL_ENDED = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
local id, wrapMs = ARGV[A + 2], tonumber(ARGV[A + 3])
if not allowed('end', a.st) or a.cid ~= id then return refusal(a) end
local c = loadCall(id)
if c then dropCall(c) end
if wrapMs > 0 then
  a.dl = fmt(NOW + wrapMs)
  setState(a, 'wrapUp')
  saveAgent(a)
  redis.call('ZADD', K_WRAPS, a.dl, a.id)
  return finish({'ok', agentReply(a), {}})
end
recordHandle(a)
local o = readyAndMatch(a)
return finish({'ok', agentReply(a), o or {}})
`);

/** id. */
export const WRAP_UP_DONE = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {'unknown_agent'} end
if not allowed('wrapUpDone', a.st) then return refusal(a) end
leaveWrapUp(a)
local o = readyAndMatch(a)
return finish({'ok', agentReply(a), o or {}})
`);

/** endpoint, '1' available or '0' not. */
export const DEVICE = script(`
local ep, up = ARGV[A + 1], ARGV[A + 2] == '1'
if up then redis.call('HDEL', K_DEV, ep) else redis.call('HSET', K_DEV, ep, '0') end
local ids = redis.call('SMEMBERS', epkey(ep))
table.sort(ids, lessBytes)
for i = 1, #ids do
  local a = loadAgent(ids[i])
  if a and a.ep == ep and a.st == 'ready' then
    if up then
      indexAgent(a)
      matchAgent(a)
    else
      unindexAgent(a)
    end
  end
end
return finish({})
`);

/** id. Answers the agent or {}. */
export const AGENT = script(`
local a = loadAgent(ARGV[A + 1])
if not a then return {} end
return agentReply(a)
`);

/** Answers every agent ever logged in, by id. */
export const AGENTS = script(`
local ids = redis.call('HKEYS', K_AST)
table.sort(ids, lessBytes)
local out = {}
for i = 1, #ids do
  local a = loadAgent(ids[i])
  if a then out[#out + 1] = agentReply(a) end
end
return out
`);

/** gateway. Answers the gateway's offers still standing (an offer whose call moved on since is dropped). */
export const TAKE_OFFERS = script(`
local g = ARGV[A + 1]
local items = redis.call('LRANGE', okey(g), 0, -1)
if #items == 0 then return {} end
redis.call('DEL', okey(g))
local out = {}
for i = 1, #items do
  local cut = string.find(items[i], '\\n', 1, true)
  local id, agent = string.sub(items[i], 1, cut - 1), string.sub(items[i], cut + 1)
  local c = loadCall(id)
  if c and c.ph == 'offered' and c.a == agent and c.g == g then out[#out + 1] = offerReply(c) end
end
return out
`);

/** gateway, ttl ms. */
export const HEARTBEAT = script(`
local g = ARGV[A + 1]
redis.call('ZADD', K_GW, fmt(NOW + tonumber(ARGV[A + 2])), g)
redis.call('SREM', K_GDEAD, g)
return 1
`);

/** Answers {waiting, oldest enqueuedAt or '', {state, count, ...}, {counter, value, ...}}. */
export const STATS = script(`
local oldest = redis.call('ZRANGE', K_WALL, 0, 0, 'WITHSCORES')
local states = redis.call('HVALS', K_AST)
local byState = {}
for i = 1, #states do byState[states[i]] = (byState[states[i]] or 0) + 1 end
local flat = {}
for st, n in pairs(byState) do
  flat[#flat + 1] = st
  flat[#flat + 1] = n
end
return {redis.call('ZCARD', K_WALL), oldest[2] or '', flat, redis.call('HGETALL', K_DAY)}
`);

/**
 * batch. In order: parks the waiting calls of gateways whose heartbeat ran out; lapses reservations past their
 * time; puts call-backs due for another attempt back at the head; ends wrap-ups past their deadline; then matches the calls whose eligibility widened, best ranked first.
 * Each due entry is taken by exactly one tick (the script is atomic), so every gateway may tick at once.
 * Answers {offers, lapsed offers, {agent, call, ...}, 1 when a batch was full (more may be due)}.
 */
export const TICK = script(`
local batch = tonumber(ARGV[A + 1])
local offers, lapsed, ended = {}, {}, {}
local more = 0
local function full(list) if #list >= batch then more = 1 end end
local function offered(o) if o then offers[#offers + 1] = o end end

local dead = redis.call('ZRANGEBYSCORE', K_GW, '-inf', NOW, 'LIMIT', 0, batch)
full(dead)
for i = 1, #dead do
  local g = dead[i]
  redis.call('ZREM', K_GW, g)
  redis.call('SADD', K_GDEAD, g)
  local ids = redis.call('SMEMBERS', gkey(g))
  for j = 1, #ids do
    local c = loadCall(ids[j])
    if c and c.ph == 'waiting' then
      unindexCall(c)
      c.ph = 'parked'
      redis.call('HSET', ckey(c.id), 'ph', 'parked')
    end
  end
end

local lapses = redis.call('ZRANGEBYSCORE', K_RESV, '-inf', NOW, 'LIMIT', 0, batch)
full(lapses)
for i = 1, #lapses do
  redis.call('ZREM', K_RESV, lapses[i])
  local c = loadCall(lapses[i])
  if c and c.ph == 'offered' then
    lapsed[#lapsed + 1] = offerReply(c)
    local a = loadAgent(c.a)
    local agentId = nil
    if a and a.cid == c.id and allowed('release', a.st) then
      becomeReady(a)
      agentId = a.id
    end
    -- The call first (it may go to another agent, or back to this one), then the agent, as it is now.
    offered(requeueHead(c))
    if agentId then offered(matchAgent(loadAgent(agentId))) end
  end
end

-- Call-backs whose retry time came: back at the head of the queue (their caller is dialed when an agent is found).
local retries = redis.call('ZRANGEBYSCORE', K_CBR, '-inf', NOW, 'LIMIT', 0, batch)
full(retries)
for i = 1, #retries do
  redis.call('ZREM', K_CBR, retries[i])
  local c = loadCall(retries[i])
  if c and c.ph == 'retrying' then offered(requeueHead(c)) end
end

local wraps = redis.call('ZRANGEBYSCORE', K_WRAPS, '-inf', NOW, 'LIMIT', 0, batch)
full(wraps)
for i = 1, #wraps do
  redis.call('ZREM', K_WRAPS, wraps[i])
  local a = loadAgent(wraps[i])
  if a and allowed('wrapUpDone', a.st) then
    ended[#ended + 1] = a.id
    ended[#ended + 1] = a.cid
    leaveWrapUp(a)
    offered(readyAndMatch(a))
  end
end

local due = redis.call('ZRANGEBYSCORE', K_DUE, '-inf', NOW, 'LIMIT', 0, batch)
full(due)
-- Every due call gets its next change time (one ZADD for all), read from the waiting index (one ZMSCORE for all);
-- only calls with someone ready in their language are read and matched, the others have nobody to widen to.
local ids, langs = {}, {}
for i = 1, #due do
  local cut = string.find(due[i], '|', 1, true)
  langs[i] = string.sub(due[i], 1, cut - 1)
  ids[i] = string.sub(due[i], cut + 1)
end
local times = {}
if #ids > 0 then times = redis.call('ZMSCORE', K_WALL, unpack(ids)) end
local calls, later, never = {}, {}, {}
for i = 1, #due do
  local e = times[i] and tonumber(times[i])
  local t = e and nextChange(e)
  if t then
    later[#later + 1] = fmt(t)
    later[#later + 1] = due[i]
  else
    never[#never + 1] = due[i]
  end
  if e and not NO_READY[langs[i]] then
    if redis.call('EXISTS', rlkey(langs[i])) == 0 then
      NO_READY[langs[i]] = true
    else
      local c = loadCall(ids[i])
      if c and c.ph == 'waiting' then
        c.score = rankScore(c)
        calls[#calls + 1] = c
      end
    end
  end
end
if #later > 0 then redis.call('ZADD', K_DUE, unpack(later)) end
if #never > 0 then redis.call('ZREM', K_DUE, unpack(never)) end
table.sort(calls, function(x, y)
  if x.score ~= y.score then return x.score < y.score end
  return lessBytes(x.id, y.id)
end)
for i = 1, #calls do offered(matchCall(calls[i])) end

return finish({offers, lapsed, ended, more})
`);

