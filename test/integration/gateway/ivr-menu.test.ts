// Given the gateway on the 12345 flow, when a caller walks each branch of the main menu,
// then the simulator saw the prompts, the hand-offs and the forwards the flow promises.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';
import { stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ EMERGENCY_RING_TIMEOUT_110: '2s' });
});

afterAll(async () => {
  await h.close();
});

async function queuedAfter(digits: string): Promise<{ channelId: string; vars: Readonly<Record<string, string>> }> {
  const channelId = await h.call();
  await h.sim.sendDigits(channelId, digits);
  const where = await h.sim.waitForContinue(channelId);
  expect(where).toMatchObject({ context: 'ivr-fallback', extension: 'queue', priority: 1 });
  return { channelId, vars: h.sim.channel(channelId)?.variables ?? {} };
}

describe('12345 main menu', () => {
  it('answers and greets in Mandarin, then offers the main menu', async () => {
    const channelId = await h.call();
    await h.sim.waitForPlayback(channelId, 'sound:hotline/main-menu');
    expect(h.sim.channel(channelId)?.state).toBe('Up');
    expect(heard(h.sim, channelId).slice(0, 2)).toEqual(['zh:sound:hotline/greeting', 'zh:sound:hotline/main-menu']);
    h.sim.hangup(channelId);
  });

  it('2 queues a consultation', async () => {
    const { vars } = await queuedAfter('2');
    expect(vars).toMatchObject({ HOTLINE_SKILL: 'consultation', HOTLINE_PRIORITY: '3' });
  });

  it('3 then a category queues a complaint with its category', async () => {
    const { channelId, vars } = await queuedAfter('32');
    expect(vars).toMatchObject({ HOTLINE_SKILL: 'complaint', HOTLINE_PRIORITY: '5', HOTLINE_CATEGORY: 'environment' });
    expect(heard(h.sim, channelId)).toContain('zh:sound:hotline/complaint-menu');
  });

  it('4 reads the status of the caller\'s own case from intake, then 0 queues for case status', async () => {
    // A number of its own: an open case under the harness's default number would greet every later call.
    const phone = '13800000404';
    const { submission } = await h.gateway.intake.intake.submit({
      dedupKey: 'test:case-status',
      fingerprint: 'f1',
      draft: { channel: 'web', text: '小区垃圾清运不及时', contact: { phone } },
    });
    await h.gateway.intake.intake.updateStatus(submission.id, { status: 'in_progress', at: new Date().toISOString(), note: '已派单' });
    const channelId = await h.call(phone);
    // Keyed at once: a caller who knows the menu skips their open case's progress.
    await h.sim.sendDigits(channelId, `4${submission.ticket}#`);
    await h.sim.waitForPlayback(channelId, 'sound:hotline/case-status-options', { finished: false });
    expect(heard(h.sim, channelId)).toEqual(
      expect.arrayContaining([`zh:digits:${submission.ticket}`, 'zh:sound:hotline/status-in-progress']),
    );
    expect(heard(h.sim, channelId)).not.toContain('zh:sound:hotline/enter-pin');
    await h.sim.sendDigits(channelId, '0');
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'queue' });
    expect(h.sim.channel(channelId)?.variables).toMatchObject({ HOTLINE_SKILL: 'case-status' });
  });

  it('4 with a number whose check digit is wrong says it is not a case number and offers the options', async () => {
    const channelId = await h.call();
    // Twelve digits whose Luhn check digit is wrong: no ticket can look like that.
    await h.sim.sendDigits(channelId, '4999999999990#');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/case-status-options', { finished: false });
    expect(heard(h.sim, channelId)).toContain('zh:sound:hotline/case-not-found');
    h.sim.hangup(channelId);
  });

  it('5 records a suggestion ended by #, makes it a work order with the recording, and reads the ticket back', async () => {
    const channelId = await h.call('13912345678');
    await h.sim.sendDigits(channelId, '5');
    await h.sim.waitForAriEvent('recording started', (e) => e.event['type'] === 'RecordingStarted');
    await h.sim.sendDigits(channelId, '#');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/private-choice');
    await h.sim.sendDigits(channelId, '2');
    const ended = await h.sim.waitForHangup(channelId);
    expect(ended.hangupBy).toBe('app');
    const played = heard(h.sim, channelId);
    expect(played).toContain('zh:sound:hotline/suggestion-ticket');
    expect(played).toContain('zh:sound:hotline/thanks-suggestion');
    const digits = played.find((m) => m.startsWith('zh:digits:'));
    expect(digits).toBeDefined();
    const ticket = (digits ?? '').slice('zh:digits:'.length);
    const record = await h.gateway.intake.intake.getByTicket(ticket);
    expect(record?.submission).toMatchObject({
      channel: 'voice',
      kind: 'suggestion',
      contact: { anonymous: false, phone: '13912345678' },
      refs: { callId: channelId },
    });
    expect(record?.submission.attachments).toHaveLength(1);
    expect(record?.submission.attachments[0]).toMatchObject({ mimeType: 'audio/wav', mediaKind: 'audio' });

    // Retention: the recording goes once nothing stored it for INTAKE_RECORD_RETENTION (400 days by default); the
    // record, changed just now, stays.
    const sha = record?.submission.attachments[0]?.sha256 ?? '';
    const file = join(h.gateway.config.intake.dataDir, 'attachments', sha.slice(0, 2), sha);
    const longAgo = new Date(Date.now() - 500 * 86_400_000);
    await utimes(file, longAgo, longAgo);
    expect(await h.gateway.intake.purgeExpired()).toBe(0);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    expect(await h.gateway.intake.intake.getByTicket(ticket)).not.toBeNull();
  });

  it('0 queues for a general agent', async () => {
    const { vars } = await queuedAfter('0');
    expect(vars).toMatchObject({ HOTLINE_SKILL: 'general' });
  });

  it('9 switches to English and replays the main menu in English', async () => {
    const channelId = await h.call();
    await h.sim.sendDigits(channelId, '9');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/main-menu', { finished: false });
    await h.sim.waitFor('English main menu', () => heard(h.sim, channelId).includes('en:sound:hotline/main-menu'), 5000);
    await h.sim.sendDigits(channelId, '0');
    await h.sim.waitForContinue(channelId);
    expect(heard(h.sim, channelId)).toContain('en:sound:hotline/transfer-agent');
  });

  it('* repeats the current menu', async () => {
    const channelId = await h.call();
    await h.sim.waitForPlayback(channelId, 'sound:hotline/main-menu', { finished: true });
    await h.sim.sendDigits(channelId, '*');
    await h.sim.waitFor(
      'main menu played twice',
      () => heard(h.sim, channelId).filter((m) => m === 'zh:sound:hotline/main-menu').length === 2,
      5000,
    );
    h.sim.hangup(channelId);
  });

  it('an invalid choice is retried with a prompt, and silence ends with an agent, never a hang-up', async () => {
    const channelId = await h.call();
    await h.sim.waitForPlayback(channelId, 'sound:hotline/main-menu', { finished: true });
    await h.sim.sendDigits(channelId, '7');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/invalid-choice');
    // Then say nothing: the flow's timeouts and retries run out and the caller goes to an agent.
    const where = await h.sim.waitForContinue(channelId, 30_000);
    expect(where.extension).toBe('queue');
    expect(h.sim.channel(channelId)?.variables['HOTLINE_SKILL']).toBe('general');
    expect(heard(h.sim, channelId)).toContain('zh:sound:hotline/no-input');
  }, 40_000);

  it('a caller who hangs up in the menu leaves no call behind', async () => {
    const channelId = await h.call();
    h.sim.hangup(channelId);
    await h.sim.waitFor('IVR released the call', () => h.gateway.calls.activeIvrCalls === 0, 5000);
  });
});

describe('readiness', () => {
  it('reports ARI, AMI, Redis and the intake, call queue and staff connections connected', async () => {
    const response = await fetch(`${h.gateway.httpUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, checks: { ari: true, ami: true, redis: true, intake: true, queue: true, staff: true } });
    const metrics = await (await fetch(`${h.gateway.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/hotline_ivr_calls_total \d+/);
  });
});
