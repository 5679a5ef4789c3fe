// Loads the real npm `ari-client` (untyped CommonJS) with just the typing these tests need, so the simulator's
// tests do not depend on the gateway adapter's declarations.

import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

export type AriObject = Record<string, unknown> & { readonly id: string };
export type AriOperation = (params?: Record<string, unknown>, instance?: unknown) => Promise<AriObject & AriObject[]>;
export type AriResource = AriObject & Record<string, AriOperation> & Pick<EventEmitter, 'on' | 'once'>;

export interface TestAriClient extends EventEmitter {
  readonly channels: Record<string, AriOperation>;
  readonly bridges: Record<string, AriOperation>;
  readonly playbacks: Record<string, AriOperation>;
  readonly recordings: Record<string, AriOperation>;
  readonly applications: Record<string, AriOperation>;
  readonly asterisk: Record<string, AriOperation>;
  readonly deviceStates: Record<string, AriOperation>;
  readonly endpoints: Record<string, AriOperation>;
  Channel(id?: string): AriResource;
  Playback(id?: string): AriResource;
  Bridge(id?: string): AriResource;
  start(apps: string | string[]): Promise<void>;
  stop(): void;
}

const require = createRequire(import.meta.url);
const ari = require('ari-client') as { connect(url: string, user: string, pass: string): Promise<TestAriClient> };

export function connectAri(url: string, user: string, pass: string): Promise<TestAriClient> {
  return ari.connect(url, user, pass);
}

/** Records every WebSocket event the client receives, in order. */
export function recordEvents(client: TestAriClient): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  client.on('*', (event: Record<string, unknown>) => events.push(event));
  return events;
}
