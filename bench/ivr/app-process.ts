// The application under test in a Node process of its own (started by the simulator's process with --expose-gc),
// connected over loopback to the simulated Asterisk as to a real one: the gateway configured from environment
// variables exactly as `hotline-gateway serve` is (ARI_URL, ARI_* and AMI_* credentials, ...), or the raw ari-client
// baseline through ari.connect. Neither knows it talks to a simulator. Answers `heap` (heapUsed after a forced GC)
// and `cpu` (this process's CPU so far, ms) for the simulator's process, which runs the callers and the clock.

import http from 'node:http';
import ari from 'ari-client';
import type { AriClient } from 'ari-client';
import { createLogger } from '../../src/adapters/log/index.js';
import { parseConfig } from '../../src/config/index.js';
import { startGateway } from '../../src/main.js';
import { serveSubject } from '../shared/subject.js';
import type { SubjectRuntime } from '../shared/subject.js';
import { BaselineApp } from './baseline-app.js';
import { loadFlowAudio } from './flow-audio.js';

export type SubjectName = 'gateway' | 'baseline';

export interface AppInfo {
  readonly pid: number;
}

const READY_TIMEOUT_MS = 20_000;

async function startGatewayApp(): Promise<SubjectRuntime<AppInfo>> {
  const parsed = parseConfig(process.env);
  if (parsed.ari.simulated) throw new Error('ARI_URL is not set: the bench gateway must reach the simulator as it would a real Asterisk');
  const ariUrl = parsed.ari.url;
  // Port 0, which HTTP_PORT does not take: two benches (or a developer's gateway) on one machine must not collide.
  const config = { ...parsed, http: { ...parsed.http, port: 0, host: '127.0.0.1' } };
  const gateway = await startGateway(config, { log: createLogger({ level: config.log.level }) });
  // Calls placed before the link is up would be taken for stranded calls and sent to the fallback menu.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gateway.ready().ari) {
    if (Date.now() > deadline) {
      await gateway.close();
      throw new Error(`the gateway did not connect to ARI at ${ariUrl} within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { info: { pid: process.pid }, close: () => gateway.close() };
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

async function startBaselineApp(): Promise<SubjectRuntime<AppInfo>> {
  // The socket pool the gateway sets itself at start (src/main.ts), which load-notes.md found to hold up against a
  // real Asterisk: a capped pool of keep-alive sockets (the global agent keeps them alive by default since Node 19).
  http.globalAgent.maxSockets = 64;
  const { audio } = await loadFlowAudio(required('IVR_FLOW'));
  const client: AriClient = await ari.connect(required('ARI_URL'), required('ARI_USERNAME'), required('ARI_PASSWORD'));
  const app = new BaselineApp(client, audio);
  app.listen();
  await client.start(required('ARI_APP'));
  return {
    info: { pid: process.pid },
    close: () => {
      client.removeAllListeners();
      client.stop();
      return Promise.resolve();
    },
  };
}

serveSubject<{ readonly subject: SubjectName }, AppInfo>(({ subject }) => {
  return subject === 'gateway' ? startGatewayApp() : startBaselineApp();
});
