// A Lua script run by its SHA1, loading it again when Redis has forgotten it (restart, SCRIPT FLUSH, failover).

import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';
import { pipelineOutcomes } from './tick-batch.js';
import type { Outcome } from './tick-batch.js';

export interface ScriptCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source, 'utf8').digest('hex');
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!isNoScript(err)) throw err;
      return await client.eval(this.source, keys.length, ...keys, ...args);
    }
  }

  /** Many calls in one pipeline, each answered on its own; calls that met NOSCRIPT are run again with the source. */
  async runMany(client: RedisClient, calls: readonly ScriptCall[]): Promise<Outcome<unknown>[]> {
    const pipeline = client.pipeline();
    for (const call of calls) pipeline.evalsha(this.sha, call.keys.length, ...call.keys, ...call.args);
    const outcomes = pipelineOutcomes(await pipeline.exec(), calls.length);
    if (!outcomes.some((outcome) => !outcome.ok && isNoScript(outcome.error))) return outcomes;
    return await Promise.all(
      outcomes.map(async (outcome, i): Promise<Outcome<unknown>> => {
        const call = calls[i];
        if (outcome.ok || !isNoScript(outcome.error) || call === undefined) return outcome;
        try {
          return { ok: true, value: await client.eval(this.source, call.keys.length, ...call.keys, ...call.args) };
        } catch (err) {
          return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
        }
      }),
    );
  }

  /**
   * The calls of a batch in ONE script call, for a script written to loop over them: KEYS are the calls' keys one
   * after another, and ARGV holds, for each call, its number of keys and of args, then its args. Resolves with the
   * script's list of replies, one per call, in order.
   */
  async runEach(client: RedisClient, calls: readonly ScriptCall[], what: string): Promise<unknown[]> {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const call of calls) {
      keys.push(...call.keys);
      args.push(call.keys.length, call.args.length, ...call.args);
    }
    return await this.runBatch(client, keys, args, calls.length, what);
  }

  /**
   * `run` for a script that answers a list with one reply per item of a batch (`count` of them), however it frames
   * them; a reply of another shape or length fails the whole batch, naming `what`.
   */
  async runBatch(client: RedisClient, keys: readonly string[], args: readonly (string | number)[], count: number, what: string): Promise<unknown[]> {
    const replies = await this.run(client, keys, args);
    if (!Array.isArray(replies) || replies.length !== count) {
      throw new Error(`${what} script answered ${Array.isArray(replies) ? replies.length : 'no list'} for ${count} calls`);
    }
    return replies as unknown[];
  }
}

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}
