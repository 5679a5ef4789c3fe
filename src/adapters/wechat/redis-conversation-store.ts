// Conversation windows and reported locations in Redis, shared by every gateway instance and kept across
// restarts; both expire by themselves. Key names carry a hash of the openid, never the openid itself, and sit
// under intake's hash-tagged prefix (`{prefix}:wechat:...`).

import { TYPED_PROOFS } from '../../domain/access/case-proof.js';
import type { ProofKind } from '../../domain/access/case-proof.js';
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { ConversationStore, Entered, OpenRequest, PendingRating, WindowEntry } from '../../app/wechat/wechat-ports.js';
import type { CaseProof } from '../../domain/access/case-proof.js';
import type { Location } from '../../domain/intake/submission.js';
import { LuaScript } from '../redis/lua-script.js';
import type { ScriptCall } from '../redis/lua-script.js';
import { pipelineBatch, TickBatch } from '../redis/tick-batch.js';
import type { Outcome } from '../redis/tick-batch.js';

/** A claim outlives any submission attempt that WeChat still waits for; a crashed one frees itself. */
const CLAIM_TTL_MS = 30_000;

// Values: `C<dedupKey>` while a message is opening the request, `O<json>` once it is open.
// The enters of one event-loop turn go in one script call (LuaScript.runEach), each as it would alone. Per enter,
// KEYS: its window, then its location when asked for; ARGV: dedupKey, window ms, claim ms. Answers per enter:
// {window value or false, location JSON or false}. Each enter's commands are `pcall`ed and its first error is its
// answer: a key of the wrong type fails its own enter, not the batch. The reads go first, so an enter that fails
// has written nothing.
const ENTER_EACH = new LuaScript(`
local replies = {}
local k, a = 0, 1
while a <= #ARGV do
  local n, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local window = KEYS[k + 1]
  local location = false
  if n > 1 then location = redis.pcall('GET', KEYS[k + 2]) end
  local value = false
  if type(location) ~= 'table' then value = redis.pcall('GET', window) end
  local reply
  if type(location) == 'table' then reply = location
  elseif type(value) == 'table' then reply = value
  else
    local written
    if not value then written = redis.pcall('SET', window, 'C' .. ARGV[a], 'PX', ARGV[a + 2])
    elseif string.sub(value, 1, 1) == 'O' then written = redis.pcall('PEXPIRE', window, ARGV[a + 1]) end
    if type(written) == 'table' and written.err then reply = written else reply = {value, location} end
  end
  replies[#replies + 1] = reply
  k = k + n
  a = a + na
end
return replies
`);

const ABANDON = new LuaScript(`
if redis.call('GET', KEYS[1]) == 'C' .. ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

/** A plain write of the store: set a value for a while, or delete keys. */
type Write = { readonly key: string; readonly value: string; readonly ttlMs: number } | { readonly del: readonly string[] };

export class RedisConversationStore implements ConversationStore {
  /**
   * Every message enters its citizen's window, reads their reported location and opens (or extends) the window:
   * what concurrent messages ask within one turn of the event loop goes to Redis together, the enters as one script
   * call, the reads as one pipeline and the writes as another, each still answered (or failed) on its own.
   */
  private readonly enters: TickBatch<ScriptCall, unknown>;
  private readonly reads: TickBatch<string, unknown>;
  private readonly writes: TickBatch<Write, unknown>;
  private readonly abandons: TickBatch<ScriptCall, unknown>;

  /** `keyPrefix` like intake's `{hotline}`: keys become `{hotline}:wechat:...`. */
  constructor(
    client: RedisClient,
    private readonly keyPrefix: string,
  ) {
    this.enters = new TickBatch(async (calls) => (await ENTER_EACH.runEach(client, calls, 'wechat enter')).map(asOutcome));
    this.reads = pipelineBatch(client, (pipeline, key: string) => pipeline.get(key));
    this.writes = pipelineBatch(client, (pipeline, write: Write) => ('del' in write ? pipeline.del(...write.del) : pipeline.set(write.key, write.value, 'PX', write.ttlMs)));
    this.abandons = new TickBatch((calls) => ABANDON.runMany(client, calls));
  }

  async enter(openId: string, dedupKey: string, windowMs: number, withLocation: boolean): Promise<Entered> {
    if (windowMs <= 0) return { entry: { kind: 'claimed' }, reportedLocation: withLocation ? await this.reportedLocation(openId) : null };
    const keys = withLocation ? [this.windowKey(openId), this.locationKey(openId)] : [this.windowKey(openId)];
    const [value, location] = (await this.enters.run({ keys, args: [dedupKey, Math.ceil(windowMs), CLAIM_TTL_MS] })) as [string | null, string | null];
    return { entry: await this.entryOf(openId, dedupKey, value), reportedLocation: location === null ? null : parseLocation(location) };
  }

  async open(openId: string, request: OpenRequest, windowMs: number): Promise<void> {
    const key = this.windowKey(openId);
    if (windowMs <= 0) await this.writes.run({ del: [key] });
    else await this.writes.run({ key, value: `O${JSON.stringify({ id: request.id, ticket: request.ticket })}`, ttlMs: Math.ceil(windowMs) });
  }

  async abandon(openId: string, dedupKey: string): Promise<void> {
    await this.abandons.run({ keys: [this.windowKey(openId)], args: [dedupKey] });
  }

  async rememberLocation(openId: string, location: Location, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.writes.run({ key: this.locationKey(openId), value: JSON.stringify(location), ttlMs: Math.ceil(ttlMs) });
  }

  async reportedLocation(openId: string): Promise<Location | null> {
    const value = (await this.reads.run(this.locationKey(openId))) as string | null;
    return value === null ? null : parseLocation(value);
  }

  async rememberRating(openId: string, pending: PendingRating, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    // A typed proof kept here is no more than Redis already holds: the case's contact and the secret behind PINs.
    await this.writes.run({ key: this.ratingKey(openId), value: JSON.stringify(pending), ttlMs: Math.ceil(ttlMs) });
  }

  async pendingRating(openId: string): Promise<PendingRating | null> {
    const value = (await this.reads.run(this.ratingKey(openId))) as string | null;
    return value === null ? null : parsePendingRating(value);
  }

  async forgetRating(openId: string): Promise<void> {
    await this.writes.run({ del: [this.ratingKey(openId)] });
  }

  async forget(openId: string): Promise<void> {
    await this.writes.run({ del: [this.windowKey(openId), this.locationKey(openId), this.ratingKey(openId)] });
  }

  private async entryOf(openId: string, dedupKey: string, value: string | null): Promise<WindowEntry> {
    if (value === null) return { kind: 'claimed' };
    if (value.startsWith('O')) {
      const request = parseRequest(value.slice(1));
      if (request !== null) return { kind: 'open', request };
      // Unreadable (written by an incompatible version): treat it as no window, and take it over.
      await this.writes.run({ key: this.windowKey(openId), value: `C${dedupKey}`, ttlMs: CLAIM_TTL_MS });
      return { kind: 'claimed' };
    }
    return value === `C${dedupKey}` ? { kind: 'claimed' } : { kind: 'busy' };
  }

  private ratingKey(openId: string): string {
    return `${this.keyPrefix}:wechat:rating:${hashed(openId)}`;
  }

  private windowKey(openId: string): string {
    return `${this.keyPrefix}:wechat:window:${hashed(openId)}`;
  }

  private locationKey(openId: string): string {
    return `${this.keyPrefix}:wechat:location:${hashed(openId)}`;
  }
}

/** One enter's answer from the batch's script call: its reply, or the error Redis gave it alone. */
function asOutcome(reply: unknown): Outcome<unknown> {
  return reply instanceof Error ? { ok: false, error: reply } : { ok: true, value: reply };
}

function hashed(openId: string): string {
  return createHash('sha256').update(openId, 'utf8').digest('hex').slice(0, 32);
}

/** `json` read by `read`, or `null` when it is not a JSON object (written by an incompatible version, say). */
function readJson<T>(json: string, read: (parsed: Record<string, unknown>) => T | null): T | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null ? read(parsed as Record<string, unknown>) : null;
}

function parseLocation(json: string): Location | null {
  return readJson(json, ({ lat, lon }) => (typeof lat === 'number' && typeof lon === 'number' ? { lat, lon } : null));
}

function parseRequest(json: string): OpenRequest | null {
  return readJson(json, ({ id, ticket }) => (typeof id === 'string' && typeof ticket === 'string' ? { id, ticket } : null));
}

function parsePendingRating(json: string): PendingRating | null {
  return readJson(json, ({ ticket, proof }) => {
    if (typeof ticket !== 'string') return null;
    if (typeof proof !== 'object' || proof === null) return { ticket, proof: null };
    const { kind, value } = proof as { kind?: unknown; value?: unknown };
    if (typeof kind !== 'string' || !TYPED_PROOFS.has(kind as ProofKind) || typeof value !== 'string') return { ticket, proof: null };
    return { ticket, proof: { kind, value } as CaseProof };
  });
}
