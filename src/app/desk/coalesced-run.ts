// One job run at most once per interval however often it is asked for: a burst of queue changes (ten callers
// joining in a second, a shift logging in) becomes one read of the floor and one push, not one per change. The
// first request after a quiet spell runs at once; requests while a run is under way make one more run after it.

import type { Clock, TimerHandle } from '../ports.js';

export class CoalescedRun {
  private timer: TimerHandle | null = null;
  private running = false;
  private again = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly job: () => Promise<void>,
    private readonly everyMs: number,
    private readonly clock: Clock,
    /** The job's failure: the next request runs it again. */
    private readonly failed: (err: unknown) => void,
  ) {}

  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastStart + this.everyMs - this.clock.now());
    this.timer = this.clock.setTimer(wait, () => {
      this.timer = null;
      void this.run();
    });
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    this.lastStart = this.clock.now();
    try {
      await this.job();
    } catch (err) {
      this.failed(err);
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }
}
