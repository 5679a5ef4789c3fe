// Given an intake with records, citizen profiles and attachment files, some past INTAKE_RECORD_RETENTION and some
// not, when an operator runs `hotline-gateway retention report`, then it prints how many of each the sweep would
// delete, and nothing is deleted: the sweep run afterwards deletes exactly what the report counted.

import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentityKeys } from '../../../src/adapters/identity/identity-keys.js';
import { LinkingIntake } from '../../../src/app/identity/linking-intake.js';
import type { CreatedIntake } from '../../../src/adapters/intake/create-intake.js';
import { runCli } from '../../support/cli-process.js';
import { REDIS_URL } from '../../support/redis.js';
import { IntakeFixture } from '../intake/intake-harness.js';

const DAY = 86_400_000;
let fx: IntakeFixture;
let created: CreatedIntake;
let cwd: string;

beforeEach(async () => {
  fx = await IntakeFixture.create();
  created = await fx.open();
  cwd = await mkdtemp(join(tmpdir(), 'retention-report-'));
});
afterEach(async () => {
  await fx.cleanup();
});

/** Three citizens: two whose last contact was 40 days ago (one case closed, one still open), one from today. */
async function given(): Promise<{ oldClosed: string; oldOpen: string }> {
  const intake = new LinkingIntake(created.intake, created.profiles.linker);
  const submit = async (n: number, phone: string) =>
    (await intake.submit({ dedupKey: `r:${n}`, fingerprint: 'f', draft: { channel: 'web', text: `第${n}个问题：路灯坏了`, contact: { phone } } })).submission;
  const oldClosed = await submit(1, '13500000001');
  const oldOpen = await submit(2, '13500000002');
  await submit(3, '13500000003');
  await created.profiles.linker.flush();
  await created.intake.updateStatus(oldClosed.id, { status: 'closed', at: new Date().toISOString() });
  const keys = new IdentityKeys(fx.keys);
  const longAgo = Date.now() - 40 * DAY;
  // Forty days without a change: the closed record's and both profiles' clocks moved back. The open case changed
  // today (a status update), so its profile stays.
  await fx.redis.zadd(fx.keys.byChange, longAgo, oldClosed.id);
  for (const s of [oldClosed, oldOpen]) {
    const profile = (await created.profiles.history.history({ kind: 'phone', value: s.contact.phone ?? '' }))?.profile ?? '';
    await fx.redis.zadd(keys.byActivity, longAgo, profile);
  }
  const shard = join(fx.dataDir, 'attachments', 'ab');
  await mkdir(shard, { recursive: true });
  for (const [i, age] of [40, 40, 1].entries()) {
    const file = join(shard, `ab${String(i).repeat(62)}`);
    await writeFile(file, 'x');
    const at = new Date(Date.now() - age * DAY);
    await utimes(file, at, at);
  }
  return { oldClosed: oldClosed.id, oldOpen: oldOpen.id };
}

const env = (): Record<string, string> => ({ REDIS_URL, INTAKE_PREFIX: fx.prefix, DATA_DIR: fx.dataDir, INTAKE_RECORD_RETENTION: '30d' });

describe('hotline-gateway retention report', () => {
  it('counts what the sweep would delete, deletes nothing, and the sweep then deletes just that', async () => {
    const { oldClosed, oldOpen } = await given();
    const keysBefore = (await fx.redis.keys(`{${fx.prefix}}:*`)).sort();

    const run = await runCli(['retention', 'report', '--json'], { cwd, env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ dryRun: true, retentionDays: 30, records: 1, profiles: { inactive: 2, wouldDelete: 1, keptForOpenCases: 1 }, files: { attachments: 2, rawMail: 0 } });
    expect((await fx.redis.keys(`{${fx.prefix}}:*`)).sort()).toEqual(keysBefore);

    const table = await runCli(['retention', 'report'], { cwd, env: env() });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('dry run: nothing was deleted');
    expect(table.stdout).toMatch(/records\s+1\n/);
    expect(table.stdout).toMatch(/profiles\s+1 \(of 2 inactive; 1 kept for an open case\)/);
    expect(table.stdout).toMatch(/attachment files\s+2\n/);

    // The real sweep, with the same retention, deletes what was reported.
    const sweeping = await fx.open({ recordRetentionMs: 30 * DAY });
    expect(await sweeping.purgeExpired()).toBe(1);
    expect(await created.intake.get(oldClosed)).toBeNull();
    expect(await created.intake.get(oldOpen)).not.toBeNull();
    expect(await created.profiles.history.history({ kind: 'phone', value: '13500000001' })).toBeNull();
    expect((await created.profiles.history.history({ kind: 'phone', value: '13500000002' }))?.openCases).toHaveLength(1);
    expect(await created.profiles.history.history({ kind: 'phone', value: '13500000003' })).not.toBeNull();
    const after = JSON.parse((await runCli(['retention', 'report', '--json'], { cwd, env: env() })).stdout) as { records: number; profiles: { wouldDelete: number } };
    expect(after.records).toBe(0);
    expect(after.profiles.wouldDelete).toBe(0);
  });

  it('--help describes the dry run; an unreachable Redis is exit 1 with the reason', async () => {
    const help = await runCli(['retention', 'report', '--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('deletes nothing');
    const down = await runCli(['retention', 'report'], { cwd, env: { ...env(), REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 is not reachable/);
  });
});
