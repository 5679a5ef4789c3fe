// The Lua every ACD script is built from: the key layout, agent and call records, the indexes and the routing policy.
// Each operation's script is a short body (acd-scripts.ts) linked with the definitions of this prelude it uses
// (lua-library.ts), so one policy is applied atomically by whichever gateway runs it.
//
// Calling convention. KEYS: the fixed keys of FIXED_KEYS (acd-keys.ts) in that order, then today's counters.
// ARGV: base (`{prefix}:acd:`), now, reservation ms, service level ms, widenEveryMs, overflowAfterMs, then the
// operation's own arguments (ARGV[A + 1] on).
//
// Keys derived here (a call's hash, an agent's hash, the per-skill indexes) are not in KEYS because they depend on
// what the script reads (the agent's skills, the call's language). They all start with `base`, whose `{prefix}` is
// the hash tag of every key in KEYS, so they live in the same cluster slot as the keys the script was routed by;
// Redis runs scripts without a `#!lua flags=` line in compatibility mode, where such same-slot keys are allowed.
//
// Layout (all under base):
//   c:<call>    hash  g gateway, s skill, l language, p priority, e enqueuedAt, ph phase, a agent, ep endpoint,
//                     oa offeredAt, x expiresAt, cb call-back number, cbl the call-back's channel once dialed,
//                     cbt call-back attempts that went unanswered
//   a:<agent>   hash  st state, ep endpoint, sk skills ("1environment,2zh": level digit then name), rs reason,
//                     cid call, since, idle idleSince, ans answeredAt, csk the call's skill, dl wrap-up deadline
//   w:<s>|<l>   zset  waiting calls needing skill s and language l, by rank score
//   wl:<l>      zset  waiting calls in language l, by rank score (overflow)
//   r:<s>|<l>|<L> zset ready agents with skill s at level L who speak l, by idleSince (ties: agent id)
//   rl:<l>      zset  ready agents who speak l, by idleSince (overflow)
//   due         zset  "<lang>|<call>" of waiting calls, by the time their eligibility next widens
//   g:<gateway> set   every call the gateway owns, in any phase
//   offers:<gateway> list  "call\nagent" offers not yet taken
//   hs:<skill>  list  recent handle times (talk + wrap-up) of calls of that skill; `handleTimes` for all
//   ep:<endpoint> set agents using that endpoint (device state arrives by endpoint)
//   callbackRetries zset call-backs whose caller did not answer (phase `retrying`), by the time they go back
// A ready agent is in the r/rl sets only while their device is available: the indexes hold exactly the agents a
// call may be offered to.
//
// Rank score: (10 - priority) * 2^41 + enqueuedAt, so the smallest score is the call an agent takes first: higher
// priority first (HEAD_PRIORITY 10 is band 0), then earlier enqueuedAt, then (equal scores) the call id, which is
// how a sorted set orders equal scores. enqueuedAt < 2^41 ms (year 2039) keeps the bands apart; the largest score,
// 11 * 2^41, is far below 2^53, so doubles hold every score exactly.

import { LuaLibrary } from '../redis/lua-library.js';
import { transitionsLua } from './acd-transitions.js';

export const ACD_LUA_PRELUDE = `
local B = ARGV[1]
local NOW = tonumber(ARGV[2])
local RES_MS = tonumber(ARGV[3])
local SL_MS = tonumber(ARGV[4])
local WIDEN = tonumber(ARGV[5])
local OVERFLOW = tonumber(ARGV[6])
local A = 6
local K_AST, K_RESV, K_WRAPS, K_DUE, K_WALL = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local K_GW, K_GDEAD, K_NLOG, K_HS, K_DEV, K_CBR, K_DAY = KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12]
local BAND = 2199023255552
local HEAD = 10
local MAX_LEVEL = 9
local DAY_TTL_S = 8 * 86400
local HANDLE_KEEP = 50
local OFFERS_TTL_MS = 86400000
local TRANSITIONS = ${transitionsLua()}

local function fmt(n) return string.format('%.0f', n) end
-- Whether the event may happen in state st (the target is the operation's own, as in the table).
local function allowed(event, st) return string.find(TRANSITIONS, '|' .. event .. ':' .. st .. '|', 1, true) ~= nil end

-- Byte order, as a sorted set orders members: Lua's own string comparison follows the server's locale.
local function lessBytes(x, y)
  local n = math.min(#x, #y)
  for i = 1, n do
    local p, q = string.byte(x, i), string.byte(y, i)
    if p ~= q then return p < q end
  end
  return #x < #y
end

local function ckey(id) return B .. 'c:' .. id end
local function akey(id) return B .. 'a:' .. id end
local function wkey(s, l) return B .. 'w:' .. s .. '|' .. l end
local function wlkey(l) return B .. 'wl:' .. l end
local function rkey(s, l, level) return B .. 'r:' .. s .. '|' .. l .. '|' .. level end
local function rlkey(l) return B .. 'rl:' .. l end
local function gkey(g) return B .. 'g:' .. g end
local function okey(g) return B .. 'offers:' .. g end
local function hskey(s) return B .. 'hs:' .. s end
local function epkey(e) return B .. 'ep:' .. e end

-- Notifications go out once, when the script ends (finish): one message per agent with the state they ended in
-- (an agent ready and reserved in the same script is reserved), one for the queue however many calls moved.
local NOTED, NOTE_STATE = {}, {}
local QUEUE_CHANGED = false
local function queueChanged() QUEUE_CHANGED = true end
local function noteAgent(a)
  if NOTE_STATE[a.id] == nil then NOTED[#NOTED + 1] = a.id end
  NOTE_STATE[a.id] = a.st
end
local function finish(reply)
  for i = 1, #NOTED do redis.call('PUBLISH', B .. 'ch:changes', 'a|' .. NOTE_STATE[NOTED[i]] .. '|' .. NOTED[i]) end
  if QUEUE_CHANGED then redis.call('PUBLISH', B .. 'ch:changes', 'q') end
  return reply
end

local function count(field)
  redis.call('HINCRBY', K_DAY, field, 1)
  redis.call('EXPIRE', K_DAY, DAY_TTL_S)
end

local function skills(enc)
  local list = {}
  if enc == nil or enc == '' then return list end
  for item in string.gmatch(enc, '[^,]+') do
    list[#list + 1] = {string.sub(item, 2), tonumber(string.sub(item, 1, 1))}
  end
  return list
end

-- Calls ------------------------------------------------------------------------------------------------------------

local function loadCall(id)
  local v = redis.call('HMGET', ckey(id), 'g', 's', 'l', 'p', 'e', 'ph', 'a', 'ep', 'oa', 'x', 'cb', 'cbl', 'cbt')
  if not v[1] then return nil end
  return {id = id, g = v[1], s = v[2], l = v[3], p = tonumber(v[4]), e = tonumber(v[5]), ph = v[6],
    a = v[7] or '', ep = v[8] or '', oa = v[9] or '', x = v[10] or '', cb = v[11] or '', cbl = v[12] or '',
    cbt = tonumber(v[13] or '0')}
end

local function saveCall(c)
  redis.call('HSET', ckey(c.id), 'g', c.g, 's', c.s, 'l', c.l, 'p', c.p, 'e', fmt(c.e), 'ph', c.ph, 'a', c.a,
    'ep', c.ep, 'oa', c.oa, 'x', c.x, 'cb', c.cb, 'cbl', c.cbl, 'cbt', c.cbt)
end

local function callReply(c) return {c.id, c.g, c.s, c.l, c.p, fmt(c.e), c.ph, c.a, c.cb, c.cbl} end
-- The number to dial for a call-back whose caller is not on the line yet; '' for a caller on the line.
local function offerReply(c)
  local dial = ''
  if c.cbl == '' then dial = c.cb end
  return {c.id, c.g, c.a, c.ep, c.oa, c.x, fmt(c.e), dial}
end

local function rankScore(c) return (HEAD - c.p) * BAND + c.e end

-- How long the call has waited: never less than 0, since a call stamped by a gateway whose clock is a little ahead
-- counts as just queued (the domain's rule).
local function waitedOf(e) return math.max(0, NOW - e) end

-- The deepest level allowed for a call that has waited this long.
local function maxLevel(waited)
  if WIDEN == 0 then return MAX_LEVEL end
  return math.min(MAX_LEVEL, 1 + math.floor(waited / WIDEN))
end

-- When the call's eligibility next changes (a level joins, or it overflows); nil when it never will again.
local function nextChange(e)
  local waited = waitedOf(e)
  local t = nil
  if OVERFLOW > 0 then
    if waited >= OVERFLOW then return nil end
    t = e + OVERFLOW
  end
  if WIDEN > 0 then
    local m = maxLevel(waited) + 1
    if m <= MAX_LEVEL then
      local tw = e + (m - 1) * WIDEN
      if t == nil or tw < t then t = tw end
    end
  end
  return t
end

-- The due set names the call with its language ("zh|<call>"): a tick sees which calls it can skip (nobody ready in
-- their language) without reading them.
local function dueMember(c) return c.l .. '|' .. c.id end

local function scheduleChange(c)
  local t = nextChange(c.e)
  if t then redis.call('ZADD', K_DUE, fmt(t), dueMember(c)) else redis.call('ZREM', K_DUE, dueMember(c)) end
end

local function indexCall(c)
  local sc = fmt(rankScore(c))
  redis.call('ZADD', wkey(c.s, c.l), sc, c.id)
  redis.call('ZADD', wlkey(c.l), sc, c.id)
  redis.call('ZADD', K_WALL, fmt(c.e), c.id)
  scheduleChange(c)
  queueChanged()
end

local function unindexCall(c)
  redis.call('ZREM', wkey(c.s, c.l), c.id)
  redis.call('ZREM', wlkey(c.l), c.id)
  redis.call('ZREM', K_WALL, c.id)
  redis.call('ZREM', K_DUE, dueMember(c))
  queueChanged()
end

local function dropCall(c)
  redis.call('DEL', ckey(c.id))
  redis.call('SREM', gkey(c.g), c.id)
  redis.call('ZREM', K_RESV, c.id)
  redis.call('ZREM', K_CBR, c.id)
end

-- Agents -----------------------------------------------------------------------------------------------------------

local function loadAgent(id)
  local v = redis.call('HMGET', akey(id), 'st', 'ep', 'sk', 'rs', 'cid', 'since', 'idle', 'ans', 'csk', 'dl')
  if not v[1] then return nil end
  return {id = id, st = v[1], ep = v[2], sk = v[3], rs = v[4] or '', cid = v[5] or '', since = tonumber(v[6]),
    idle = tonumber(v[7]), ans = v[8] or '', csk = v[9] or '', dl = v[10] or ''}
end

local function saveAgent(a)
  redis.call('HSET', akey(a.id), 'st', a.st, 'ep', a.ep, 'sk', a.sk, 'rs', a.rs, 'cid', a.cid, 'since', fmt(a.since),
    'idle', fmt(a.idle), 'ans', a.ans, 'csk', a.csk, 'dl', a.dl)
end

local function agentReply(a) return {a.id, a.ep, a.sk, a.st, a.rs, a.cid, fmt(a.since), fmt(a.idle)} end

local function setState(a, st)
  if a.st ~= st then a.since = NOW end
  a.st = st
  redis.call('HSET', K_AST, a.id, st)
  noteAgent(a)
end

local function available(ep) return redis.call('HGET', K_DEV, ep) ~= '0' end

-- Languages found with no ready agent during this script, so that a tick re-matching many calls of one language
-- asks once; an agent joining the indexes takes theirs off.
local NO_READY = {}

-- Every (skill, language) pair of the agent's skills: which are languages is the calls' business, not the agent's.
local function indexAgent(a)
  local list = skills(a.sk)
  local idle = fmt(a.idle)
  for i = 1, #list do
    local l = list[i][1]
    NO_READY[l] = nil
    redis.call('ZADD', rlkey(l), idle, a.id)
    for j = 1, #list do redis.call('ZADD', rkey(list[j][1], l, list[j][2]), idle, a.id) end
  end
end

local function unindexAgent(a)
  local list = skills(a.sk)
  for i = 1, #list do
    local l = list[i][1]
    redis.call('ZREM', rlkey(l), a.id)
    for j = 1, #list do redis.call('ZREM', rkey(list[j][1], l, list[j][2]), a.id) end
  end
end

-- Agents logged in per (skill, language), for the caller's position announcement.
local function countLoggedIn(sk, by)
  local list = skills(sk)
  for i = 1, #list do
    for j = 1, #list do
      local pair = list[j][1] .. '|' .. list[i][1]
      if redis.call('HINCRBY', K_NLOG, pair, by) <= 0 then redis.call('HDEL', K_NLOG, pair) end
    end
  end
end

local function recordHandle(a)
  if a.ans ~= '' then
    local handled = NOW - tonumber(a.ans)
    if handled >= 0 then
      redis.call('LPUSH', hskey(a.csk), fmt(handled))
      redis.call('LTRIM', hskey(a.csk), 0, HANDLE_KEEP - 1)
      redis.call('LPUSH', K_HS, fmt(handled))
      redis.call('LTRIM', K_HS, 0, HANDLE_KEEP - 1)
    end
  end
  a.ans = ''
  a.csk = ''
end

local function leaveWrapUp(a)
  redis.call('ZREM', K_WRAPS, a.id)
  recordHandle(a)
  a.dl = ''
end

-- idleSince starts when the agent becomes ready from another state; ready again from ready keeps it. Answers
-- whether the agent was in the ready indexes already (ready with an available phone).
local function toReady(a)
  local indexed = a.st == 'ready' and available(a.ep)
  if a.st ~= 'ready' then a.idle = NOW end
  a.cid = ''
  a.rs = ''
  a.dl = ''
  setState(a, 'ready')
  return indexed
end

local function becomeReady(a)
  toReady(a)
  saveAgent(a)
  if available(a.ep) then indexAgent(a) end
end

local function becomePaused(a, reason)
  unindexAgent(a)
  a.cid = ''
  a.rs = reason
  a.ans = ''
  a.csk = ''
  a.dl = ''
  setState(a, 'paused')
  saveAgent(a)
end

-- Routing ----------------------------------------------------------------------------------------------------------

-- The first call of a waiting set enqueued at or before cutoff (nil: any), in rank order, if it ranks no worse than
-- bound (nil: any). Within a band the set is ordered by enqueuedAt, so a band whose head is too recent has nothing
-- eligible: one probe per non-empty band, and none past the best call found so far.
local function headWithin(key, cutoff, bound)
  local from = '-inf'
  local to = '+inf'
  if bound then to = fmt(bound) end
  while true do
    local r = redis.call('ZRANGEBYSCORE', key, from, to, 'WITHSCORES', 'LIMIT', 0, 1)
    if #r == 0 then return nil end
    local score = tonumber(r[2])
    local band = math.floor(score / BAND)
    if cutoff == nil or score - band * BAND <= cutoff then return r[1], score end
    from = fmt((band + 1) * BAND)
  end
end

-- The call a ready agent takes: among calls in one of the agent's languages that need one of the agent's skills at
-- a level the call's wait allows, or that have overflowed, the best by rank (score, then call id).
local function bestCallFor(a)
  local list = skills(a.sk)
  local bestId, bestScore = nil, nil
  local function consider(id, score)
    if id and (bestScore == nil or score < bestScore or (score == bestScore and lessBytes(id, bestId))) then
      bestId, bestScore = id, score
    end
  end
  for i = 1, #list do
    local l = list[i][1]
    if redis.call('EXISTS', wlkey(l)) == 1 then
      if OVERFLOW > 0 then consider(headWithin(wlkey(l), NOW - OVERFLOW, bestScore)) end
      for j = 1, #list do
        -- Level L joins once the call has waited (L - 1) steps; level 1 is eligible at once, whatever the clocks.
        local cutoff = nil
        if WIDEN > 0 and list[j][2] > 1 then cutoff = NOW - (list[j][2] - 1) * WIDEN end
        consider(headWithin(wkey(list[j][1], l), cutoff, bestScore))
      end
    end
  end
  return bestId
end

-- The agent a waiting call takes: the longest idle (then lowest id) among ready agents with the call's language
-- and its skill at a level its wait allows, or, once it has overflowed, with its language alone.
local function bestAgentFor(c)
  local bestId, bestIdle = nil, nil
  local function consider(key)
    local r = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if #r > 0 then
      local idle = tonumber(r[2])
      if bestIdle == nil or idle < bestIdle or (idle == bestIdle and lessBytes(r[1], bestId)) then
        bestId, bestIdle = r[1], idle
      end
    end
  end
  -- Nobody ready in the call's language (the usual case while calls wait): one probe says so.
  if NO_READY[c.l] then return nil end
  if redis.call('EXISTS', rlkey(c.l)) == 0 then
    NO_READY[c.l] = true
    return nil
  end
  local waited = waitedOf(c.e)
  if OVERFLOW > 0 and waited >= OVERFLOW then
    consider(rlkey(c.l))
  else
    for level = 1, maxLevel(waited) do consider(rkey(c.s, c.l, level)) end
  end
  return bestId
end

-- The match: the call leaves the waiting sets, the agent is reserved, and the owner gateway finds the offer in its
-- list (and is nudged). A call or agent matched the moment it became free was never put in the indexes.
local function makeOffer(c, a, callIndexed, agentIndexed)
  if callIndexed then unindexCall(c) else queueChanged() end
  if agentIndexed then unindexAgent(a) end
  a.cid = c.id
  a.rs = ''
  setState(a, 'reserved')
  saveAgent(a)
  local x = NOW + RES_MS
  c.ph = 'offered'
  c.a = a.id
  c.ep = a.ep
  c.oa = fmt(NOW)
  c.x = fmt(x)
  saveCall(c)
  redis.call('ZADD', K_RESV, c.x, c.id)
  count('offered')
  redis.call('RPUSH', okey(c.g), c.id .. '\\n' .. a.id)
  redis.call('PEXPIRE', okey(c.g), OFFERS_TTL_MS)
  redis.call('PUBLISH', B .. 'ch:offer:' .. c.g, '1')
  return offerReply(c)
end

-- For an agent already in the ready indexes.
local function matchAgent(a)
  if a.st ~= 'ready' or not available(a.ep) then return nil end
  local id = bestCallFor(a)
  if not id then return nil end
  return makeOffer(loadCall(id), a, true, true)
end

-- For a waiting call already in the waiting indexes.
local function matchCall(c)
  if c.ph ~= 'waiting' then return nil end
  local id = bestAgentFor(c)
  if not id then return nil end
  return makeOffer(c, loadAgent(id), true, true)
end

-- The agent becomes ready and takes the best call at once, or joins the ready indexes when there is none.
local function readyAndMatch(a)
  local indexed = toReady(a)
  if available(a.ep) then
    local id = bestCallFor(a)
    if id then return makeOffer(loadCall(id), a, true, indexed) end
    if not indexed then indexAgent(a) end
  end
  saveAgent(a)
  return nil
end

-- A call joining the queue (or back in it) takes the best agent at once, or joins the waiting indexes.
local function waitAndMatch(c)
  c.ph = 'waiting'
  local id = bestAgentFor(c)
  if id then return makeOffer(c, loadAgent(id), false, true) end
  saveCall(c)
  indexCall(c)
  return nil
end

-- A call back to the head of the queue (its agent did not answer, left or dropped), keeping enqueuedAt, and
-- matched at once; parked instead when its gateway is known dead, since nobody could ring an agent for it.
-- Answers the offer made, if any.
local function requeueHead(c)
  redis.call('ZREM', K_RESV, c.id)
  c.p = HEAD
  c.a = ''
  c.ep = ''
  c.oa = ''
  c.x = ''
  if redis.call('SISMEMBER', K_GDEAD, c.g) == 1 then
    c.ph = 'parked'
    saveCall(c)
    return nil
  end
  return waitAndMatch(c)
end

-- An operation that names the agent's call must name the call the agent has, in a state the operation allows.
local function refusal(a) return finish({'not_allowed', agentReply(a)}) end
`;

export const ACD_LUA_LIBRARY = new LuaLibrary(ACD_LUA_PRELUDE);
