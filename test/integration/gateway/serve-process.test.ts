// `hotline-gateway serve` as an operator runs it: its own process, the built-in simulator, a fresh folder. What it
// prints must be JSON lines a log collector can take (no stray text, no key twice), it must say once where
// everything runs, and a second instance on taken ports must stop at once, naming the port and its variable.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createTransport } from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import { REPO_ROOT, runCli, startCli } from '../../support/cli-process.js';
import type { CliProcess } from '../../support/cli-process.js';
import { freePort } from '../../support/net.js';
import { deletePrefixKeys, REDIS_URL } from '../../support/redis.js';
import { parseStrictJson } from '../../support/strict-json.js';

const WECHAT_TOKEN = 'servetoken1';

let dir: string;
let prefix: string;
const cleanups: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotline-serve-'));
  prefix = `test-serve-${randomUUID().slice(0, 8)}`;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await deletePrefixKeys(prefix);
  await rm(dir, { recursive: true, force: true });
});

interface Ports {
  readonly http: number;
  readonly ari: number;
  readonly ami: number;
  readonly smtp: number;
}

async function freePorts(): Promise<Ports> {
  const [http, ari, ami, smtp] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  return { http: http as number, ari: ari as number, ami: ami as number, smtp: smtp as number };
}

/** Simulator mode (ARI_URL unset), every channel on, listening defaults untouched. */
function serveEnv(ports: Ports, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL,
    HTTP_PORT: String(ports.http),
    SIMULATOR_ARI_PORT: String(ports.ari),
    SIMULATOR_AMI_PORT: String(ports.ami),
    SMTP_ACCEPT: '12345@hotline.example',
    SMTP_PORT: String(ports.smtp),
    WECHAT_TOKEN,
    WECHAT_APPID: 'wx0123456789abcdef',
    INTAKE_PREFIX: prefix,
    DATA_DIR: join(dir, 'data'),
    IVR_FLOW: join(REPO_ROOT, 'ivr-flows', '12345.yaml'),
    DISPOSITIONS_FILE: join(REPO_ROOT, 'ivr-flows', 'dispositions.yaml'),
    SOUNDS_DIR: join(REPO_ROOT, 'asterisk-config', 'sounds'),
    ...extra,
  };
}

function serve(env: Record<string, string>): CliProcess {
  const gateway = startCli(['serve'], { cwd: dir, env });
  cleanups.push(() => gateway.stop('SIGKILL'));
  return gateway;
}

/** Every line of a stream, each parsed strictly; the failure names the line that is not a JSON object. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      let value: unknown;
      try {
        value = parseStrictJson(line);
      } catch (error) {
        throw new Error(`not a clean JSON log line (${(error as Error).message}):\n${line}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not a JSON object:\n${line}`);
      return value as Record<string, unknown>;
    });
}

const msgOf = (line: string): string => (JSON.parse(line) as { msg?: string }).msg ?? '';

describe('hotline-gateway serve logs', () => {
  it('given debug logging, when it starts, takes a call and every channel\'s traffic, and stops on SIGTERM, then it printed only JSON lines', async () => {
    // Given a key made by the CLI in the same folder, with no API_KEYS_FILE anywhere: the gateway must find it.
    const created = await runCli(['apikey', 'create', '--name', 'Log test', '--scopes', 'submit'], { cwd: dir });
    expect(created.code, created.stderr).toBe(0);
    const apiKey = created.stdout.trim();

    const ports = await freePorts();
    const gateway = serve(serveEnv(ports, { LOG_LEVEL: 'debug' }));
    const running = JSON.parse(await gateway.line((line) => msgOf(line).startsWith('12345 gateway running'), '"12345 gateway running"')) as Record<string, string>;

    // The one line that says what runs where; with the simulator, everything on loopback.
    const http = `http://127.0.0.1:${ports.http}`;
    expect(running).toMatchObject({
      http,
      ari: `http://127.0.0.1:${ports.ari} (simulator, control http://127.0.0.1:${ports.ari}/_sim)`,
      ami: `127.0.0.1:${ports.ami}`,
      smtp: `127.0.0.1:${ports.smtp}`,
      wechat: `${http}/wechat`,
      redis: REDIS_URL,
      flow: join(REPO_ROOT, 'ivr-flows', '12345.yaml'),
      dataDir: join(dir, 'data'),
    });
    expect(running['msg']).toContain(`HTTP ${http}, ARI http://127.0.0.1:${ports.ari} (simulator`);
    const keysLoaded = JSON.parse(await gateway.line((line) => msgOf(line) === 'integrator API keys loaded', '"integrator API keys loaded"')) as Record<string, unknown>;
    expect(keysLoaded).toMatchObject({ apiKeys: 1, file: 'data/api-keys.json' });
    await gateway.line((line) => msgOf(line) === 'ARI link up', '"ARI link up"');

    // When: a call through the simulator, a digit, a hang-up...
    const control = `http://127.0.0.1:${ports.ari}/_sim`;
    const call = await fetch(`${control}/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '13800138000' }) });
    const { channelId } = (await call.json()) as { channelId: string };
    await gateway.line((line) => msgOf(line) === 'call entered the IVR', '"call entered the IVR"');
    await fetch(`${control}/channels/${channelId}/dtmf`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ digits: '1' }) });
    await fetch(`${control}/channels/${channelId}/hangup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await gateway.line((line) => msgOf(line) === 'call left the IVR', '"call left the IVR"');

    // ...the operations endpoints, the form, the API with the CLI's key, WeChat and email.
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) expect((await fetch(`${http}${path}`)).status, path).toBe(200);
    const form = await fetch(`${http}/form/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: randomUUID(), text: '小区门口的路灯坏了一个星期', phone: '13800138000' }),
    });
    expect(form.status).toBe(201);
    const api = await fetch(`${http}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ text: 'The street light at the gate has been broken for a week', contact: { email: 'resident@example.com' } }),
    });
    expect(api.status).toBe(201);
    expect((await fetch(`${http}/v1/submissions`, { method: 'POST', headers: { authorization: 'Bearer hk_wrong' } })).status).toBe(401);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = wechatSignature([WECHAT_TOKEN, timestamp, '42']);
    const wechat = await fetch(`${http}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=42&openid=oLogTest01`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body:
        '<xml><ToUserName><![CDATA[gh_12345]]></ToUserName><FromUserName><![CDATA[oLogTest01]]></FromUserName>' +
        `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[楼上漏水，物业不管]]></Content>` +
        '<MsgId>7000000000000000042</MsgId></xml>',
    });
    expect(wechat.status).toBe(200);
    const transport = createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'citizen@example.com', to: '12345@hotline.example', subject: '噪音投诉', text: '夜间施工噪音。' });
    transport.close();

    // Then, after SIGTERM: a clean exit, and every line on either stream a JSON object with no key twice.
    const { code, stdout, stderr } = await gateway.stop('SIGTERM');
    expect(code).toBe(0);
    const lines = [...jsonLines(stdout), ...jsonLines(stderr)];
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.filter((l) => l['msg'] === 'ARI link up')).toHaveLength(1);
    expect(lines.filter((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('12345 gateway running'))).toHaveLength(1);
    // The swagger-client notice that used to be printed bare is a debug line now.
    const swagger = lines.filter((l) => Array.isArray(l['swagger']));
    expect(swagger.map((l) => [l['level'], String(l['swagger'])])).toEqual([['debug', expect.stringContaining('deprecated version of Swagger')]]);
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['stopping: calls in progress finish first', 'gateway stopped']));
  }, 120_000);
});

describe('hotline-gateway serve on taken ports', () => {
  async function occupy(): Promise<{ port: number; server: Server }> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { port: address.port, server };
  }

  it.each([['HTTP_PORT'], ['SMTP_PORT'], ['SIMULATOR_ARI_PORT'], ['SIMULATOR_AMI_PORT']])(
    'given %s points at a port in use, it exits 1 at once, naming the port and the variable, having opened nothing',
    async (variable) => {
      const { port } = await occupy();
      const gateway = serve(serveEnv(await freePorts(), { [variable]: String(port) }));
      const { code, stdout, stderr } = await gateway.exited;
      expect(code, stdout + stderr).toBe(1);
      const lines = [...jsonLines(stdout), ...jsonLines(stderr)];
      const refusal = lines.find((l) => l['level'] === 'error');
      expect(refusal?.['msg']).toBe(
        `port already in use: 127.0.0.1:${port} (${variable}). Is another gateway running? Stop it, or set ${variable} to a free port`,
      );
      expect(refusal?.['ports']).toEqual([{ host: '127.0.0.1', port, variable }]);
      // Nothing was started before the refusal: no Redis connection wrote a key, no channel listened.
      expect(lines.map((l) => l['msg'])).toEqual(['starting 12345 gateway', refusal?.['msg']]);
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      cleanups.push(async () => redis.disconnect());
      expect(await redis.keys(`{${prefix}}*`)).toEqual([]);
    },
    30_000,
  );
});
