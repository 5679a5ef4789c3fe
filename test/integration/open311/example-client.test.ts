// Given a real gateway HTTP server with Open311 under /open311/v2, when an integrator follows README's "Open311 from
// the command line" (its curl lines, run by bash exactly as printed) and runs examples/open311-client.mjs, then
// every step answers without an error document and the POSTs are service requests in the intake queue.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidTicket } from '../../../src/domain/intake/ticket.js';
import { parseXml } from './minimal-xml.js';
import { startOpen311Gateway } from './open311-harness.js';
import type { Open311Gateway } from './open311-harness.js';

const run = promisify(execFile);
const CLIENT = 'examples/open311-client.mjs';

let gateway: Open311Gateway;
beforeAll(async () => {
  gateway = await startOpen311Gateway();
});
afterAll(async () => {
  await gateway.close();
});

/** The commands of the first `sh` block after `heading` in README.md, continuation lines joined. */
function readmeCommands(heading: string, block = 0): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const text = blocks[block];
  if (text === undefined) throw new Error(`README has no sh block ${block} after ${heading}`);
  return text.replace(/\\\n\s*/g, '').split('\n').filter((line) => line.trim() !== '');
}

/** Neither `<errors>` nor `[{code, description}]`: what GeoReport answers on any failure. */
function expectNoErrorDocument(output: string, command: string): void {
  if (output.startsWith('<?xml')) {
    expect(parseXml(output).root.name, command).not.toBe('errors');
  } else {
    const json = JSON.parse(output) as unknown;
    const first = Array.isArray(json) ? (json[0] as Record<string, unknown> | undefined) : undefined;
    expect(first !== undefined && 'code' in first && 'description' in first, `${command}: ${output}`).toBe(false);
  }
}

async function client(args: readonly string[], env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await run(process.execPath, [CLIENT, '--base', gateway.base, ...args], { env: { ...process.env, ...env } });
  return JSON.parse(stdout) as unknown;
}

describe('README curl lines for Open311', () => {
  it('run as printed: discovery, services, a definition, a POST with the key in the query string, GET by ticket, a filtered list, a token', async () => {
    const commands = readmeCommands('### Open311 from the command line');
    expect(commands.map((c) => c.split(' ')[0])).toEqual(Array(7).fill('curl'));
    const env: Record<string, string> = { ...process.env, OPEN311: gateway.base, OPEN311_API_KEY: gateway.keys.open311 } as Record<string, string>;
    for (const command of commands) {
      const { stdout } = await run('bash', ['-c', command], { env });
      expectNoErrorDocument(stdout, command);
      if (command.includes('-X POST')) {
        const [created] = JSON.parse(stdout) as { service_request_id: string }[];
        expect(isValidTicket(created?.service_request_id ?? '')).toBe(true);
        const record = await gateway.intake.getByTicket(created!.service_request_id);
        expect(record?.submission).toMatchObject({ channel: 'open311', category: 'environment', text: '夜间施工噪音', contact: { email: 'li.lei@example.cn' } });
        env['TICKET'] = created!.service_request_id;
        env['TOKEN'] = record!.submission.id;
      }
      if (command.includes('$TICKET')) expect(stdout).toContain(env['TICKET']);
      if (command.includes('$TOKEN')) expect(JSON.parse(stdout)).toEqual([{ service_request_id: env['TICKET'], token: env['TOKEN'] }]);
    }
    expect(await gateway.jobCount()).toBe(1);
  });
});

describe('examples/open311-client.mjs', () => {
  it('finds the endpoint by discovery, lists services, posts, reads the request back and resolves a token', async () => {
    const discovery = (await client(['discovery'])) as { endpoints: { url: string }[] };
    expect(discovery.endpoints[0]?.url).toBe(`${gateway.base}/`);

    const services = (await client(['services'])) as { service_code: string }[];
    expect(services.map((s) => s.service_code)).toContain('environment');

    const before = await gateway.jobCount();
    const posted = (await client(['post', '--service', 'transportation', '--lat', '39.9087', '--long', '116.3975', '--description', '长安街信号灯不亮 Traffic lights out'], {
      OPEN311_API_KEY: gateway.keys.open311,
    })) as { service_request_id: string; service_notice: string }[];
    const ticket = posted[0]?.service_request_id ?? '';
    expect(isValidTicket(ticket)).toBe(true);
    expect(await gateway.jobCount()).toBe(before + 1);

    const [request] = (await client(['get', ticket])) as Record<string, unknown>[];
    expect(request).toMatchObject({ service_request_id: ticket, status: 'open', service_code: 'transportation', lat: 39.9087, long: 116.3975 });

    const record = await gateway.intake.getByTicket(ticket);
    expect(await client(['token', record!.submission.id])).toEqual([{ service_request_id: ticket, token: record!.submission.id }]);
  });

  it('exits 1 with the server\'s GeoReport errors, and without a key says which variable to set', async () => {
    const before = await gateway.jobCount();
    const unknown = run(process.execPath, [CLIENT, '--base', gateway.base, 'get', '123']);
    await expect(unknown).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/HTTP 404\n404 service_request_id: 123 not found/) });

    const env = { ...process.env };
    delete env['OPEN311_API_KEY'];
    const keyless = run(process.execPath, [CLIENT, '--base', gateway.base, 'post', '--service', 'other'], { env });
    await expect(keyless).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('set OPEN311_API_KEY') });
    expect(await gateway.jobCount()).toBe(before);
  });

  it('prints its usage with --help', async () => {
    const { stdout } = await run(process.execPath, [CLIENT, '--help']);
    expect(stdout).toMatch(/^usage: open311-client\.mjs/);
  });
});
