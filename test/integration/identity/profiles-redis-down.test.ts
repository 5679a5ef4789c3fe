// Given intake and citizen profiles on a private redis-server, when Redis dies, then a submission is still
// acknowledged at once (spooled) and its profile link waits in memory, logged; when Redis is back, the spool is
// forwarded and the link is made: nothing acknowledged is lost, and nothing waited on the profile.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import type { CreatedIntake } from '../../../src/adapters/intake/create-intake.js';
import { LinkingIntake } from '../../../src/app/identity/linking-intake.js';
import { recordingLog } from '../../support/logs.js';
import { freePort } from '../../support/net.js';
import { RedisServer } from '../intake/redis-server.js';
import { singleRedis } from '../../support/redis.js';

let root: string;
let redis: RedisServer;
let created: CreatedIntake;
const recorded = recordingLog();

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'profiles-down-'));
  redis = new RedisServer(await freePort(), root);
  await redis.start();
  created = await createIntake({ redis: singleRedis(redis.url), prefix: 'profiles-down', dataDir: join(root, 'data'), log: recorded.log, commandTimeoutMs: 500, forwardRetryMs: 100 });
});
afterEach(async () => {
  await created.close();
  await redis.kill();
  await rm(root, { recursive: true, force: true });
});

describe('profiles while Redis is down', () => {
  it('the submission is acknowledged (spooled), its link is retried, and made once Redis is back', async () => {
    const intake = new LinkingIntake(created.intake, created.profiles.linker);
    await redis.kill();

    const outcome = await intake.submit({ dedupKey: 'down:1', fingerprint: 'f', draft: { channel: 'email', text: '小区停水两天了', contact: { email: 'wang@example.cn' } } });
    expect(outcome.durability).toBe('spooled');
    await created.profiles.linker.flush();
    expect(created.profiles.linker.pendingCount).toBe(1);
    expect(JSON.stringify(recorded.lines)).toContain('profiles: linking failed, trying again later');
    expect(JSON.stringify(recorded.lines)).not.toContain('wang@example.cn');

    await redis.start();
    await vi.waitFor(() => expect(created.spooled()).toBe(0), { timeout: 20_000, interval: 50 });
    await vi.waitFor(
      async () => {
        await created.profiles.linker.flush();
        expect(created.profiles.linker.pendingCount).toBe(0);
      },
      { timeout: 20_000, interval: 100 },
    );
    const history = await created.profiles.history.history({ kind: 'email', value: 'wang@example.cn' });
    expect(history?.link).toBe('confirmed');
    expect(history?.openCases.map((c) => [c.ticket, c.status])).toEqual([[outcome.submission.ticket, 'received']]);
  });
});
