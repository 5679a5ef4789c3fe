// Given the gateway and dedicated lines that answer, are busy or never answer,
// when a caller chooses an emergency, then they are bridged to the right line at once, the routes fail
// over in order, and a caller is never left in silence.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { heard, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness(
    {
      EMERGENCY_DIAL_110: 'PJSIP/110@psap-police,PJSIP/110@psap-police-backup',
      EMERGENCY_DIAL_122: 'PJSIP/122@psap-traffic,PJSIP/122@psap-traffic-backup',
      EMERGENCY_ROUNDS: '2',
    },
    { simulator: { ringTimeoutMs: 300 } },
  );
});

afterAll(async () => {
  await h.close();
});

async function bridgedPeer(channelId: string): Promise<{ dialstring: string | null; presented: string }> {
  const bridge = await h.sim.waitForBridgeWith(channelId);
  const peerId = bridge.channelIds.find((id) => id !== channelId);
  const peer = peerId === undefined ? undefined : h.sim.channel(peerId);
  return { dialstring: peer?.dialstring ?? null, presented: peer?.presentedCallerId.number ?? '' };
}

describe('emergency forwarding', () => {
  it.each([
    ['1', '110', '110@psap-police'],
    ['2', '119', '119@psap-fire'],
    ['3', '120', '120@psap-ambulance'],
    ['4', '122', '122@psap-traffic'],
  ])('1 then %s connects the caller to %s with their number presented', async (choice, _service, line) => {
    const caller = '13911112222';
    const channelId = await h.call(caller);
    await h.sim.sendDigits(channelId, `1${choice}`);
    const peer = await bridgedPeer(channelId);
    expect(peer.dialstring).toBe(line);
    expect(peer.presented).toBe(caller);
    // The caller heard ringing while the line was dialled, and no queue or agent was involved.
    expect(h.sim.channel(channelId)?.continuedTo).toBeNull();
    h.sim.hangup(channelId);
  });

  it('moves on to the backup route when the first is busy', async () => {
    h.sim.setDialBehaviour('PJSIP/110@psap-police', { result: 'busy', afterMs: 20 });
    try {
      const channelId = await h.call();
      await h.sim.sendDigits(channelId, '11');
      const peer = await bridgedPeer(channelId);
      expect(peer.dialstring).toBe('110@psap-police-backup');
      expect(h.sim.channel(channelId)?.ringing).toBe(false);
      h.sim.hangup(channelId);
    } finally {
      h.sim.setDialBehaviour('PJSIP/110@psap-police', { result: 'answer', afterMs: 20 });
    }
  });

  it('when every route fails, tells the caller the number, tries again, then hands them to the dialplan emergency routes', async () => {
    h.sim.setDialBehaviour('PJSIP/122@psap-traffic', { result: 'congestion', afterMs: 10 });
    h.sim.setDialBehaviour('PJSIP/122@psap-traffic-backup', { result: 'noanswer' });
    try {
      const channelId = await h.call();
      await h.sim.sendDigits(channelId, '14');
      const where = await h.sim.waitForContinue(channelId, 15_000);
      expect(where).toMatchObject({ context: 'emergency-fallback', extension: '122' });
      const media = heard(h.sim, channelId);
      // Two rounds, each followed by the announcement with the number to dial.
      expect(media.filter((m) => m === 'zh:digits:122')).toHaveLength(2);
      expect(media).toContain('zh:sound:hotline/emergency-unreachable');
      const dialled = h.sim
        .requests()
        .filter((r) => r.method === 'POST' && r.path === '/ari/channels/create')
        .map((r) => String(r.query['endpoint'] ?? (r.body as Record<string, unknown> | undefined)?.['endpoint']))
        .filter((e) => e.startsWith('PJSIP/122'));
      expect(dialled.slice(-4)).toEqual([
        'PJSIP/122@psap-traffic',
        'PJSIP/122@psap-traffic-backup',
        'PJSIP/122@psap-traffic',
        'PJSIP/122@psap-traffic-backup',
      ]);
    } finally {
      h.sim.setDialBehaviour('PJSIP/122@psap-traffic', { result: 'answer', afterMs: 20 });
      h.sim.setDialBehaviour('PJSIP/122@psap-traffic-backup', { result: 'answer', afterMs: 20 });
    }
  }, 20_000);

  it('a caller who hangs up while the line rings leaves no dialled leg behind', async () => {
    h.sim.setDialBehaviour('PJSIP/110@psap-police', { result: 'noanswer' });
    try {
      const channelId = await h.call();
      await h.sim.sendDigits(channelId, '11');
      const leg = await h.sim.waitForOutboundChannel('PJSIP/110@psap-police');
      h.sim.hangup(channelId);
      await h.sim.waitForHangup(leg.id);
      await h.sim.waitFor('emergency session released', () => h.gateway.calls.activeEmergencies === 0, 5000);
    } finally {
      h.sim.setDialBehaviour('PJSIP/110@psap-police', { result: 'answer', afterMs: 20 });
    }
  });

  it('when the emergency line hangs up, the caller is hung up too', async () => {
    const channelId = await h.call();
    await h.sim.sendDigits(channelId, '13');
    const bridge = await h.sim.waitForBridgeWith(channelId);
    const peerId = bridge.channelIds.find((id) => id !== channelId) ?? '';
    h.sim.hangup(peerId);
    await h.sim.waitForHangup(channelId);
  });
});
