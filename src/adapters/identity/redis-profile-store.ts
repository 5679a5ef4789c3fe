// Citizen profiles in Redis. Each link is a compare-and-set in Lua that first checks the owners its plan was made
// with, so two replicas linking the same identifier at once cannot both take it: the loser is answered the owners
// it met and plans again on them; a batch of links is one script call. The history is one script too: a lookup is
// one round trip. The history and retention scripts build the profile's and the records' key names from the
// prefix, as BullMQ's scripts do: every one shares the `{prefix}` hash tag, so they stay in the script's slot on a
// cluster.

import type { RedisClient } from '../redis/redis-connection.js';
import { StoreUnavailableError } from '../../app/intake/durable-intake-ports.js';
import type { ContactEntry } from '../../domain/identity/citizen-history.js';
import { decodeContact, encodeContact } from '../../domain/identity/citizen-history.js';
import type { IdentifierClaim, IdentifierKey, LinkStrength } from '../../domain/identity/identifier.js';
import type { Owner } from '../../domain/identity/linking.js';
import { OPEN_STATUSES } from '../../app/intake/intake-query.js';
import { STATUSES } from '../../domain/intake/submission.js';
import type { Status, Submission } from '../../domain/intake/submission.js';
import type { LinkOutcome, PlannedContact, ProfileStore, RetentionCount, StoredHistory } from '../../app/identity/profile-ports.js';
import { PROFILE_CONTACTS } from '../../domain/identity/citizen-history.js';
import { LuaScript } from '../redis/lua-script.js';
import { pipelineOutcomes } from '../redis/tick-batch.js';
import { IdentityKeys } from './identity-keys.js';

// One script call links a whole batch of contacts, each as its own compare-and-set, in the order planned.
// Per contact K (its keys): the n claimed identifiers, then the profile, its contacts, open cases, conflicts, the
// activity index, and the submission's record; A (its args): n; each identifier's expected value ('' for none);
// each one's operation ('c' or 'i': link it with that strength, '-': leave it); each one's kind; each one's hash;
// then the profile id, '1' when it is to be created, the contact's time, its member, '1' for an open case, the
// contacts cap, now, and the conflicts to record (JSON). KEYS and ARGV hold the contacts one after another, ARGV
// with each one's number of keys and of args before them. Answers 1 per contact linked and, per contact refused
// (an owner is not the one expected, or the profile to join is gone), the list of its identifiers' values as found
// ('' for none): the linker plans it again on them, without a read of its own, and knows them from then on. A
// refusal reads every identifier of its contact before writing anything, so it writes nothing.
// The profile's fields go in one HSET; a profile created here has this one contact, so there is nothing to trim.
const LINK_MANY = new LuaScript(`
local active, activity = {}, nil
local function link(K, A)
  local n = tonumber(A[1])
  local found, changed = {}, false
  for i = 1, n do
    found[i] = redis.call('GET', K[i]) or ''
    if found[i] ~= A[1 + i] then changed = true end
  end
  if changed then return found end
  local b = 1 + 4 * n
  local pid = A[b + 1]
  local meta = K[n + 1]
  local created = A[b + 2] == '1'
  -- A profile to create needs no look: its plan links every identifier, all checked unowned above (a replay of the
  -- same plan finds them taken), and its id is 80 random bits. One to join must still exist.
  if not created and redis.call('EXISTS', meta) == 0 then return found end
  local fields = {'last', A[b + 7]}
  if created then
    fields[#fields + 1] = 'created'
    fields[#fields + 1] = A[b + 7]
  end
  for i = 1, n do
    local op = A[1 + n + i]
    if op == 'c' or op == 'i' then
      redis.call('SET', K[i], pid .. ' ' .. op)
      fields[#fields + 1] = 'i:' .. A[1 + 3 * n + i]
      fields[#fields + 1] = A[1 + 2 * n + i] .. ' ' .. op
    end
  end
  redis.call('HSET', meta, unpack(fields))
  redis.call('ZADD', K[n + 2], A[b + 3], A[b + 4])
  if not created then redis.call('ZREMRANGEBYRANK', K[n + 2], 0, -(tonumber(A[b + 6]) + 1)) end
  if A[b + 5] == '1' then
    redis.call('ZADD', K[n + 3], A[b + 3], A[b + 4])
    if redis.call('EXISTS', K[n + 6]) == 1 then redis.call('HSET', K[n + 6], 'profile', pid) end
  end
  if #A >= b + 8 then
    for j = b + 8, #A do redis.call('LPUSH', K[n + 4], A[j]) end
    redis.call('LTRIM', K[n + 4], 0, 19)
  end
  -- The activity index is shared by every contact: written once for the batch, below.
  active[#active + 1] = A[b + 7]
  active[#active + 1] = pid
  activity = K[n + 5]
  return 1
end
local replies = {}
local k, a = 0, 1
while a <= #ARGV do
  local nk, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local K, A = {}, {}
  for i = 1, nk do K[i] = KEYS[k + i] end
  for i = 1, na do A[i] = ARGV[a + 1 + i] end
  replies[#replies + 1] = link(K, A)
  k = k + nk
  a = a + 2 + na
end
if activity then redis.call('ZADD', activity, 'GT', unpack(active)) end
return replies
`);

// KEYS: the identifier. ARGV: profile key prefix, record key prefix, contacts wanted, then the closed statuses.
// Open cases whose record says closed leave the open set here, as they are found.
const HISTORY = new LuaScript(`
local v = redis.call('GET', KEYS[1])
if not v then return false end
local sp = string.find(v, ' ', 1, true)
local pid = string.sub(v, 1, sp - 1)
local base = ARGV[1] .. pid
local closed = {}
for i = 4, #ARGV do closed[ARGV[i]] = true end
-- A case is usually both a recent contact and an open case: its record is read once.
local statuses = {}
local function statusOf(member)
  local id = string.sub(member, 1, string.find(member, ' ', 1, true) - 1)
  local status = statuses[id]
  if status == nil then
    status = redis.call('HGET', ARGV[2] .. id, 'status') or ''
    statuses[id] = status
  end
  return status
end
local contacts = redis.call('ZREVRANGE', base .. ':contacts', 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
local out = {}
for i = 1, #contacts, 2 do
  out[#out + 1] = contacts[i]
  out[#out + 1] = contacts[i + 1]
  out[#out + 1] = statusOf(contacts[i])
end
local open = redis.call('ZREVRANGE', base .. ':open', 0, -1, 'WITHSCORES')
local stillOpen = {}
for i = 1, #open, 2 do
  local status = statusOf(open[i])
  if status == '' then status = false end
  if status and closed[status] then
    redis.call('ZREM', base .. ':open', open[i])
  elseif status then
    stillOpen[#stillOpen + 1] = open[i]
    stillOpen[#stillOpen + 1] = open[i + 1]
    stillOpen[#stillOpen + 1] = status
  end
end
return {pid, string.sub(v, sp + 1), out, stillOpen}
`);

// KEYS: the activity index, intake's change index. ARGV: profile id, cutoff ms, profile prefix, identifier prefix,
// record prefix, '1' for a dry run, now ms, then the open statuses. 0: changed since (kept); 2: a case is open
// (kept, looked at again a retention period later); 1: deleted (or, dry, would be), with the identifiers that still
// name it. A case whose record is itself past the cutoff counts as gone: the record sweep, which runs first, deletes
// it, so the dry run counts what the sweep will really do.
const PURGE_PROFILE = new LuaScript(`
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) >= tonumber(ARGV[2]) then return 0 end
local base = ARGV[3] .. ARGV[1]
local openStatus = {}
for i = 8, #ARGV do openStatus[ARGV[i]] = true end
for _, member in ipairs(redis.call('ZRANGE', base .. ':open', 0, -1)) do
  local id = string.sub(member, 1, string.find(member, ' ', 1, true) - 1)
  local status = redis.call('HGET', ARGV[5] .. id, 'status')
  local changed = redis.call('ZSCORE', KEYS[2], id)
  if status and openStatus[status] and changed and tonumber(changed) >= tonumber(ARGV[2]) then
    if ARGV[6] ~= '1' then redis.call('ZADD', KEYS[1], ARGV[7], ARGV[1]) end
    return 2
  end
end
if ARGV[6] == '1' then return 1 end
local fields = redis.call('HKEYS', base)
local owner = ARGV[1] .. ' '
for _, field in ipairs(fields) do
  if string.sub(field, 1, 2) == 'i:' then
    local key = ARGV[4] .. string.sub(field, 3)
    local v = redis.call('GET', key)
    if v and string.sub(v, 1, #owner) == owner then redis.call('DEL', key) end
  end
end
redis.call('DEL', base, base .. ':contacts', base .. ':open', base .. ':conflicts')
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`);

const CLOSED_STATUSES = STATUSES.filter((s) => !OPEN_STATUSES.includes(s));

export class RedisProfileStore implements ProfileStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: IdentityKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async apply(planned: readonly PlannedContact[], nowMs: number): Promise<LinkOutcome[]> {
    if (planned.length === 0) return [];
    const calls = planned.map((p) => this.linkCall(p, nowMs));
    const replies = await this.redis(() => LINK_MANY.runEach(this.client, calls, 'profile link'));
    return replies.map((reply, i) => linkOutcome(reply, (planned[i] as PlannedContact).event.claims));
  }

  async history(key: IdentifierKey, limit: number): Promise<StoredHistory | null> {
    const reply = await this.redis(() =>
      HISTORY.run(this.client, [this.keys.identifier(key)], [this.keys.profilePrefix, this.keys.recordPrefix, limit, ...CLOSED_STATUSES]),
    );
    if (!Array.isArray(reply)) return null;
    const [profile, strength, contacts, open] = reply as [string, string, string[], string[]];
    return { profile, link: strengthOf(strength), contacts: withStatuses(contacts), openCases: withStatuses(open) };
  }

  async purgeInactive(cutoffMs: number, limit: number, dryRun: boolean, offset = 0): Promise<RetentionCount> {
    const ids = await this.redis(() => this.client.zrangebyscore(this.keys.byActivity, '-inf', `(${cutoffMs}`, 'LIMIT', offset, limit));
    if (ids.length === 0) return { examined: 0, purged: 0 };
    const now = this.now();
    const outcomes = await this.redis(() =>
      PURGE_PROFILE.runMany(
        this.client,
        ids.map((id) => ({
          keys: [this.keys.byActivity, this.keys.intake.byChange],
          args: [id, cutoffMs, this.keys.profilePrefix, this.keys.identifierPrefix, this.keys.recordPrefix, dryRun ? '1' : '0', now, ...OPEN_STATUSES],
        })),
      ),
    );
    let purged = 0;
    for (const outcome of outcomes) {
      if (!outcome.ok) throw new StoreUnavailableError(`Redis: ${outcome.error.message}`, { cause: outcome.error });
      if (outcome.value === 1) purged += 1;
    }
    return { examined: ids.length, purged };
  }

  async unlinked(fromMs: number, toMs: number, limit: number): Promise<{ submissions: Submission[]; lastMs: number | null }> {
    const entries = await this.redis(() => this.client.zrangebyscore(this.keys.intake.byTime, `(${fromMs}`, toMs, 'WITHSCORES', 'LIMIT', 0, limit));
    const ids: string[] = [];
    let lastMs: number | null = null;
    for (let i = 0; i < entries.length; i += 2) {
      ids.push(entries[i] as string);
      lastMs = Number(entries[i + 1]);
    }
    if (ids.length === 0) return { submissions: [], lastMs: null };
    const replies = await this.redis(async () => {
      const pipeline = this.client.pipeline();
      for (const id of ids) pipeline.hmget(this.keys.intake.record(id), 'submission', 'profile');
      return pipelineOutcomes(await pipeline.exec(), ids.length);
    });
    const submissions: Submission[] = [];
    for (const outcome of replies) {
      if (!outcome.ok) throw new StoreUnavailableError(`Redis: ${outcome.error.message}`, { cause: outcome.error });
      const [json, profile] = outcome.value as (string | null)[];
      if (typeof json !== 'string' || profile !== null) continue;
      // Anonymous ones too: the linker decides what a submission can be attached by.
      submissions.push(JSON.parse(json) as Submission);
    }
    return { submissions, lastMs: ids.length < limit ? null : lastMs };
  }

  private linkCall(p: PlannedContact, nowMs: number): { keys: string[]; args: (string | number)[] } {
    const { event, plan } = p;
    const claims = event.claims;
    const ops = new Map(plan.links.map((l) => [l.key, l.strength === 'confirmed' ? 'c' : 'i'] as const));
    const hashes = claims.map((c) => IdentityKeys.hash(c.key));
    const keys = [
      ...hashes.map((h) => this.keys.identifierByHash(h)),
      this.keys.profile(plan.profile),
      this.keys.contacts(plan.profile),
      this.keys.openCases(plan.profile),
      this.keys.conflicts(plan.profile),
      this.keys.byActivity,
      event.openCase ? this.keys.intake.record(event.id) : this.keys.profile(plan.profile),
    ];
    const conflicts = plan.conflicts.map((c) => JSON.stringify({ kind: c.kind, strength: c.strength, heldBy: c.heldBy, contact: event.id, at: new Date(event.atMs).toISOString() }));
    const args: (string | number)[] = [
      claims.length,
      ...claims.map((c) => ownerValue(p.expected.get(c.key))),
      ...claims.map((c) => ops.get(c.key) ?? '-'),
      ...claims.map((c) => c.kind),
      ...hashes,
      plan.profile,
      plan.created ? '1' : '0',
      event.atMs,
      encodeContact(event),
      event.openCase ? '1' : '0',
      PROFILE_CONTACTS,
      nowMs,
      ...conflicts,
    ];
    return { keys, args };
  }

  private async redis<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`Redis: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

function linkOutcome(reply: unknown, claims: readonly IdentifierClaim[]): LinkOutcome {
  if (reply === 1) return { linked: true };
  if (!Array.isArray(reply) || reply.length !== claims.length) throw new Error(`profile link script answered ${JSON.stringify(reply)} for ${claims.length} identifiers`);
  const owners = new Map<IdentifierKey, Owner>();
  claims.forEach((claim, i) => {
    const owner = parseOwner(reply[i]);
    if (owner !== null) owners.set(claim.key, owner);
  });
  return { linked: false, owners };
}

function ownerValue(owner: Owner | undefined): string {
  return owner === undefined ? '' : `${owner.profile} ${owner.strength === 'confirmed' ? 'c' : 'i'}`;
}

function parseOwner(value: unknown): Owner | null {
  if (typeof value !== 'string') return null;
  const space = value.indexOf(' ');
  if (space < 1) return null;
  return { profile: value.slice(0, space), strength: strengthOf(value.slice(space + 1)) };
}

function strengthOf(code: string): LinkStrength {
  return code === 'c' ? 'confirmed' : 'inferred';
}

function withStatuses(flat: readonly string[]): (ContactEntry & { status: Status | null })[] {
  const out: (ContactEntry & { status: Status | null })[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const entry = decodeContact(flat[i] as string, Number(flat[i + 1]));
    if (entry === null) continue;
    const status = flat[i + 2] as string;
    out.push({ ...entry, status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : null });
  }
  return out;
}
