import type { AmiBackend, AmiBackendEvent, AmiChannelSnapshot, AmiDialplanTarget } from '../../../src/simulator/ami/ami-backend.js';

/** A tiny in-memory Asterisk for the AMI server tests: channels, variables, devices, and a record of what AMI asked. */
export class MemoryBackend implements AmiBackend {
  readonly channels = new Map<string, AmiChannelSnapshot>();
  readonly vars = new Map<string, Map<string, string>>();
  readonly devices = new Map<string, string>();
  readonly redirects: Array<{ channel: string; target: AmiDialplanTarget }> = [];
  readonly hangups: Array<{ channel: string; cause: number | undefined }> = [];
  private readonly listeners = new Set<(event: AmiBackendEvent) => void>();

  addChannel(name: string, extra: Partial<AmiChannelSnapshot> = {}): AmiChannelSnapshot {
    const id = `1795302976.${this.channels.size + 10}`;
    const channel: AmiChannelSnapshot = {
      name,
      uniqueid: id,
      linkedid: id,
      state: 'Ring',
      callerNum: '13800138000',
      callerName: '',
      connectedNum: '',
      connectedName: '',
      language: 'zh',
      accountCode: '',
      context: 'from-carrier',
      exten: '12345',
      priority: 2,
      app: 'Stasis',
      appData: 'ivr-12345',
      bridgeId: '',
      createdAt: Date.now() - 65_000,
      ...extra,
    };
    this.channels.set(name, channel);
    this.emit({ type: 'newchannel', channel });
    return channel;
  }

  emit(event: AmiBackendEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  listChannels(): readonly AmiChannelSnapshot[] {
    return [...this.channels.values()];
  }

  findChannel(name: string): AmiChannelSnapshot | undefined {
    return this.channels.get(name);
  }

  async redirect(channel: string, target: AmiDialplanTarget): Promise<void> {
    if (target.context === 'no-such-context') throw new Error('no such context');
    this.redirects.push({ channel, target });
  }

  hangup(channel: string, cause: number | undefined): void {
    this.hangups.push({ channel, cause });
    const snapshot = this.channels.get(channel);
    this.channels.delete(channel);
    if (snapshot) this.emit({ type: 'hangup', channel: snapshot, cause: cause ?? 16, causeText: 'Normal Clearing' });
  }

  getVar(channel: string, variable: string): string {
    return this.vars.get(channel)?.get(variable) ?? '';
  }

  setVar(channel: string, variable: string, value: string): void {
    const vars = this.vars.get(channel) ?? new Map<string, string>();
    vars.set(variable, value);
    this.vars.set(channel, vars);
  }

  deviceStates(): readonly { device: string; state: string }[] {
    return [...this.devices].map(([device, state]) => ({ device, state }));
  }

  subscribe(listener: (event: AmiBackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
