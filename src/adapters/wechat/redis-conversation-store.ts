// Conversation windows and reported locations in Redis, shared by every gateway instance and kept across
// restarts; both expire by themselves. Key names carry a hash of the openid, never the openid itself, and sit
// under intake's hash-tagged prefix (`{prefix}:wechat:...`).

import { TYPED_PROOFS } from '../../domain/access/case-proof.js';
import type { ProofKind } from '../../domain/access/case-proof.js';
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis-connection.js';
import type { ConversationStore, OpenRequest, PendingRating, WindowEntry } from '../../app/wechat/wechat-ports.js';
import type { CaseProof } from '../../domain/access/case-proof.js';
import type { Location } from '../../domain/intake/submission.js';
import { LuaScript } from '../redis/lua-script.js';

/** A claim outlives any submission attempt that WeChat still waits for; a crashed one frees itself. */
const CLAIM_TTL_MS = 30_000;

// Values: `C<dedupKey>` while a message is opening the request, `O<json>` once it is open.
// KEYS[1] window; ARGV: dedupKey, window ms, claim ms.
const ENTER = new LuaScript(`
local value = redis.call('GET', KEYS[1])
if value then
  if string.sub(value, 1, 1) == 'O' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  return value
end
redis.call('SET', KEYS[1], 'C' .. ARGV[1], 'PX', ARGV[3])
return false
`);

const ABANDON = new LuaScript(`
if redis.call('GET', KEYS[1]) == 'C' .. ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

export class RedisConversationStore implements ConversationStore {
  /** `keyPrefix` like intake's `{hotline}`: keys become `{hotline}:wechat:...`. */
  constructor(
    private readonly client: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async enter(openId: string, dedupKey: string, windowMs: number): Promise<WindowEntry> {
    if (windowMs <= 0) return { kind: 'claimed' };
    const value = (await ENTER.run(this.client, [this.windowKey(openId)], [dedupKey, Math.ceil(windowMs), CLAIM_TTL_MS])) as string | null;
    if (value === null) return { kind: 'claimed' };
    if (value.startsWith('O')) {
      const request = parseRequest(value.slice(1));
      if (request !== null) return { kind: 'open', request };
      // Unreadable (written by an incompatible version): treat it as no window, and take it over.
      await this.client.set(this.windowKey(openId), `C${dedupKey}`, 'PX', CLAIM_TTL_MS);
      return { kind: 'claimed' };
    }
    return value === `C${dedupKey}` ? { kind: 'claimed' } : { kind: 'busy' };
  }

  async open(openId: string, request: OpenRequest, windowMs: number): Promise<void> {
    const key = this.windowKey(openId);
    if (windowMs <= 0) {
      await this.client.del(key);
      return;
    }
    await this.client.set(key, `O${JSON.stringify({ id: request.id, ticket: request.ticket })}`, 'PX', Math.ceil(windowMs));
  }

  async abandon(openId: string, dedupKey: string): Promise<void> {
    await ABANDON.run(this.client, [this.windowKey(openId)], [dedupKey]);
  }

  async rememberLocation(openId: string, location: Location, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.client.set(this.locationKey(openId), JSON.stringify(location), 'PX', Math.ceil(ttlMs));
  }

  async reportedLocation(openId: string): Promise<Location | null> {
    const value = await this.client.get(this.locationKey(openId));
    if (value === null) return null;
    try {
      const parsed = JSON.parse(value) as { lat?: unknown; lon?: unknown };
      return typeof parsed.lat === 'number' && typeof parsed.lon === 'number' ? { lat: parsed.lat, lon: parsed.lon } : null;
    } catch {
      return null;
    }
  }

  async rememberRating(openId: string, pending: PendingRating, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    // A typed proof kept here is no more than Redis already holds: the case's contact and the secret behind PINs.
    await this.client.set(this.ratingKey(openId), JSON.stringify(pending), 'PX', Math.ceil(ttlMs));
  }

  async pendingRating(openId: string): Promise<PendingRating | null> {
    const value = await this.client.get(this.ratingKey(openId));
    return value === null ? null : parsePendingRating(value);
  }

  async forgetRating(openId: string): Promise<void> {
    await this.client.del(this.ratingKey(openId));
  }

  async forget(openId: string): Promise<void> {
    await this.client.del(this.windowKey(openId), this.locationKey(openId), this.ratingKey(openId));
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

function hashed(openId: string): string {
  return createHash('sha256').update(openId, 'utf8').digest('hex').slice(0, 32);
}

function parseRequest(json: string): OpenRequest | null {
  try {
    const parsed = JSON.parse(json) as { id?: unknown; ticket?: unknown };
    return typeof parsed.id === 'string' && typeof parsed.ticket === 'string' ? { id: parsed.id, ticket: parsed.ticket } : null;
  } catch {
    return null;
  }
}

function parsePendingRating(json: string): PendingRating | null {
  try {
    const parsed = JSON.parse(json) as { ticket?: unknown; proof?: { kind?: unknown; value?: unknown } | null };
    if (typeof parsed.ticket !== 'string') return null;
    const { proof } = parsed;
    if (proof === null || proof === undefined) return { ticket: parsed.ticket, proof: null };
    if (typeof proof.kind !== 'string' || !TYPED_PROOFS.has(proof.kind as ProofKind) || typeof proof.value !== 'string') return { ticket: parsed.ticket, proof: null };
    return { ticket: parsed.ticket, proof: { kind: proof.kind, value: proof.value } as CaseProof };
  } catch {
    return null;
  }
}
