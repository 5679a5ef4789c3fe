// The whole simulated Asterisk, ARI and AMI over one call model: what the out-of-the-box gateway and the
// integration tests talk to. Listens on loopback only, with credentials made up per run.

import { randomBytes } from 'node:crypto';
import { startAmiServer } from './ami/ami-server.js';
import type { AmiServer } from './ami/ami-server.js';
import { engineAmiBackend } from './engine-ami-backend.js';
import { startSimulator } from './index.js';
import type { Simulator, SimulatorOptions, SimulatorControl } from './index.js';
import { DirectorySoundCatalog } from './sounds/directory-sound-catalog.js';
import { loadDialplan } from './dialplan/load-dialplan.js';

export interface SimulatedAsteriskOptions extends Partial<Omit<SimulatorOptions, 'username' | 'password'>> {
  /** Asterisk's sounds folder (`<dir>/<lang>/<name>.wav`); used unless `sounds` is given. */
  readonly soundsDir?: string;
  /** Playback speed-up for the directory catalog (tests play real prompts fast). */
  readonly soundSpeed?: number;
  /** The application inbound calls enter (ARI_APP). */
  readonly app?: string;
  readonly amiPort?: number;
  /**
   * Folder whose extensions.conf and queues.conf the simulator runs for channels in the dialplan. Default: the
   * project's asterisk-config/, so the simulated hotline follows the same dialplan as the real one.
   */
  readonly asteriskConfigDir?: string;
}

export interface SimulatedAsterisk {
  readonly ariUrl: string;
  readonly controlUrl: string;
  readonly amiPort: number;
  readonly control: SimulatorControl;
  readonly ari: Simulator;
  readonly ami: AmiServer;
  readonly credentials: {
    readonly ari: { readonly username: string; readonly password: string };
    readonly ami: { readonly username: string; readonly secret: string };
  };
  close(): Promise<void>;
}

export async function startSimulatedAsterisk(options: SimulatedAsteriskOptions = {}): Promise<SimulatedAsterisk> {
  const host = options.host ?? '127.0.0.1';
  const credentials = {
    ari: { username: 'gateway', password: randomBytes(12).toString('hex') },
    ami: { username: 'gateway', secret: randomBytes(12).toString('hex') },
  };
  const sounds =
    options.sounds ??
    (options.soundsDir !== undefined ? new DirectorySoundCatalog(options.soundsDir, { speed: options.soundSpeed ?? 1 }) : undefined);
  const dialplan = options.dialplan ?? loadDialplan(options.asteriskConfigDir);
  const ari = await startSimulator({
    ...options,
    dialplan,
    host,
    ...(sounds === undefined ? {} : { sounds }),
    ...(options.app === undefined ? {} : { inboundApp: options.app }),
    stasisFailedFallback: options.stasisFailedFallback ?? { context: 'ivr-fallback', extension: 'menu', priority: 1 },
    username: credentials.ari.username,
    password: credentials.ari.password,
  });
  const ami = await startAmiServer({
    host,
    port: options.amiPort ?? 0,
    username: credentials.ami.username,
    secret: credentials.ami.secret,
    backend: engineAmiBackend(ari.engine),
  });
  return {
    ariUrl: ari.ariUrl,
    controlUrl: ari.controlUrl,
    amiPort: ami.port,
    control: ari.control,
    ari,
    ami,
    credentials,
    close: async () => {
      await ami.close();
      await ari.close();
    },
  };
}
