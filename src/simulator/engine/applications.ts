// Stasis applications as Asterisk keeps them: an application exists once a WebSocket registered it and stays
// (inactive) when the socket drops, so its channels stay in Stasis and a reconnecting socket gets their later
// events. A second socket for the same application replaces the first one (ApplicationReplaced).

export interface EventSink {
  send(text: string): void;
}

export interface AppRecord {
  readonly name: string;
  sink: EventSink | null;
  subscribeAll: boolean;
  readonly channelIds: Set<string>;
  readonly bridgeIds: Set<string>;
  /** `endpoint:` subscriptions: `PJSIP/1001`, a technology (`PJSIP`, all its endpoints) or ENDPOINT_ALL. */
  readonly endpointIds: Set<string>;
  /** `deviceState:` subscriptions: a device name or DEVICE_STATE_ALL. */
  readonly deviceNames: Set<string>;
}

/** The ids res_stasis keeps for a subscription to every endpoint / every device state. */
export const ENDPOINT_ALL = '__AST_ENDPOINT_ALL_TOPIC';
export const DEVICE_STATE_ALL = '__AST_DEVICE_STATE_ALL_TOPIC';

export class ApplicationRegistry {
  private readonly apps = new Map<string, AppRecord>();

  get(name: string): AppRecord | undefined {
    return this.apps.get(name);
  }

  /** An application a channel is put into exists even before any socket registered it (it is just inactive). */
  ensure(name: string): AppRecord {
    let app = this.apps.get(name);
    if (!app) {
      app = { name, sink: null, subscribeAll: false, channelIds: new Set(), bridgeIds: new Set(), endpointIds: new Set(), deviceNames: new Set() };
      this.apps.set(name, app);
    }
    return app;
  }

  all(): AppRecord[] {
    return [...this.apps.values()];
  }

  isActive(name: string): boolean {
    return this.apps.get(name)?.sink != null;
  }

  /** Registers `sink` for the applications; returns the sinks it replaced, which must be told so. */
  attach(names: readonly string[], sink: EventSink, subscribeAll: boolean): EventSink[] {
    const replaced: EventSink[] = [];
    for (const name of names) {
      const app = this.ensure(name);
      if (app.sink && app.sink !== sink) replaced.push(app.sink);
      app.sink = sink;
      app.subscribeAll = subscribeAll;
    }
    return replaced;
  }

  detach(sink: EventSink): void {
    for (const app of this.apps.values()) if (app.sink === sink) app.sink = null;
  }

  /** Applications that asked for every event (`subscribeAll=true`) and are connected. */
  subscribedToAll(): AppRecord[] {
    const result: AppRecord[] = [];
    for (const app of this.apps.values()) if (app.subscribeAll && app.sink) result.push(app);
    return result;
  }

  clear(): void {
    this.apps.clear();
  }
}
