// Given the gateway on the 12345 flow with real Redis, when callers ask about cases on the phone, then a case opens
// only to its own caller ID or its PIN, wrong PINs lock it, every status is said in its own words, a finished case
// can be rated, a voice message's PIN is read back with its ticket, a privacy choice reaches the submission, and a
// caller with an open case hears its progress first: all asserted on what the simulator played and what intake holds.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casePin } from '../../../src/domain/access/case-proof.js';
import type { Status } from '../../../src/domain/intake/submission.js';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

let numbers = 0;
/** A phone number no other test in this file uses (an open case under it would greet its calls). */
function freshNumber(): string {
  numbers += 1;
  return `1390000${String(numbers).padStart(4, '0')}`;
}

/** A web request from `phone`, moved through `statuses`; its ticket and PIN. */
async function caseOf(phone: string, statuses: readonly Status[]): Promise<{ id: string; ticket: string; pin: string }> {
  const { submission } = await h.gateway.intake.intake.submit({
    dedupKey: `test:ivr-access:${phone}`,
    fingerprint: phone,
    draft: { channel: 'web', text: '路灯不亮，晚上很危险', contact: { phone } },
  });
  for (const status of statuses) await h.gateway.intake.intake.updateStatus(submission.id, { status, at: new Date().toISOString() });
  return { id: submission.id, ticket: submission.ticket, pin: await pinOf(submission.ticket) };
}

async function pinOf(ticket: string): Promise<string> {
  return casePin(ticket, (await h.gateway.intake.caseKeys.load()).pinPrf);
}

function count(channelId: string, media: string): number {
  return heard(h.sim, channelId).filter((m) => m === `zh:${media}`).length;
}

async function until(channelId: string, media: string, times = 1): Promise<void> {
  await h.sim.waitFor(`${media} played ${times}x`, () => (count(channelId, media) >= times ? true : undefined), 10_000);
}

/** A stranger's call keys in `ticket` and is asked for the PIN. */
async function strangerAtPin(ticket: string): Promise<string> {
  const channelId = await h.call(freshNumber());
  await h.sim.sendDigits(channelId, `4${ticket}#`);
  await until(channelId, 'sound:hotline/enter-pin');
  return channelId;
}

describe('case status on the phone, with proof', () => {
  it('the caller\'s own number opens their finished case; they rate it 4 and the rating is stored on the submission', async () => {
    const phone = freshNumber();
    const { id, ticket } = await caseOf(phone, ['accepted', 'resolved']);
    const channelId = await h.call(phone);
    await h.sim.sendDigits(channelId, `4${ticket}#`);
    await until(channelId, 'sound:hotline/rate-offer');
    expect(heard(h.sim, channelId)).toEqual(expect.arrayContaining([`zh:digits:${ticket}`, 'zh:sound:hotline/status-resolved']));
    expect(heard(h.sim, channelId)).not.toContain('zh:sound:hotline/enter-pin');

    await h.sim.sendDigits(channelId, '4');
    await until(channelId, 'sound:hotline/rate-thanks');
    const record = await h.gateway.intake.intake.get(id);
    expect(record?.rating).toMatchObject({ score: 4 });

    // Read again: rated now, so no rating is offered.
    await until(channelId, 'sound:hotline/case-status-options');
    await h.sim.sendDigits(channelId, `1${ticket}#`);
    await until(channelId, 'sound:hotline/status-resolved', 2);
    await until(channelId, 'sound:hotline/case-status-options', 2);
    expect(count(channelId, 'sound:hotline/rate-offer')).toBe(1);
    h.sim.hangup(channelId);
  });

  it('another caller is asked for the PIN, and the right PIN opens the case', async () => {
    const { ticket, pin } = await caseOf(freshNumber(), ['accepted']);
    const channelId = await strangerAtPin(ticket);
    await h.sim.sendDigits(channelId, `${pin}#`);
    await until(channelId, 'sound:hotline/case-status-options');
    expect(heard(h.sim, channelId)).toContain('zh:sound:hotline/status-accepted');
    h.sim.hangup(channelId);
  });

  it('wrong PINs are counted: five are refused, then the case is locked even for the right PIN, and an agent is offered', async () => {
    const { ticket, pin } = await caseOf(freshNumber(), ['in_progress']);
    const wrong = pin === '000000' ? '111111' : '000000';
    const channelId = await strangerAtPin(ticket);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await h.sim.sendDigits(channelId, wrong);
      await until(channelId, 'sound:hotline/wrong-pin-options', attempt);
      await h.sim.sendDigits(channelId, '1');
      await until(channelId, 'sound:hotline/enter-pin', attempt + 1);
    }
    await h.sim.sendDigits(channelId, pin);
    await until(channelId, 'sound:hotline/case-locked');
    expect(heard(h.sim, channelId)).not.toContain('zh:sound:hotline/status-in-progress');
    await until(channelId, 'sound:hotline/case-status-options');
    await h.sim.sendDigits(channelId, '0');
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'queue' });
    expect(h.sim.channel(channelId)?.variables).toMatchObject({ HOTLINE_SKILL: 'case-status' });

    // The lock is the ticket's, not the call's: another stranger with the right PIN is refused too.
    const other = await strangerAtPin(ticket);
    await h.sim.sendDigits(other, pin);
    await until(other, 'sound:hotline/case-locked');
    h.sim.hangup(other);
  }, 60_000);

  it.each([
    ['received', [], 'status-received'],
    ['accepted', ['accepted'], 'status-accepted'],
    ['in_progress', ['accepted', 'in_progress'], 'status-in-progress'],
    ['resolved', ['accepted', 'resolved'], 'status-resolved'],
    ['closed', ['closed'], 'status-closed'],
    ['rejected', ['rejected'], 'status-rejected'],
  ] as const)('a case that is %s is said in its own words', async (_, statuses, prompt) => {
    const { ticket, pin } = await caseOf(freshNumber(), statuses);
    const channelId = await strangerAtPin(ticket);
    await h.sim.sendDigits(channelId, pin);
    await until(channelId, `sound:hotline/${prompt}`);
    const said = heard(h.sim, channelId).filter((m) => m.startsWith('zh:sound:hotline/status-'));
    expect(said).toEqual([`zh:sound:hotline/${prompt}`]);
    h.sim.hangup(channelId);
  });
});

describe('voice messages on the phone', () => {
  /** Leaves a suggestion from `phone`, answers the privacy question with `choice`, and waits for the goodbye. */
  async function leaveSuggestion(phone: string, choice: '1' | '2'): Promise<{ channelId: string; ticket: string; pin: string }> {
    const channelId = await h.call(phone);
    await h.sim.sendDigits(channelId, '5');
    await h.sim.waitForAriEvent('recording started', (e) => e.event['type'] === 'RecordingStarted');
    await h.sim.sendDigits(channelId, '#');
    await h.sim.waitForPlayback(channelId, 'sound:hotline/private-choice');
    await h.sim.sendDigits(channelId, choice);
    await h.sim.waitForHangup(channelId);
    const played = heard(h.sim, channelId);
    const readback = played.indexOf('zh:sound:hotline/suggestion-ticket');
    expect(readback).toBeGreaterThanOrEqual(0);
    // Ticket, "your PIN is", PIN, in one read-back.
    const [ticketMedia, pinPrompt, pinMedia] = played.slice(readback + 1, readback + 4);
    expect(ticketMedia).toMatch(/^zh:digits:[0-9]{12}$/);
    expect(pinPrompt).toBe('zh:sound:hotline/your-pin');
    expect(pinMedia).toMatch(/^zh:digits:[0-9]{6}$/);
    return { channelId, ticket: (ticketMedia ?? '').slice('zh:digits:'.length), pin: (pinMedia ?? '').slice('zh:digits:'.length) };
  }

  it('reads the ticket and then its PIN back; the PIN opens the case for another caller', async () => {
    const { ticket, pin } = await leaveSuggestion(freshNumber(), '2');
    expect(pin).toBe(await pinOf(ticket));
    const record = await h.gateway.intake.intake.getByTicket(ticket);
    expect(record?.submission).toMatchObject({ channel: 'voice', kind: 'suggestion' });
    expect(record?.submission).not.toHaveProperty('private');

    const channelId = await strangerAtPin(ticket);
    await h.sim.sendDigits(channelId, pin);
    await until(channelId, 'sound:hotline/status-received');
    h.sim.hangup(channelId);
  });

  it('1 after the recording asks for the request to be kept private: the submission says so', async () => {
    const { ticket } = await leaveSuggestion(freshNumber(), '1');
    const record = await h.gateway.intake.intake.getByTicket(ticket);
    expect(record?.submission.private).toBe(true);
  });
});

describe('a repeat caller', () => {
  it('hears their open case\'s ticket and progress first, and 1 reaches an agent', async () => {
    const phone = freshNumber();
    const { ticket } = await caseOf(phone, ['accepted']);
    const channelId = await h.call(phone);
    await until(channelId, 'sound:hotline/open-case-options');
    const played = heard(h.sim, channelId);
    expect(played.slice(0, 4)).toEqual([
      'zh:sound:hotline/greeting',
      'zh:sound:hotline/open-case-intro',
      `zh:digits:${ticket}`,
      'zh:sound:hotline/status-accepted',
    ]);
    expect(played).not.toContain('zh:sound:hotline/main-menu');
    await h.sim.sendDigits(channelId, '1');
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'queue' });
    expect(h.sim.channel(channelId)?.variables).toMatchObject({ HOTLINE_SKILL: 'case-status' });
  });

  it('with nothing new, 2 goes on to the main menu; a caller whose case is finished goes there at once', async () => {
    const phone = freshNumber();
    const { id } = await caseOf(phone, ['in_progress']);
    const channelId = await h.call(phone);
    await until(channelId, 'sound:hotline/open-case-options');
    await h.sim.sendDigits(channelId, '2');
    await until(channelId, 'sound:hotline/main-menu');
    h.sim.hangup(channelId);

    await h.gateway.intake.intake.updateStatus(id, { status: 'resolved', at: new Date().toISOString() });
    const again = await h.call(phone);
    await until(again, 'sound:hotline/main-menu');
    expect(heard(h.sim, again)).not.toContain('zh:sound:hotline/open-case-intro');
    h.sim.hangup(again);
  });
});
