// The baseline: the least an ari-client application can do to walk a caller through the same 12345 menu with
// the same ARI requests as the gateway (answer, play, stop on a key, set the queue variables, continue).
// No gateway code: this is what the gateway's throughput and memory are compared against.

import { randomUUID } from 'node:crypto';
import type { AriClient } from 'ari-client';

type Step = 'greeting' | 'main-menu' | 'complaint-menu' | 'transfer';

interface Call {
  step: Step;
  playbackId: string;
  choice: string | null;
  playing: boolean;
  /** Keys pressed before the menu they answer started (type-ahead). */
  typeAhead: string;
  vars: ReadonlyArray<readonly [string, string]>;
}

const CONSULTATION_VARS = [['HOTLINE_SKILL', 'consultation'], ['HOTLINE_PRIORITY', '3']] as const;
const COMPLAINT_VARS = [['HOTLINE_SKILL', 'complaint'], ['HOTLINE_PRIORITY', '5'], ['HOTLINE_CATEGORY', 'environment']] as const;

export class BaselineApp {
  private readonly calls = new Map<string, Call>();

  constructor(
    private readonly client: AriClient,
    private readonly audio: (prompt: string) => string,
  ) {}

  listen(): void {
    const c = this.client;
    c.on('StasisStart', (event: { channel: { id: string } }) => void this.start(event.channel.id).catch(() => this.calls.delete(event.channel.id)));
    c.on('ChannelDtmfReceived', (event: { channel: { id: string }; digit: string }) => this.dtmf(event.channel.id, event.digit));
    c.on('PlaybackFinished', (event: { playback: { id: string; target_uri: string } }) => {
      const id = event.playback.target_uri.slice('channel:'.length);
      void this.finished(id, event.playback.id).catch(() => this.calls.delete(id));
    });
    c.on('StasisEnd', (event: { channel: { id: string } }) => this.calls.delete(event.channel.id));
  }

  private async start(id: string): Promise<void> {
    const call: Call = { step: 'greeting', playbackId: '', choice: null, playing: false, typeAhead: '', vars: [] };
    this.calls.set(id, call);
    await this.client.channels.answer({ channelId: id });
    await this.play(id, call, 'greeting', 'greeting');
  }

  private play(id: string, call: Call, step: Step, prompt: string): Promise<unknown> {
    call.step = step;
    call.playbackId = randomUUID();
    call.choice = null;
    call.playing = true;
    return this.client.channels.play({ channelId: id, playbackId: call.playbackId, media: [`sound:${this.audio(prompt)}`], lang: 'zh' });
  }

  private dtmf(id: string, digit: string): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    if ((call.step !== 'main-menu' && call.step !== 'complaint-menu') || call.choice !== null) {
      call.typeAhead += digit;
      return;
    }
    call.choice = digit;
    // A key during the prompt stops it and the choice is acted on at PlaybackFinished; after it, at once.
    if (call.playing) this.client.playbacks.stop({ playbackId: call.playbackId }).catch(() => undefined);
    else void this.next(id, call).catch(() => this.calls.delete(id));
  }

  private async finished(id: string, playbackId: string): Promise<void> {
    const call = this.calls.get(id);
    if (call === undefined || playbackId !== call.playbackId) return;
    call.playing = false;
    await this.next(id, call);
  }

  private async next(id: string, call: Call): Promise<void> {
    if (call.step === 'greeting') {
      await this.play(id, call, 'main-menu', 'main-menu');
    } else if (call.step === 'main-menu' && call.choice === '2') {
      call.vars = CONSULTATION_VARS;
      await this.play(id, call, 'transfer', 'transfer-consultation');
    } else if (call.step === 'main-menu' && call.choice === '3') {
      const typed = call.typeAhead.slice(0, 1);
      call.typeAhead = call.typeAhead.slice(1);
      await this.play(id, call, 'complaint-menu', 'complaint-menu');
      if (typed !== '') this.dtmf(id, typed);
    } else if (call.step === 'complaint-menu' && call.choice === '2') {
      call.vars = COMPLAINT_VARS;
      await this.play(id, call, 'transfer', 'transfer-complaint');
    } else if (call.step === 'transfer') {
      for (const [variable, value] of call.vars) await this.client.channels.setChannelVar({ channelId: id, variable, value });
      this.calls.delete(id);
      await this.client.channels.continueInDialplan({ channelId: id, context: 'ivr-fallback', extension: 'queue', priority: 1 });
    }
  }
}
