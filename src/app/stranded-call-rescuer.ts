// The AMI fail-safe. While the ARI link is down the gateway cannot play, collect or bridge, and Asterisk
// keeps our callers in Stasis in silence. After a grace period, this lists the channels over AMI and moves
// every stranded caller to the dialplan: IVR callers to the static menu (which still forwards emergencies),
// emergency callers straight to the dialplan emergency routes; calls already bridged are left talking.

import type { Log } from './app-ports.js';
import type { Clock, TimerHandle } from './ports.js';

export interface ManagerChannel {
  /** Asterisk channel name, e.g. `PJSIP/carrier-00000001`; AMI acts on names. */
  readonly name: string;
  /** Asterisk's uniqueid, which is ARI's channel id. */
  readonly uniqueId: string;
  readonly application: string;
  readonly applicationData: string;
  readonly bridgeId: string;
}

export interface ManagerPort {
  readonly connected: boolean;
  listChannels(): Promise<readonly ManagerChannel[]>;
  redirect(channel: string, context: string, exten: string, priority: number): Promise<void>;
  hangup(channel: string): Promise<void>;
}

export type CallRole =
  | { readonly role: 'ivr' }
  | { readonly role: 'emergency'; readonly service: string; readonly connected: boolean }
  | { readonly role: 'emergencyLeg'; readonly connected: boolean }
  /** A caller in the gateway's agent queue (in its holding bridge, they keep hearing music). */
  | { readonly role: 'queue' }
  /** An agent's leg: ringing ones are hung up (the caller is rung again once the link is back). */
  | { readonly role: 'queueLeg'; readonly connected: boolean }
  | { readonly role: 'unknown' };

export interface RescuerOptions {
  readonly manager: ManagerPort;
  readonly clock: Clock;
  readonly log: Log;
  readonly app: string;
  readonly graceMs: number;
  readonly roleOf: (channelId: string) => CallRole;
  readonly menu: { readonly context: string; readonly exten: string };
  readonly emergencyContext: string;
  readonly onRescued?: (count: number) => void;
}

export class StrandedCallRescuer {
  private timer: TimerHandle | null = null;
  private closed = false;

  constructor(private readonly options: RescuerOptions) {}

  linkDown(): void {
    // Closing the gateway takes the link down too: that is no reason to rescue anything, or to outlive the close.
    if (this.timer !== null || this.closed) return;
    this.timer = this.options.clock.setTimer(this.options.graceMs, () => {
      this.timer = null;
      void this.rescue().catch((err: unknown) => this.options.log.error({ err }, 'AMI fail-safe failed'));
    });
  }

  linkUp(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** Moves every stranded channel of our application to the dialplan; returns how many were moved. */
  async rescue(): Promise<number> {
    const { manager, log, app } = this.options;
    if (!manager.connected) {
      log.error({}, 'ARI and AMI both down: callers stay where Asterisk holds them');
      return 0;
    }
    const channels = await manager.listChannels();
    let moved = 0;
    for (const channel of channels) {
      if (channel.application !== 'Stasis' || channel.applicationData.split(',')[0] !== app) continue;
      const role = this.options.roleOf(channel.uniqueId);
      try {
        if (role.role === 'emergencyLeg' || role.role === 'queueLeg') {
          if (!role.connected) await manager.hangup(channel.name);
          continue;
        }
        if (channel.bridgeId !== '' || (role.role === 'emergency' && role.connected)) continue;
        if (role.role === 'emergency') {
          await manager.redirect(channel.name, this.options.emergencyContext, role.service, 1);
        } else {
          await manager.redirect(channel.name, this.options.menu.context, this.options.menu.exten, 1);
        }
        moved += 1;
      } catch (err) {
        log.error({ err, channel: channel.uniqueId }, 'AMI fail-safe could not move a channel');
      }
    }
    log.warn({ moved }, 'AMI fail-safe moved stranded calls to the dialplan');
    this.options.onRescued?.(moved);
    return moved;
  }

  close(): void {
    this.closed = true;
    this.linkUp();
  }
}
