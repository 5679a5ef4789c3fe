// Plays the callers: places calls, presses the menu digits once the main menu starts, hangs up once the call
// was handed to the dialplan queue, and counts how many calls the application holds at once. One listener
// for all calls (the simulator's waitFor* helpers re-check every pending wait on each event).

import { performance } from 'node:perf_hooks';
import type { LifecycleEvent, SimulatorControl } from '../../src/simulator/index.js';
import type { LatencyProbe } from './latency-probe.js';

/** Half the callers press 2 (consultation), half 3 then 2 (complaint about the environment). */
export type CallerPath = 'consultation' | 'complaint';

export interface CallerBehaviour {
  /** Media URI of the main menu, e.g. `sound:hotline/main-menu`. */
  readonly mainMenuMedia: string;
  readonly greetingMedia: string;
  /** How long after the main menu starts the caller presses the first digit. */
  reactMs: number;
  readonly digitGapMs: number;
}

export class CallerDriver {
  held = 0;
  peakHeld = 0;
  placed = 0;
  completed = 0;
  failed = 0;
  greetingsStarted = 0;
  onCompleted: ((channelId: string, at: number) => void) | null = null;
  private readonly paths = new Map<string, CallerPath>();
  private readonly waiters: Array<{ done: () => boolean; resolve: () => void }> = [];

  constructor(
    private readonly control: SimulatorControl,
    private readonly behaviour: CallerBehaviour,
    private readonly probe: LatencyProbe,
  ) {
    control.onLifecycle((event) => this.onLifecycle(event));
  }

  place(): void {
    const path: CallerPath = this.placed % 2 === 0 ? 'consultation' : 'complaint';
    this.placed += 1;
    const { channelId } = this.control.placeCall({ from: `1380000${String(this.placed % 10000).padStart(4, '0')}` });
    this.paths.set(channelId, path);
  }

  resetCounters(): void {
    this.placed = 0;
    this.completed = 0;
    this.failed = 0;
    this.greetingsStarted = 0;
    this.peakHeld = this.held;
  }

  /** Resolves when `done()` holds, re-checked on every call event; rejects after `timeoutMs`. */
  until(description: string, done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`benchmark stalled: ${description} (placed ${this.placed}, completed ${this.completed}, failed ${this.failed}, held ${this.held})`)), timeoutMs);
      this.waiters.push({
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private onLifecycle(event: LifecycleEvent): void {
    switch (event.type) {
      case 'stasisStart':
        this.held += 1;
        if (this.held > this.peakHeld) this.peakHeld = this.held;
        break;
      case 'stasisEnd':
        this.held -= 1;
        break;
      case 'playbackStarted':
        if (event.media === this.behaviour.greetingMedia) this.greetingsStarted += 1;
        else if (event.media === this.behaviour.mainMenuMedia) this.press(event.channel.id);
        break;
      case 'dialplanContinued':
        this.finish(event.channel.id, event.location.extension === 'queue');
        break;
      case 'channelHungUp':
        // A caller hung up by anyone but us never reached the queue.
        if (this.paths.has(event.channel.id)) this.finish(event.channel.id, false);
        break;
      default:
        return;
    }
    this.checkWaiters();
  }

  private press(channelId: string): void {
    const digits = this.paths.get(channelId) === 'complaint' ? '32' : '2';
    const send = (): void => {
      this.control.sendDigits(channelId, digits, this.behaviour.digitGapMs).catch(() => undefined);
    };
    if (this.behaviour.reactMs > 0) setTimeout(send, this.behaviour.reactMs);
    else send();
  }

  private finish(channelId: string, ok: boolean): void {
    if (!this.paths.delete(channelId)) return;
    this.probe.forget(channelId);
    if (ok) this.completed += 1;
    else this.failed += 1;
    // The queue would take it from here; the caller leaves so the simulator does not keep it alive.
    if (ok) this.control.hangup(channelId);
    this.onCompleted?.(channelId, performance.now());
  }

  private checkWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.waiters[i];
      if (waiter?.done()) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
