// Given the gateway on the 12345 flow with SOUNDS_DIR either empty (prompts never rendered) or holding a WAV for
// every prompt, when a caller leaves a suggestion or asks for a case's status, then the ticket's digits are read
// back either way: a missing sound costs the caller that one item, never the rest of the playlist.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { toneWav } from '../../../src/simulator/sounds/tone-wav.js';
import type { PlayedMedia } from '../../../src/simulator/index.js';
import type { Harness } from './harness.js';
import { FLOW_FILE, startHarness } from './harness.js';

/** Every prompt of the flow as a short WAV, where `prompts render` puts them: `<dir>/<lang>/<audio>.wav`. */
function placePrompts(dir: string): void {
  const parsed = parseFlow(readFileSync(FLOW_FILE, 'utf8'), FLOW_FILE);
  if ('errors' in parsed) throw new Error(`${FLOW_FILE} is invalid`);
  for (const lang of parsed.flow.languages) {
    for (const prompt of Object.values(parsed.flow.prompts)) {
      const file = join(dir, lang, `${prompt.audio}.wav`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, toneWav(30));
    }
  }
}

function outcomes(h: Harness, channelId: string): Array<[string, PlayedMedia['outcome']]> {
  return (h.sim.channel(channelId)?.played ?? []).map((p) => [p.media, p.outcome]);
}

describe.each([
  { prompts: 'never rendered', place: false, sound: 'failed' },
  { prompts: 'rendered', place: true, sound: 'done' },
] as const)('ticket readback with prompts $prompts', ({ place, sound }) => {
  let h: Harness;
  let soundsDir: string;

  beforeAll(async () => {
    soundsDir = mkdtempSync(join(tmpdir(), 'readback-sounds-'));
    if (place) placePrompts(soundsDir);
    h = await startHarness({ SOUNDS_DIR: soundsDir });
  });

  afterAll(async () => {
    await h?.close();
    rmSync(soundsDir, { recursive: true, force: true });
  });

  it('a suggestion: the caller hears the ticket number and its PIN, and the call goes on to its goodbye', async () => {
    const channelId = await h.call('13912345670');
    await h.sim.sendDigits(channelId, '5');
    await h.sim.waitForAriEvent('recording started', (e) => e.event['type'] === 'RecordingStarted');
    await h.sim.sendDigits(channelId, '#');
    // "Keep it private?": 2 files it as it is.
    await h.sim.waitForPlayback(channelId, 'sound:hotline/private-choice');
    await h.sim.sendDigits(channelId, '2');
    const ended = await h.sim.waitForHangup(channelId);
    expect(ended.hangupBy).toBe('app');
    const played = outcomes(h, channelId);
    const at = played.findIndex(([media]) => media.startsWith('digits:'));
    const ticket = (played[at]?.[0] ?? '').slice('digits:'.length);
    expect(await h.gateway.intake.intake.getByTicket(ticket)).not.toBeNull();
    const pin = (played[at + 2]?.[0] ?? '').slice('digits:'.length);
    expect(pin).toMatch(/^[0-9]{6}$/);
    // The sounds around the digits were tried and played only when they exist; the digits are always heard.
    expect(played.slice(at - 1)).toEqual([
      ['sound:hotline/suggestion-ticket', sound],
      [`digits:${ticket}`, 'done'],
      ['sound:hotline/your-pin', sound],
      [`digits:${pin}`, 'done'],
      ['sound:hotline/thanks-suggestion', sound],
    ]);
  });

  it('case status: the caller hears the number they entered, then the menu still takes their key', async () => {
    const { submission } = await h.gateway.intake.intake.submit({
      dedupKey: `test:readback:${soundsDir}`,
      fingerprint: 'f1',
      draft: { channel: 'web', text: '路灯不亮', contact: { phone: '13912345671' } },
    });
    const channelId = await h.call('13912345671');
    await h.sim.sendDigits(channelId, `4${submission.ticket}#`);
    await h.sim.waitForPlayback(channelId, 'sound:hotline/case-status-options', { finished: true });
    expect(outcomes(h, channelId)).toEqual(
      expect.arrayContaining([
        ['sound:hotline/you-entered', sound],
        [`digits:${submission.ticket}`, 'done'],
      ]),
    );
    await h.sim.sendDigits(channelId, '0');
    expect(await h.sim.waitForContinue(channelId)).toMatchObject({ context: 'ivr-fallback', extension: 'queue', priority: 1 });
  });
});
