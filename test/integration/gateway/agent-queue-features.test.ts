// Given the gateway's own agent queue with recording on, options offered after a short wait and skills widening
// fast, when callers queue, then: the caller is told the call is recorded and the bridge recording is attached to
// the work order; a caller may leave a voice message from the queue instead (an intake submission, not abandoned);
// a caller nobody has the skill for is taken after one widening step by a level-2 agent, or after the overflow time
// by any agent of their language; a complaint (priority 5) is served before an earlier consultation (priority 3);
// and /metrics shows the queue's figures.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';
import { agentDesk, until } from './agent-support.js';

let h: Harness;
/** Recordings run ten times faster than real time (Asterisk reports whole seconds, and an empty message is none). */
const RECORDED_MS_PER_SECOND = 100;

beforeAll(async () => {
  h = await startHarness({
    ACD_RECORD: 'on',
    ACD_ANNOUNCE_EVERY: '0',
    ACD_OPTIONS_AFTER: '400ms',
    ACD_RING_TIMEOUT: '2s',
    ACD_WRAP_UP: '1m',
    ACD_WIDEN_EVERY: '2s',
    ACD_OVERFLOW_AFTER: '4s',
  }, { simulator: { recordingMsPerSecond: RECORDED_MS_PER_SECOND } });
});

afterAll(async () => {
  await h.close();
});

function desk() {
  return agentDesk(h);
}


async function login(id: string, skills: string): Promise<string> {
  const endpoint = `PJSIP/${id}`;
  await desk().login({ agentId: id, endpoint, skills });
  return endpoint;
}

async function waiting(count: number): Promise<void> {
  await until(`${count} caller(s) waiting`, async () => ((await desk().stats()).waiting === count ? true : null));
}

async function queuedCaller(digits: string, from?: string): Promise<string> {
  const caller = await h.call(from);
  await h.sim.sendDigits(caller, digits);
  return caller;
}

async function bridgedLeg(endpoint: string, caller: string, timeoutMs?: number): Promise<{ leg: string; bridgeId: string }> {
  const leg = (await h.sim.waitForOutboundChannel(endpoint, timeoutMs)).id;
  const bridge = await h.sim.waitForBridgeWith(leg);
  expect([...bridge.channelIds].sort()).toEqual([caller, leg].sort());
  return { leg, bridgeId: bridge.id };
}

async function metric(line: string): Promise<number | null> {
  const text = await (await fetch(`${h.gateway.httpUrl}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? null : Number(found.slice(line.length + 1));
}

describe('the agent queue\'s recording, voice messages, widening, overflow and priority', () => {
  it('tells the caller the call is recorded, records the bridge and attaches the recording to the work order', async () => {
    const endpoint = await login('7001', 'consultation:1, zh:1');
    const caller = await queuedCaller('2', '13911113333');
    await h.sim.waitForPlayback(caller, 'sound:hotline/queue-recording-notice');
    await waiting(1);
    await desk().ready('7001');
    const { leg, bridgeId } = await bridgedLeg(endpoint, caller);
    const played = heard(h.sim, caller);
    expect(played.indexOf('zh:sound:hotline/queue-recording-notice')).toBeGreaterThan(played.indexOf('zh:sound:hotline/transfer-consultation'));
    await until('the bridge recording', () => (h.sim.requests().some((r) => r.method === 'POST' && r.path === `/ari/bridges/${bridgeId}/record`) ? true : null));

    h.sim.hangup(caller); // the caller ends the call: the bridge goes and its recording is stored
    const stored = await h.sim.waitForStoredRecording(`acd-${caller}`);
    expect(stored.bridgeId).toBe(bridgeId);
    await h.sim.waitForHangup(leg);
    await until('7001 in wrap-up', async () => ((await desk().agent('7001'))?.state === 'wrapUp' ? true : null));

    const { order } = await desk().wrapUp('7001', { kind: 'consultation', category: 'other', matter: 'Opening hours of the tax office', disposition: 'answered' });
    const record = await h.gateway.intake.intake.getByTicket(order.ticket);
    expect(record?.submission.refs).toMatchObject({ callId: caller, recordingName: `acd-${caller}` });
    expect(record?.submission.attachments).toHaveLength(1);
    expect(record?.submission.attachments[0]).toMatchObject({ mimeType: 'audio/wav', mediaKind: 'audio' });
    await desk().logout('7001');
  });

  it('a caller who presses 2 leaves a voice message: a voice submission with the recording, the ticket read back, not abandoned', async () => {
    await login('7101', 'consultation:1, zh:1'); // logged in, not ready: the caller waits
    const before = (await desk().stats()).today.abandoned;
    const caller = await queuedCaller('2', '13911114444');
    await h.sim.waitForPlayback(caller, 'sound:hotline/queue-option-voicemail');
    await h.sim.sendDigits(caller, '2');
    await h.sim.waitForPlayback(caller, 'sound:hotline/queue-voicemail-intro', { finished: true });
    await h.sim.waitForAriEvent('the voice message recording started', (e) => e.event['type'] === 'RecordingStarted');
    // The caller speaks for two (simulated) seconds, then ends the message with #.
    await new Promise((resolve) => setTimeout(resolve, 2 * RECORDED_MS_PER_SECOND));
    await h.sim.sendDigits(caller, '#');
    await h.sim.waitForPlayback(caller, 'sound:hotline/queue-voicemail-thanks');
    const ended = await h.sim.waitForHangup(caller);
    expect(ended.hangupBy).toBe('app');

    const played = heard(h.sim, caller);
    expect(played).toContain('zh:sound:hotline/queue-voicemail-ticket');
    const ticket = (played.find((m) => m.startsWith('zh:digits:')) ?? '').slice('zh:digits:'.length);
    const record = await until('the voice message in intake', () => h.gateway.intake.intake.getByTicket(ticket));
    expect(record.submission).toMatchObject({ channel: 'voice', contact: { phone: '13911114444' }, refs: { callId: caller } });
    expect(record.submission.attachments).toHaveLength(1);
    expect(record.submission.attachments[0]).toMatchObject({ mimeType: 'audio/wav', mediaKind: 'audio' });

    const stats = await desk().stats();
    expect(stats.waiting).toBe(0);
    expect(stats.today.abandoned).toBe(before);
    expect(await metric('hotline_acd_caller_outcomes_total{outcome="voicemail"}')).toBe(1);
    await desk().logout('7101');
  });

  it('a caller whose skill no ready agent has at level 1 is taken by a level-2 agent after one widening step', async () => {
    // 7202 has been idle longest and speaks Chinese: the overflow would give the caller to them, not to 7201.
    const other = await login('7202', 'education:1, zh:1');
    await desk().ready('7202');
    const endpoint = await login('7201', 'consultation:2, zh:1');
    await desk().ready('7201');
    const caller = await queuedCaller('2');
    await waiting(1);
    // Enqueueing matches at once when it can: level 2 is not eligible yet.
    expect((await desk().agent('7201'))?.state).toBe('ready');
    await bridgedLeg(endpoint, caller);
    expect(h.sim.channels({ includeHungUp: true }).some((c) => c.name.startsWith(`${other}-`))).toBe(false);
    h.sim.hangup(caller);
    await until('7201 in wrap-up', async () => ((await desk().agent('7201'))?.state === 'wrapUp' ? true : null));
    await desk().logout('7201');
    await desk().logout('7202');
  });

  it('past the overflow time any agent who speaks the caller\'s language takes them, whatever their skills', async () => {
    const endpoint = await login('7301', 'education:1, zh:1');
    await desk().ready('7301');
    const caller = await queuedCaller('2');
    await waiting(1);
    expect((await desk().agent('7301'))?.state).toBe('ready');
    await bridgedLeg(endpoint, caller, 10_000);
    h.sim.hangup(caller);
    await until('7301 in wrap-up', async () => ((await desk().agent('7301'))?.state === 'wrapUp' ? true : null));
    await desk().logout('7301');
  });

  it('a complaint (priority 5) is served before a consultation (priority 3) that has waited longer', async () => {
    const both = await login('7401', 'consultation:1, environment:1, zh:1');
    const consultation = await queuedCaller('2');
    await waiting(1);
    const complaint = await queuedCaller('32'); // complaints, then the environment
    await waiting(2);
    await desk().ready('7401');
    await bridgedLeg(both, complaint);

    const second = await login('7402', 'consultation:1, zh:1');
    await desk().ready('7402');
    await bridgedLeg(second, consultation);
    h.sim.hangup(complaint);
    h.sim.hangup(consultation);
    await until('both agents in wrap-up', async () => ((await desk().agents()).filter((a) => a.state === 'wrapUp' && (a.id === '7401' || a.id === '7402')).length === 2 ? true : null));
    await desk().logout('7401');
    await desk().logout('7402');
  });

  it('/metrics shows the queue: nobody waiting, the day\'s answered calls and the voice message', async () => {
    // The figures are read on the queue's tick (every second).
    await until('the day\'s figures in /metrics', async () => ((await metric('hotline_acd_calls_today{outcome="answered"}')) === 5 ? true : null));
    expect(await metric('hotline_acd_waiting_calls')).toBe(0);
    expect(await metric('hotline_acd_longest_wait_seconds')).toBe(0);
    expect(await metric('hotline_acd_calls_today{outcome="queued"}')).toBe(6);
    expect(await metric('hotline_acd_calls_today{outcome="offered"}')).toBe(5);
    expect(await metric('hotline_acd_calls_today{outcome="abandoned"}')).toBe(0);
    expect(await metric('hotline_acd_agents{state="ready"}')).toBe(0);
    expect(await metric('hotline_acd_agents{state="offline"}')).toBe(7);
    // Every answered caller waited well under 20 s, and nobody hung up waiting.
    expect(await metric('hotline_acd_calls_today{outcome="answered_in_time"}')).toBe(5);
    expect(await metric('hotline_acd_service_level')).toBe(1);
    expect(await metric('hotline_acd_caller_outcomes_total{outcome="voicemail"}')).toBe(1);
  });
});
