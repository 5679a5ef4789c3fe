import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { callLogger, createLogger } from '../../../src/adapters/log/index.js';
import { censorSecrets } from '../../../src/adapters/log/create-logger.js';
import type { LogLevel } from '../../../src/config/index.js';

/** A destination that keeps every line pino writes. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines, text };
}

function logger(level: LogLevel = 'info') {
  const out = capture();
  return { log: createLogger({ level, destination: out.stream }), ...out };
}

describe('createLogger', () => {
  it('writes one JSON object per line with a level label, time and message', () => {
    const { log, lines } = logger();
    log.info({ calls: 3 }, 'gateway started');
    log.warn('ari slow');
    const [first, second] = lines();
    expect(first).toMatchObject({ level: 'info', calls: 3, msg: 'gateway started' });
    expect(typeof first?.time).toBe('string');
    expect(second).toMatchObject({ level: 'warn', msg: 'ari slow' });
  });

  it('honours the level', () => {
    const { log, lines } = logger('warn');
    log.info('hidden');
    log.debug('hidden');
    log.error('shown');
    expect(lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('writes nothing at silent', () => {
    const { log, text } = logger('silent');
    log.fatal('nothing');
    expect(text()).toBe('');
  });

  it('censors secrets at any depth', () => {
    const { log, lines, text } = logger();
    log.info(
      {
        password: 'pw-s3cret-1',
        secret: 'pw-s3cret-2',
        ARI_PASSWORD: 'pw-s3cret-3',
        AMI_SECRET: 'pw-s3cret-4',
        api_key: 'pw-s3cret-5',
        config: { ari: { username: 'gateway', password: 'pw-s3cret-6' }, ami: { secret: 'pw-s3cret-7' } },
        req: { headers: { authorization: 'Basic pw-s3cret-8', host: 'x' } },
        env: { deep: { er: { AMI_SECRET: 'pw-s3cret-9' } } },
      },
      'start',
    );
    expect(text()).not.toMatch(/s3cret/);
    const [line] = lines();
    expect(line).toMatchObject({
      password: '[redacted]',
      config: { ari: { username: 'gateway', password: '[redacted]' }, ami: { secret: '[redacted]' } },
      req: { headers: { authorization: '[redacted]', host: 'x' } },
    });
  });

  it('censors secrets deeper than any fixed path list, in arrays, errors and child bindings, and survives cycles', () => {
    const { log, lines, text } = logger();
    const cyclic: Record<string, unknown> = { name: 'loop', secret: 'pw-s3cret-10' };
    cyclic['self'] = cyclic;
    const failure = Object.assign(new Error('login failed'), { password: 'pw-s3cret-12', request: { headers: { authorization: 'pw-s3cret-11' } } });
    log.child({ component: 'ari', ARI_PASSWORD: 'pw-s3cret-13' }).warn(
      {
        a: { b: { c: { d: { e: { f: { authorization: 'Bearer pw-s3cret-14' } } } } } },
        servers: [{ host: 'a', password: 'pw-s3cret-15' }, 'plain', 7],
        cyclic,
        err: failure,
      },
      'deep',
    );
    expect(text()).not.toMatch(/s3cret/);
    const [line] = lines();
    expect(line).toMatchObject({
      component: 'ari',
      ARI_PASSWORD: '[redacted]',
      a: { b: { c: { d: { e: { f: { authorization: '[redacted]' } } } } } },
      servers: [{ host: 'a', password: '[redacted]' }, 'plain', 7],
      cyclic: { name: 'loop', secret: '[redacted]', self: '[Circular]' },
      err: { type: 'Error', message: 'login failed', password: '[redacted]', request: { headers: { authorization: '[redacted]' } } },
    });
    expect(String((line?.err as { stack: string }).stack)).toContain('login failed');
  });

  it('leaves a line without secrets as it is, without copying it', () => {
    const fields = { id: '01J0', ticket: '250101000001', nested: { channel: 'web', list: [1, { kind: 'help' }] } };
    expect(censorSecrets(fields)).toBe(fields);
    const censored = censorSecrets({ ...fields, nested: { ...fields.nested, secret: 'x' } });
    expect(censored).toEqual({ ...fields, nested: { ...fields.nested, secret: '[redacted]' } });
  });

  it('masks caller numbers in log fields', () => {
    const { log, lines, text } = logger();
    log.info({ caller: '13812345678', callerNumber: '+8613912345678', phone: 62345678, other: 'kept' }, 'call');
    expect(text()).not.toContain('13812345678');
    expect(text()).not.toContain('13912345678');
    expect(text()).not.toContain('62345678');
    expect(lines()[0]).toMatchObject({ caller: '138****5678', callerNumber: '+861******5678', phone: '******78', other: 'kept' });
  });

  it('masks e-mail addresses and WeChat openids in log fields, once', () => {
    const { log, lines, text } = logger();
    log.info({ email: 'li.ming@example.cn', to: 'wang@example.cn', sender: 'l***@example.cn', openId: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', fromUserName: 'oXyZ', other: 'kept' }, 'mail');
    for (const secret of ['li.ming@', 'wang@', 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', 'oXyZ']) expect(text()).not.toContain(secret);
    expect(lines()[0]).toMatchObject({
      email: 'l***@example.cn',
      to: 'w***@example.cn',
      sender: 'l***@example.cn',
      openId: `oAbC${'*'.repeat(22)}z0`,
      fromUserName: '****',
      other: 'kept',
    });
  });

  it('serializes errors with their message and stack', () => {
    const { log, lines } = logger();
    log.error({ err: Object.assign(new Error('ari down'), { code: 'ARI_DOWN' }) }, 'failed');
    expect(lines()[0]).toMatchObject({ err: { type: 'Error', message: 'ari down', code: 'ARI_DOWN' } });
    expect(String((lines()[0]?.err as { stack: string }).stack)).toContain('ari down');
  });

  it('adds base fields to every line', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream, base: { service: 'hotline-gateway' } });
    log.info('x');
    expect(out.lines()[0]).toMatchObject({ service: 'hotline-gateway' });
  });
});

describe('callLogger', () => {
  it('tags every line with the call id and the masked caller, never the full number', () => {
    const { log, lines, text } = logger();
    const call = callLogger(log, 'call-1', '13812345678');
    call.info({ node: 'main' }, 'entered');
    call.child({ attempt: 2 }).warn({ caller: '13812345678' }, 'retry');
    expect(text()).not.toContain('13812345678');
    expect(lines()).toEqual([
      expect.objectContaining({ callId: 'call-1', caller: '138****5678', node: 'main', msg: 'entered' }),
      expect.objectContaining({ callId: 'call-1', caller: '138****5678', attempt: 2, msg: 'retry' }),
    ]);
  });
});
