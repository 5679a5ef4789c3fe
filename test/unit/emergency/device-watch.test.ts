// The device watch against a feed the test drives: when lists are asked for, what they answer, and which changes
// arrive while a list is on its way.

import { describe, expect, it } from 'vitest';
import { DeviceWatch } from '../../../src/app/device-watch.js';
import type { DeviceStateChange, DeviceStateFeed } from '../../../src/app/device-watch.js';
import type { Log } from '../../../src/app/app-ports.js';
import type { Clock, TimerHandle } from '../../../src/app/ports.js';

type Listed = ReadonlyArray<{ device: string; state: string }>;

class FakeFeed implements DeviceStateFeed {
  connected = false;
  readonly lists: Array<{ resolve: (items: Listed) => void; reject: (err: Error) => void }> = [];
  private readonly connectedListeners = new Set<() => void>();
  private readonly changeListeners = new Set<(device: string, state: string) => void>();

  listDeviceStates(): Promise<Listed> {
    return new Promise((resolve, reject) => this.lists.push({ resolve, reject }));
  }

  onConnected(listener: () => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  onDeviceStateChange(listener: (device: string, state: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  connect(): void {
    this.connected = true;
    for (const l of this.connectedListeners) l();
  }

  change(device: string, state: string): void {
    for (const l of this.changeListeners) l(device, state);
  }

  get listenerCount(): number {
    return this.connectedListeners.size + this.changeListeners.size;
  }
}

class ManualClock implements Clock {
  readonly timers: Array<{ ms: number; fire: () => void; cancelled: boolean }> = [];
  now(): number {
    return 0;
  }
  setTimer(ms: number, fire: () => void): TimerHandle {
    const timer = { ms, fire, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
  pending(): Array<{ ms: number; fire: () => void }> {
    return this.timers.filter((t) => !t.cancelled);
  }
}

function recordingLog(lines: Array<{ level: string; obj: object; msg?: string }> = []): Log & { lines: typeof lines } {
  const write = (level: string) => (obj: object | string, msg?: string) => {
    lines.push({ level, obj: typeof obj === 'string' ? { msg: obj } : obj, ...(msg === undefined ? {} : { msg }) });
  };
  const log: Log = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: () => log };
  return Object.assign(log, { lines });
}

/** Lets the watch's awaited list answer run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(options: { emergencyDevices?: string[] } = {}) {
  const feed = new FakeFeed();
  const clock = new ManualClock();
  const log = recordingLog();
  const watch = new DeviceWatch({ feed, clock, log, retryMs: 250, ...options });
  const changes: DeviceStateChange[] = [];
  watch.onChange((c) => changes.push(c));
  return { feed, clock, log, watch, changes };
}

describe('DeviceWatch', () => {
  it('lists every device after the link comes up, then follows changes', async () => {
    const { feed, watch, changes } = setup();
    watch.start();
    expect(feed.lists).toHaveLength(0);
    feed.connect();
    expect(feed.lists).toHaveLength(1);
    expect(watch.synced).toBe(false);
    feed.lists[0]?.resolve([
      { device: 'PJSIP/psap-police', state: 'UNAVAILABLE' },
      { device: 'PJSIP/psap-police-backup', state: 'NOT_INUSE' },
    ]);
    await settle();
    expect(watch.synced).toBe(true);
    expect(watch.stateOf('PJSIP/psap-police')).toBe('UNAVAILABLE');
    expect(watch.stateOf('PJSIP/psap-police-backup')).toBe('NOT_INUSE');
    expect(watch.stateOf('PJSIP/nobody')).toBeNull();
    feed.change('PJSIP/psap-police', 'NOT_INUSE');
    expect(watch.stateOf('PJSIP/psap-police')).toBe('NOT_INUSE');
    expect(changes).toEqual([
      { device: 'PJSIP/psap-police', state: 'UNAVAILABLE', previous: null },
      { device: 'PJSIP/psap-police-backup', state: 'NOT_INUSE', previous: null },
      { device: 'PJSIP/psap-police', state: 'NOT_INUSE', previous: 'UNAVAILABLE' },
    ]);
  });

  it('lists at once when started on a link that is already up', () => {
    const { feed, watch } = setup();
    feed.connected = true;
    watch.start();
    expect(feed.lists).toHaveLength(1);
  });

  it('does not report a state repeated (Asterisk repeats them)', async () => {
    const { feed, watch, changes } = setup();
    watch.start();
    feed.connect();
    feed.lists[0]?.resolve([]);
    await settle();
    feed.change('Local/12345@ivr-inbound', 'INUSE');
    feed.change('Local/12345@ivr-inbound', 'INUSE');
    expect(changes).toEqual([{ device: 'Local/12345@ivr-inbound', state: 'INUSE', previous: null }]);
  });

  it('keeps a change announced while the list was on its way over the older list', async () => {
    const { feed, watch, changes } = setup();
    watch.start();
    feed.connect();
    // The list was taken before the trunk came back; its DeviceStateChange overtakes the list's answer.
    feed.change('PJSIP/psap-police', 'NOT_INUSE');
    feed.lists[0]?.resolve([{ device: 'PJSIP/psap-police', state: 'UNAVAILABLE' }]);
    await settle();
    expect(watch.stateOf('PJSIP/psap-police')).toBe('NOT_INUSE');
    expect(changes).toEqual([{ device: 'PJSIP/psap-police', state: 'NOT_INUSE', previous: null }]);
  });

  it('replaces everything with the list after a reconnect: devices gone are reported gone', async () => {
    const { feed, watch, changes } = setup();
    watch.start();
    feed.connect();
    feed.lists[0]?.resolve([
      { device: 'PJSIP/a', state: 'UNAVAILABLE' },
      { device: 'PJSIP/b', state: 'INUSE' },
    ]);
    await settle();
    // The link drops; the states are kept meanwhile.
    feed.connected = false;
    expect(watch.stateOf('PJSIP/a')).toBe('UNAVAILABLE');
    feed.connect();
    feed.lists[1]?.resolve([
      { device: 'PJSIP/a', state: 'NOT_INUSE' },
      { device: 'PJSIP/c', state: 'NOT_INUSE' },
    ]);
    await settle();
    expect(watch.stateOf('PJSIP/a')).toBe('NOT_INUSE');
    expect(watch.stateOf('PJSIP/b')).toBeNull();
    expect(watch.stateOf('PJSIP/c')).toBe('NOT_INUSE');
    expect(changes.slice(2)).toEqual([
      { device: 'PJSIP/a', state: 'NOT_INUSE', previous: 'UNAVAILABLE' },
      { device: 'PJSIP/c', state: 'NOT_INUSE', previous: null },
      { device: 'PJSIP/b', state: null, previous: 'INUSE' },
    ]);
  });

  it('ignores the answer to a list overtaken by a newer one', async () => {
    const { feed, watch } = setup();
    watch.start();
    feed.connect();
    feed.connect();
    feed.lists[1]?.resolve([{ device: 'PJSIP/a', state: 'NOT_INUSE' }]);
    await settle();
    feed.lists[0]?.resolve([{ device: 'PJSIP/a', state: 'UNAVAILABLE' }]);
    await settle();
    expect(watch.stateOf('PJSIP/a')).toBe('NOT_INUSE');
  });

  it('asks again later when the list fails on a link that stays up, and not when the link is gone', async () => {
    const { feed, clock, watch, log } = setup();
    watch.start();
    feed.connect();
    feed.lists[0]?.reject(new Error('AMI DeviceStateList got no answer within 10000 ms'));
    await settle();
    expect(clock.pending().map((t) => t.ms)).toEqual([250]);
    expect(log.lines.some((l) => l.level === 'warn' && l.msg === 'device states could not be listed')).toBe(true);
    clock.pending()[0]?.fire();
    expect(feed.lists).toHaveLength(2);
    feed.connected = false;
    feed.lists[1]?.reject(new Error('AMI DeviceStateList aborted: AMI link lost'));
    await settle();
    expect(clock.pending()).toHaveLength(0);
    // The next login lists again.
    feed.connect();
    feed.lists[2]?.resolve([{ device: 'PJSIP/a', state: 'INUSE' }]);
    await settle();
    expect(watch.stateOf('PJSIP/a')).toBe('INUSE');
  });

  it('takes a state it does not know as UNKNOWN', async () => {
    const { feed, watch, log } = setup();
    watch.start();
    feed.connect();
    feed.lists[0]?.resolve([{ device: 'PJSIP/a', state: 'SLEEPING' }]);
    await settle();
    expect(watch.stateOf('PJSIP/a')).toBe('UNKNOWN');
    expect(log.lines.find((l) => l.msg === 'device state not understood; taken as UNKNOWN')?.obj).toEqual({ device: 'PJSIP/a', state: 'SLEEPING' });
  });

  it('logs the changes of the emergency lines only, a line going down as a warning', async () => {
    const { feed, watch, log } = setup({ emergencyDevices: ['PJSIP/psap-police'] });
    watch.start();
    feed.connect();
    feed.lists[0]?.resolve([]);
    await settle();
    feed.change('PJSIP/agent-1001', 'UNAVAILABLE');
    feed.change('PJSIP/psap-police', 'UNAVAILABLE');
    feed.change('PJSIP/psap-police', 'NOT_INUSE');
    const about = log.lines.filter((l) => (l.obj as { device?: string }).device !== undefined);
    expect(about.map((l) => [l.level, (l.obj as { device: string }).device, (l.obj as { state: string }).state])).toEqual([
      ['warn', 'PJSIP/psap-police', 'UNAVAILABLE'],
      ['info', 'PJSIP/psap-police', 'NOT_INUSE'],
    ]);
  });

  it('a throwing listener neither stops the others nor the watch', async () => {
    const { feed, watch, changes } = setup();
    watch.onChange(() => {
      throw new Error('listener bug');
    });
    watch.start();
    feed.connect();
    feed.lists[0]?.resolve([]);
    await settle();
    feed.change('PJSIP/a', 'BUSY');
    expect(changes).toHaveLength(1);
    expect(watch.stateOf('PJSIP/a')).toBe('BUSY');
  });

  it('close() unsubscribes, cancels a retry and ignores a list still on its way', async () => {
    const { feed, clock, watch } = setup();
    watch.start();
    feed.connect();
    feed.lists[0]?.reject(new Error('timeout'));
    await settle();
    feed.connect();
    watch.close();
    expect(feed.listenerCount).toBe(0);
    expect(clock.pending()).toHaveLength(0);
    feed.lists[1]?.resolve([{ device: 'PJSIP/a', state: 'INUSE' }]);
    await settle();
    expect(watch.stateOf('PJSIP/a')).toBeNull();
  });
});
