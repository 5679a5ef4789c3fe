// Starts the real gateway (composition root, real ari-client and AMI client, real Redis) against the
// simulator, with prompts that play fast, and gives tests the simulator's control object.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/adapters/log/index.js';
import { parseConfig } from '../../../src/config/index.js';
import type { Config } from '../../../src/config/index.js';
import { parseFlow } from '../../../src/domain/flow/parse-flow.js';
import { startGateway } from '../../../src/main.js';
import type { Gateway, GatewayOptions } from '../../../src/main.js';
import { MemorySoundCatalog } from '../../../src/simulator/index.js';
import type { SimulatorControl } from '../../../src/simulator/index.js';
import { dropIntake } from '../../support/intake.js';

export const FLOW_FILE = 'ivr-flows/12345.yaml';
export const PROMPT_MS = 40;

/** Every prompt of the hotline flow exists in both languages and plays for PROMPT_MS. */
export function hotlineSounds(ms = PROMPT_MS): MemorySoundCatalog {
  const result = parseFlow(readFileSync(FLOW_FILE, 'utf8'), FLOW_FILE);
  if ('errors' in result) throw new Error(`${FLOW_FILE} is invalid`);
  return new MemorySoundCatalog(Object.fromEntries(Object.values(result.flow.prompts).map((p) => [p.audio, ms])));
}

/**
 * Every harness gets its own intake: a fresh DATA_DIR and a random INTAKE_PREFIX, so parallel test files never
 * see each other's submissions (or tickets).
 */
export function testConfig(env: Record<string, string> = {}): Config {
  const config = parseConfig({
    IVR_FLOW: FLOW_FILE,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gateway-test-')),
    INTAKE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    ...env,
  });
  return { ...config, http: { ...config.http, port: 0, host: '127.0.0.1' } };
}

export interface Harness {
  readonly gateway: Gateway;
  readonly sim: SimulatorControl;
  /** Places a call and waits until the gateway has answered it and started the greeting. */
  call(from?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, options: GatewayOptions = {}): Promise<Harness> {
  const config = testConfig(env);
  const recent = new RecentLines(200);
  const gateway = await startGateway(config, {
    // Silent by default, yet the last lines at `info` are kept, so a failed wait can say what the gateway did.
    log: createLogger({ level: process.env['TEST_LOG_LEVEL'] === undefined ? 'info' : config.log.level, destination: recent }),
    failsafeGraceMs: 60_000,
    ...options,
    simulator: {
      ariPort: 0,
      amiPort: 0,
      // With SOUNDS_DIR set, the simulator plays what is on disk there, as Asterisk would.
      ...(env['SOUNDS_DIR'] === undefined ? { sounds: hotlineSounds() } : {}),
      msPerDigit: 5,
      dtmfIntervalMs: 20,
      defaultDialBehaviour: { result: 'answer', afterMs: 20 },
      ...options.simulator,
    },
  });
  const sim = gateway.simulator?.control;
  if (sim === undefined) throw new Error('the harness needs the built-in simulator (ARI_URL unset)');
  await sim.waitForApp(config.ari.app);
  return {
    gateway,
    sim,
    async call(from = '13812345678') {
      const { channelId } = sim.placeCall({ from });
      try {
        // Generous: the greeting follows the fair-use check, which a loaded machine (tests run two at a time) delays.
        await sim.waitForPlayback(channelId, 'sound:hotline/greeting', { timeoutMs: 15_000 });
      } catch (err) {
        throw new Error(
          `${err instanceof Error ? err.message : String(err)}\nchannel: ${JSON.stringify(sim.channel(channelId))}\ngateway log:\n${recent.text()}`,
          { cause: err },
        );
      }
      return channelId;
    },
    async close() {
      await gateway.close();
      // On a cluster or behind Sentinel the test started its own servers: their keys go with them.
      if (config.redis.mode === 'single') await dropIntake(config.intake.prefix, config.intake.dataDir, config.redis.url);
      else await rm(config.intake.dataDir, { recursive: true, force: true });
    },
  };
}

/** A log destination keeping the last lines written to it (and echoing them when TEST_LOG_LEVEL is set). */
class RecentLines extends Writable {
  private readonly lines: string[] = [];

  constructor(private readonly keep: number) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const line = chunk.toString().trimEnd();
    if (process.env['TEST_LOG_LEVEL'] !== undefined) process.stdout.write(`${line}\n`);
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
    done();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/** The media the caller heard, in order. */
export function heard(sim: SimulatorControl, channelId: string): string[] {
  return (sim.channel(channelId)?.played ?? []).map((p) => `${p.lang}:${p.media}`);
}
