// The Telephony port over ari-client. Every call goes through `op()`, which turns "the object is gone"
// into the domain outcome 'gone' and anything else into a typed error: never a crash of the gateway.

import type { AriClient } from 'ari-client';
import type { OpResult, OutboundChannelRequest, Telephony } from '../../app/ports.js';
import type { Lang } from '../../domain/flow/types.js';
import { AriUnavailableError, classifyAriError, toAriError } from './ari-errors.js';

export class AriTelephony implements Telephony {
  constructor(
    private readonly client: () => AriClient | null,
    private readonly app: string,
  ) {}

  /** `alsoGone`: an operation's own answers that mean its target is unavailable, on top of the shared ones. */
  private async op(operation: string, call: (client: AriClient) => Promise<unknown>, alsoGone?: RegExp): Promise<OpResult> {
    const client = this.client();
    if (client === null) throw new AriUnavailableError(operation, 'not connected');
    try {
      await call(client);
      return 'ok';
    } catch (err) {
      const { kind, message } = classifyAriError(err);
      if (kind === 'gone' || (kind === 'failed' && alsoGone?.test(message) === true)) return 'gone';
      throw toAriError(operation, err);
    }
  }

  answer(channelId: string): Promise<OpResult> {
    return this.op('answer', (c) => c.channels.answer({ channelId }));
  }

  play(channelId: string, playbackId: string, media: readonly string[], lang: Lang): Promise<OpResult> {
    return this.op('play', (c) => c.channels.play({ channelId, playbackId, media: [...media], lang }));
  }

  async stopPlayback(playbackId: string): Promise<OpResult> {
    return this.op('stopPlayback', (c) => c.playbacks.stop({ playbackId }));
  }

  record(
    channelId: string,
    name: string,
    options: { maxDurationMs: number; maxSilenceMs: number; beep: boolean; terminateOn: '#' },
  ): Promise<OpResult> {
    return this.op('record', (c) =>
      c.channels.record({
        channelId,
        name,
        format: 'wav',
        maxDurationSeconds: Math.ceil(options.maxDurationMs / 1000),
        maxSilenceSeconds: Math.ceil(options.maxSilenceMs / 1000),
        beep: options.beep,
        terminateOn: options.terminateOn,
        ifExists: 'overwrite',
      }),
    );
  }

  stopRecording(name: string): Promise<OpResult> {
    return this.op('stopRecording', (c) => c.recordings.stop({ recordingName: name }));
  }

  setVariable(channelId: string, variable: string, value: string): Promise<OpResult> {
    return this.op('setVariable', (c) => c.channels.setChannelVar({ channelId, variable, value }));
  }

  continueInDialplan(channelId: string, context: string, extension: string, priority: number): Promise<OpResult> {
    return this.op('continue', (c) => c.channels.continueInDialplan({ channelId, context, extension, priority }));
  }

  hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' = 'normal'): Promise<OpResult> {
    return this.op('hangup', (c) => c.channels.hangup({ channelId, reason }));
  }

  ring(channelId: string): Promise<OpResult> {
    return this.op('ring', (c) => c.channels.ring({ channelId }));
  }

  stopRinging(channelId: string): Promise<OpResult> {
    return this.op('ringStop', (c) => c.channels.ringStop({ channelId }));
  }

  createOutbound(request: OutboundChannelRequest): Promise<OpResult> {
    return this.op(
      'createOutbound',
      (c) =>
        c.channels.create({
          endpoint: request.endpoint,
          app: this.app,
          channelId: request.channelId,
          ...(request.originator === undefined ? {} : { originator: request.originator }),
          // channels/create has no callerId parameter; Asterisk applies dialplan functions given as variables.
          variables: { 'CALLERID(num)': request.callerId },
        }),
      // Asterisk answers 500 "Allocation failed" when the channel driver cannot reach the endpoint (an unavailable
      // trunk): the line is unavailable, which the caller of this port handles by trying the next one.
      /allocation failed/i,
    );
  }

  dial(channelId: string, callerChannelId: string | null, timeoutSeconds: number): Promise<OpResult> {
    return this.op('dial', (c) => c.channels.dial({ channelId, ...(callerChannelId === null ? {} : { caller: callerChannelId }), timeout: timeoutSeconds }));
  }

  createBridge(bridgeId: string, type: 'mixing' | 'holding' = 'mixing'): Promise<OpResult> {
    return this.op('createBridge', (c) => c.bridges.createWithId({ bridgeId, type, name: bridgeId }));
  }

  removeFromBridge(bridgeId: string, channelId: string): Promise<OpResult> {
    // 422: the channel is no longer in this bridge, which is what the caller wanted.
    return this.op('removeFromBridge', (c) => c.bridges.removeChannel({ bridgeId, channel: channelId }), /not in this bridge/i);
  }

  startBridgeMoh(bridgeId: string, mohClass: string): Promise<OpResult> {
    return this.op('startBridgeMoh', (c) => c.bridges.startMoh({ bridgeId, mohClass }));
  }

  recordBridge(bridgeId: string, name: string): Promise<OpResult> {
    return this.op('recordBridge', (c) => c.bridges.record({ bridgeId, name, format: 'wav', ifExists: 'overwrite' }));
  }

  addToBridge(bridgeId: string, channelIds: readonly string[]): Promise<OpResult> {
    return this.op('addToBridge', (c) => c.bridges.addChannel({ bridgeId, channel: channelIds.join(',') }));
  }

  destroyBridge(bridgeId: string): Promise<OpResult> {
    return this.op('destroyBridge', (c) => c.bridges.destroy({ bridgeId }));
  }

  async playbackExists(playbackId: string): Promise<boolean> {
    return (await this.op('getPlayback', (c) => c.playbacks.get({ playbackId }))) === 'ok';
  }

  async inApplication(channelId: string): Promise<boolean> {
    return (await this.channel(channelId))?.dialplan?.app_name === 'Stasis';
  }

  private async channel(channelId: string): Promise<{ dialplan?: { app_name?: string } } | null> {
    const client = this.client();
    if (client === null) throw new AriUnavailableError('getChannel', 'not connected');
    try {
      return (await client.channels.get({ channelId })) as { dialplan?: { app_name?: string } };
    } catch (err) {
      if (classifyAriError(err).kind === 'gone') return null;
      throw toAriError('getChannel', err);
    }
  }
}
