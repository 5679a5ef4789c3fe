// Event -> command latency, seen from the simulator: from the ARI event that asks the application to act
// (StasisStart, ChannelDtmfReceived, PlaybackFinished) to the simulator handling the application's next
// ARI request for that channel. High-resolution clock (performance.now()), in the simulator's process: the wait
// includes the application's process receiving the event, acting on it and its request coming back over loopback.

import { performance } from 'node:perf_hooks';
import type { DeliveredEvent, RequestRecord, SimulatorControl } from '../../src/simulator/index.js';

const CHANNEL_REQUEST = /^\/ari\/channels\/([^/]+)\//;
const PLAYBACK_REQUEST = /^\/ari\/playbacks\/([^/]+)/;

export class LatencyProbe {
  /** Latencies (ms) while recording. */
  sample: number[] = [];
  recording = false;
  /** The oldest unanswered trigger per channel. */
  private readonly pending = new Map<string, number>();
  private readonly playbackChannel = new Map<string, string>();
  /** Each channel's playback the application started last. */
  private readonly latestPlayback = new Map<string, string>();
  /** Triggers emitted in the current synchronous run; see flush(). */
  private fresh: Array<{ channelId: string; at: number; playbackId: string | null }> = [];
  private flushQueued = false;
  /** Times the benchmark itself stopped the application (its forced GC to read the heap): no sample overlaps them. */
  private readonly excluded: Array<{ from: number; to: number }> = [];

  constructor(control: SimulatorControl) {
    control.onAriEvent((delivered) => this.onEvent(delivered));
    // The simulator logs every ARI request right after handling it. Its request log is not public API, so
    // we replace its `add` on the instance: this also stops it keeping 100,000 records of benchmark traffic,
    // which would otherwise count as "memory per call".
    const log = (control as unknown as { requestLog: { add(record: RequestRecord): void } }).requestLog;
    log.add = (record) => this.onRequest(record);
  }

  reset(): void {
    this.sample = [];
    this.pending.clear();
    this.excluded.length = 0;
  }

  /**
   * Runs `pause` (the benchmark's own stop-the-world work: the app process's forced GC, asked for over IPC) and keeps
   * every wait that overlaps it out of the sample, from the request until the answer: the pause lies within.
   */
  async excludingWhile<T>(pause: () => Promise<T>): Promise<T> {
    const window = { from: performance.now(), to: Infinity };
    this.excluded.push(window);
    try {
      return await pause();
    } finally {
      window.to = performance.now();
    }
  }

  private onEvent({ event }: DeliveredEvent): void {
    let channelId: string | undefined;
    let playbackId: string | null = null;
    if (event.type === 'StasisStart' || event.type === 'ChannelDtmfReceived') {
      channelId = (event.channel as { id: string }).id;
    } else if (event.type === 'PlaybackFinished') {
      const playback = event.playback as { id: string; target_uri: string };
      if (playback.target_uri.startsWith('channel:')) channelId = playback.target_uri.slice('channel:'.length);
      playbackId = playback.id;
    }
    if (channelId === undefined) return;
    this.fresh.push({ channelId, at: performance.now(), playbackId });
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  // Events emitted while the simulator handles a request (e.g. the PlaybackFinished a DELETE /playbacks causes)
  // are consequences of that request, not triggers it answers: the request is logged in the same synchronous
  // run, so triggers only start counting in a microtask after it.
  // The end of a playback the application has already moved past (it started another on the channel: the gateway
  // stops a prompt and plays the next at once, and its play can overtake its stop) asks nothing of it: not a trigger,
  // else it would wait for the application's next request, a whole prompt later.
  private flush(): void {
    this.flushQueued = false;
    for (const { channelId, at, playbackId } of this.fresh) {
      if (playbackId !== null) {
        this.playbackChannel.delete(playbackId);
        const latest = this.latestPlayback.get(channelId);
        if (latest !== undefined && latest !== playbackId) continue;
      }
      if (!this.pending.has(channelId)) this.pending.set(channelId, at);
    }
    this.fresh = [];
  }

  private onRequest(record: RequestRecord): void {
    const at = performance.now();
    let channelId = CHANNEL_REQUEST.exec(record.path)?.[1];
    if (channelId !== undefined) {
      const playbackId = record.query.playbackId;
      if (playbackId !== undefined && record.path.endsWith('/play')) {
        this.playbackChannel.set(playbackId, channelId);
        this.latestPlayback.set(channelId, playbackId);
      }
    } else {
      const playbackId = PLAYBACK_REQUEST.exec(record.path)?.[1];
      if (playbackId !== undefined) channelId = this.playbackChannel.get(playbackId);
    }
    if (channelId === undefined) return;
    const since = this.pending.get(channelId);
    if (since === undefined) return;
    this.pending.delete(channelId);
    if (this.recording && !this.excluded.some((w) => since <= w.to && at >= w.from)) this.sample.push(at - since);
  }

  /** Forget a finished call. */
  forget(channelId: string): void {
    this.pending.delete(channelId);
    this.latestPlayback.delete(channelId);
  }
}
