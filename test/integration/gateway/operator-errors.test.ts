// Given an Asterisk (the simulator, standing in for a real one) and a gateway pointed at it with wrong settings,
// when the gateway starts, then it stays up, is not ready, and logs one error per problem naming what to fix:
// the lines the operator's page of the README quotes.

import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/log/index.js';
import { startGateway } from '../../../src/main.js';
import type { Gateway } from '../../../src/main.js';
import { startSimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import type { SimulatedAsterisk } from '../../../src/simulator/simulated-asterisk.js';
import { dropIntake } from '../../support/intake.js';
import { hotlineSounds, testConfig } from './harness.js';
import { singleUrl } from '../../support/redis.js';

type Line = Record<string, unknown>;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayAgainst(asterisk: SimulatedAsterisk, env: Record<string, string>): Promise<{ gateway: Gateway; lines: Line[] }> {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  const config = testConfig({
    ARI_URL: asterisk.ariUrl,
    ARI_USERNAME: asterisk.credentials.ari.username,
    ARI_PASSWORD: asterisk.credentials.ari.password,
    AMI_HOST: '127.0.0.1',
    AMI_PORT: String(asterisk.amiPort),
    AMI_USERNAME: asterisk.credentials.ami.username,
    AMI_SECRET: asterisk.credentials.ami.secret,
    ...env,
  });
  const gateway = await startGateway(config, { log: createLogger({ level: 'info', destination }), failsafeGraceMs: 60_000 });
  cleanups.push(async () => {
    await gateway.close();
    await dropIntake(config.intake.prefix, config.intake.dataDir, singleUrl(config.redis));
  });
  return { gateway, lines };
}

async function asterisk(): Promise<SimulatedAsterisk> {
  const sim = await startSimulatedAsterisk({ sounds: hotlineSounds(), msPerDigit: 5 });
  cleanups.push(() => sim.close());
  return sim;
}

const errors = (lines: Line[]): Line[] => lines.filter((l) => l['level'] === 'error');

describe('a gateway pointed at Asterisk with wrong settings', () => {
  it('a wrong ARI password: "ARI connection failed" ARI_AUTH_FAILED, again at each retry, and not ready; the process lives on', async () => {
    const { gateway, lines } = await gatewayAgainst(await asterisk(), { ARI_PASSWORD: 'not-the-password' });
    await expect.poll(() => errors(lines).filter((l) => l['code'] === 'ARI_AUTH_FAILED').length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    expect(errors(lines)[0]).toMatchObject({
      component: 'ari',
      msg: 'ARI connection failed',
      err: 'ARI refused user "gateway" (HTTP 401): ARI_USERNAME/ARI_PASSWORD must match a user in ari.conf',
    });
    expect((await fetch(`${gateway.httpUrl}/readyz`)).status).toBe(503);
  });

  it('a wrong AMI secret: "AMI login as ... refused" AMI_AUTH_FAILED, and not ready', async () => {
    const { gateway, lines } = await gatewayAgainst(await asterisk(), { AMI_SECRET: 'not-the-secret' });
    await expect.poll(() => errors(lines).map((l) => l['msg'])).toContain('AMI login as "gateway" refused: Authentication failed');
    expect(errors(lines).find((l) => l['component'] === 'ami')).toMatchObject({ code: 'AMI_AUTH_FAILED' });
    expect((await fetch(`${gateway.httpUrl}/readyz`)).status).toBe(503);
  });

  it('a FALLBACK_CONTEXT the dialplan lacks: one error per hand-over point at AMI login', async () => {
    const { lines } = await gatewayAgainst(await asterisk(), { FALLBACK_CONTEXT: 'hotline-fallback' });
    await expect
      .poll(() => errors(lines).map((l) => l['msg']))
      .toEqual([
        'dialplan hand-over point hotline-fallback,queue,1 does not exist: calls sent there would be hung up by Asterisk',
        'dialplan hand-over point hotline-fallback,menu,1 does not exist: calls sent there would be hung up by Asterisk',
      ]);
  });
});
