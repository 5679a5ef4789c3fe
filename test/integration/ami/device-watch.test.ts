// The device watch on the real AMI client against the simulated AMI server: the list after login, changes as
// they are announced, and the list again after Asterisk went away and came back.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmiClient } from '../../../src/adapters/ami/ami-client.js';
import { amiDeviceFeed } from '../../../src/adapters/ami/ami-device-feed.js';
import { silentLog } from '../../../src/app/app-ports.js';
import { DeviceWatch } from '../../../src/app/device-watch.js';
import type { DeviceStateChange } from '../../../src/app/device-watch.js';
import { systemClock } from '../../../src/app/ports.js';
import { startAmiServer, type AmiServer } from '../../../src/simulator/ami/ami-server.js';
import { MemoryBackend } from './memory-backend.js';

const USER = 'gateway';
const SECRET = 'device-watch-secret-1';

function nextChange(watch: DeviceWatch, predicate: (change: DeviceStateChange) => boolean): Promise<DeviceStateChange> {
  return new Promise((resolve) => {
    const off = watch.onChange((change) => {
      if (!predicate(change)) return;
      off();
      resolve(change);
    });
  });
}

describe('DeviceWatch over AMI', () => {
  let backend: MemoryBackend;
  let server: AmiServer;
  let client: AmiClient;
  let watch: DeviceWatch;

  beforeEach(async () => {
    backend = new MemoryBackend();
    backend.devices.set('PJSIP/psap-police', 'UNAVAILABLE');
    backend.devices.set('PJSIP/psap-police-backup', 'NOT_INUSE');
    server = await startAmiServer({ host: '127.0.0.1', username: USER, secret: SECRET, backend });
    client = new AmiClient({
      host: '127.0.0.1',
      port: server.port,
      username: USER,
      secret: SECRET,
      log: silentLog,
      events: { classes: ['call'], names: ['DeviceStateChange'] },
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    watch = new DeviceWatch({ feed: amiDeviceFeed(client), clock: systemClock, log: silentLog });
  });

  afterEach(async () => {
    watch.close();
    await client.close();
    await server.close();
  });

  it('reads the list after login, then follows DeviceStateChange', async () => {
    watch.start();
    const listed = nextChange(watch, (c) => c.device === 'PJSIP/psap-police');
    client.start();
    expect(await listed).toEqual({ device: 'PJSIP/psap-police', state: 'UNAVAILABLE', previous: null });
    expect(watch.stateOf('PJSIP/psap-police-backup')).toBe('NOT_INUSE');
    const back = nextChange(watch, (c) => c.device === 'PJSIP/psap-police');
    backend.emit({ type: 'deviceStateChange', device: 'PJSIP/psap-police', state: 'NOT_INUSE' });
    expect(await back).toEqual({ device: 'PJSIP/psap-police', state: 'NOT_INUSE', previous: 'UNAVAILABLE' });
  });

  it('lists again when Asterisk comes back, replacing what it knew', async () => {
    watch.start();
    await client.connect(2_000);
    await new Promise<void>((resolve) => (watch.synced ? resolve() : watch.onChange(() => resolve())));
    const port = server.port;
    const lost = new Promise<void>((resolve) => client.once('disconnected', () => resolve()));
    await server.close();
    await lost;
    // What was known stays while Asterisk is away.
    expect(watch.stateOf('PJSIP/psap-police')).toBe('UNAVAILABLE');
    backend.devices.set('PJSIP/psap-police', 'NOT_INUSE');
    backend.devices.delete('PJSIP/psap-police-backup');
    const relisted = nextChange(watch, (c) => c.device === 'PJSIP/psap-police-backup');
    server = await startAmiServer({ host: '127.0.0.1', port, username: USER, secret: SECRET, backend });
    expect(await relisted).toEqual({ device: 'PJSIP/psap-police-backup', state: null, previous: 'NOT_INUSE' });
    expect(watch.stateOf('PJSIP/psap-police')).toBe('NOT_INUSE');
  });
});
