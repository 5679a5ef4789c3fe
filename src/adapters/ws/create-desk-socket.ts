// The desk's WebSocket as the composition root builds it: the hub (app side) fed by the agent desk's events, its
// transport on the HTTP server's port, and its sockets counted in /metrics.

import type { IncomingMessage, Server } from 'node:http';
import type { AgentDesk } from '../../app/acd/agent-desk.js';
import type { DeskViews } from '../../app/acd/desk-views.js';
import type { Log } from '../../app/app-ports.js';
import { DeskHub } from '../../app/desk/desk-hub.js';
import type { DeskHubSettings, DeskStaff } from '../../app/desk/desk-hub.js';
import type { Clock } from '../../app/ports.js';
import type { GatewayMetrics } from '../metrics/index.js';
import { DeskSocketServer } from './desk-socket.js';

export interface DeskSocketDeps {
  readonly server: Server;
  readonly hostOf: (request: IncomingMessage) => string;
  readonly clientOf: (request: IncomingMessage) => string;
  readonly agents: AgentDesk;
  readonly views: DeskViews;
  readonly staff: DeskStaff;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: Pick<GatewayMetrics, 'watchDeskSockets'>;
  readonly settings?: Partial<DeskHubSettings>;
  readonly heartbeatMs?: number;
}

export interface CreatedDeskSocket {
  readonly hub: DeskHub;
  close(): Promise<void>;
}

export function startDeskSocket(deps: DeskSocketDeps): CreatedDeskSocket {
  const hub = new DeskHub({
    agents: deps.agents,
    views: deps.views,
    staff: deps.staff,
    clock: deps.clock,
    log: deps.log,
    ...(deps.settings === undefined ? {} : { settings: deps.settings }),
  });
  const sockets = new DeskSocketServer({
    server: deps.server,
    hub,
    hostOf: deps.hostOf,
    clientOf: deps.clientOf,
    log: deps.log,
    ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
  });
  hub.start();
  sockets.start();
  deps.metrics.watchDeskSockets(() => hub.openByRole());
  return { hub, close: () => sockets.close() };
}
