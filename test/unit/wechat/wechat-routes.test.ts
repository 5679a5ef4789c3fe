// The HTTP protocol layer with a scripted inbox: signatures, replay window, modes, the protocol's answers to bad
// input, and the 4.5-second reply rule. The full stack (real intake, Redis, HTTP) is in test/integration/wechat.
import { fastify } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { WechatCipher, wechatSignature } from '../../../src/adapters/wechat/wechat-crypto.js';
import { wechatRoutes } from '../../../src/adapters/wechat/wechat-routes.js';
import type { WechatRoutesDeps } from '../../../src/adapters/wechat/wechat-routes.js';
import { IntakeUnavailableError } from '../../../src/app/intake/intake-ports.js';
import type { HandleContext, WechatAnswer } from '../../../src/app/wechat/wechat-inbox.js';
import type { WechatMessage } from '../../../src/domain/wechat/wechat-message.js';
import { parseWechatXml } from '../../../src/domain/wechat/wechat-xml.js';

const TOKEN = 'AAAAA';
const NOW_S = 1_714_037_059;
const APPID = 'wxb11529c136998cb6';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

type Handler = (message: WechatMessage, context: HandleContext) => Promise<WechatAnswer>;

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function app(handler: Handler, deps: Partial<WechatRoutesDeps> = {}): Promise<{ app: FastifyInstance; seen: WechatMessage[] }> {
  const seen: WechatMessage[] = [];
  const instance = fastify();
  await instance.register(
    wechatRoutes({
      token: TOKEN,
      inbox: {
        handle: (message, context) => {
          seen.push(message);
          return handler(message, context);
        },
      },
      now: () => NOW_S * 1000,
      ...deps,
    }),
  );
  apps.push(instance);
  return { app: instance, seen };
}

const textXml = (content = '路灯坏了', msgId = '1'): string =>
  `<xml><ToUserName><![CDATA[gh_acct]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>${NOW_S}</CreateTime>` +
  `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

const signed = (timestamp = String(NOW_S), nonce = '486452656'): string =>
  `timestamp=${timestamp}&nonce=${nonce}&signature=${wechatSignature([TOKEN, timestamp, nonce])}&openid=oUser`;

const reply = (content: string): Handler => async (_m, context) => {
  context.accepted();
  return { kind: 'text', content };
};

describe('GET /wechat (URL verification)', () => {
  it('echoes echostr for a correctly signed Official Account request (vector 1)', async () => {
    const { app: a } = await app(reply('x'));
    const response = await a.inject({ method: 'GET', url: `/wechat?signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656&echostr=5838479218127813673` });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('5838479218127813673');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('answers the WeCom verification with the decrypted echostr (vector 3)', async () => {
    const cipher = new WechatCipher({ encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: 'wx5823bf96d3bd56c7' });
    const { app: a } = await app(reply('x'), { token: 'QDG6eK', cipher, now: () => 1_409_659_589_000 });
    const echostr = encodeURIComponent('P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==');
    const response = await a.inject({
      method: 'GET',
      url: `/wechat?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=${echostr}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('1616140317555161061');
    const forged = await a.inject({ method: 'GET', url: `/wechat?msg_signature=${'0'.repeat(40)}&timestamp=1409659589&nonce=263014780&echostr=${echostr}` });
    expect(forged.statusCode).toBe(401);
  });

  it('refuses a wrong signature, a missing one and an old timestamp with 401 and no body', async () => {
    const { app: a } = await app(reply('x'));
    for (const url of [
      '/wechat?signature=0000000000000000000000000000000000000000&timestamp=1714037059&nonce=486452656&echostr=1',
      '/wechat?timestamp=1714037059&nonce=486452656&echostr=1',
      `/wechat?${signed(String(NOW_S - 301))}&echostr=1`,
      `/wechat?${signed(String(NOW_S + 301))}&echostr=1`,
    ]) {
      const response = await a.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.body).toBe('');
    }
    expect((await a.inject({ method: 'GET', url: `/wechat?${signed(String(NOW_S - 299))}&echostr=1` })).statusCode).toBe(200);
  });
});

describe('POST /wechat', () => {
  it('replies to a plaintext push with a passive text reply addressed back to the citizen', async () => {
    const { app: a, seen } = await app(reply('您的诉求已收到'));
    const response = await a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: textXml(), headers: { 'content-type': 'text/xml' } });
    expect(response.statusCode).toBe(200);
    const xml = parseWechatXml(response.body);
    expect(xml.fields).toMatchObject({ ToUserName: 'oUser', FromUserName: 'gh_acct', MsgType: 'text', Content: '您的诉求已收到' });
    expect(seen).toEqual([expect.objectContaining({ kind: 'text', content: '路灯坏了', msgId: '1' })]);
  });

  it('reads the body whatever the content type says, or without one', async () => {
    const { app: a, seen } = await app(reply('ok'));
    for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}]) {
      const response = await a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: Buffer.from(textXml()), headers });
      expect(response.statusCode).toBe(200);
    }
    expect(seen).toHaveLength(3);
  });

  it('gives the same fingerprint to the same message however it is laid out, and another to a changed one', async () => {
    const prints: string[] = [];
    const { app: a } = await app(async (_m, context) => {
      prints.push(context.fingerprint);
      context.accepted();
      return { kind: 'success' };
    });
    const post = (payload: string) => a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload });
    await post(textXml());
    await post(textXml().replace('<xml>', '<xml>\n  ').replace(/(<\/\w+>)(?=<)/g, '$1\n  '));
    await post(textXml('路灯坏了!'));
    expect(prints[0]).toBe(prints[1]);
    expect(prints[2]).not.toBe(prints[0]);
  });

  it('answers success when the inbox says so', async () => {
    const { app: a } = await app(async (_m, context) => {
      context.accepted();
      return { kind: 'success' };
    });
    const response = await a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: textXml() });
    expect(response.body).toBe('success');
  });

  it('refuses bad signatures and replays before reading the body', async () => {
    const { app: a, seen } = await app(reply('x'));
    const bad = await a.inject({ method: 'POST', url: `/wechat?timestamp=${NOW_S}&nonce=1&signature=${'a'.repeat(40)}`, payload: textXml() });
    const replay = await a.inject({ method: 'POST', url: `/wechat?${signed(String(NOW_S - 3600))}`, payload: textXml() });
    const garbage = await a.inject({ method: 'POST', url: `/wechat?timestamp=${NOW_S}&nonce=1&signature=x`, payload: '<!DOCTYPE x [<!ENTITY a "b">]><x/>' });
    for (const response of [bad, replay, garbage]) {
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe('');
    }
    expect(seen).toEqual([]);
  });

  it('answers 400 with no body to hostile XML, even when signed', async () => {
    const { app: a, seen } = await app(reply('x'));
    const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`;
    const deep = `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`;
    const missing = textXml().replace(/<Content>.*<\/Content>/, '');
    for (const payload of [laughs, xxe, deep, missing, 'not xml at all', '']) {
      const response = await a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload });
      expect(response.statusCode, payload.slice(0, 30)).toBe(400);
      expect(response.body).toBe('');
    }
    expect(seen).toEqual([]);
  });

  it('answers 413 to a body over 64 KB', async () => {
    const { app: a, seen } = await app(reply('x'));
    const response = await a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: textXml('a'.repeat(70_000)) });
    expect(response.statusCode).toBe(413);
    expect(response.body).toBe('');
    expect(seen).toEqual([]);
  });

  it('answers 503 with Retry-After when intake cannot keep the message, so WeChat retries', async () => {
    const { app: a } = await app(async () => {
      throw new IntakeUnavailableError('down', 17);
    });
    const response = await a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: textXml() });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('17');
    expect(response.body).toBe('');
  });

  it('at the reply deadline answers success if the message is durable, 503 if it is not', async () => {
    let release: (answer: WechatAnswer) => void = () => undefined;
    const slowAfterAccepting: Handler = (_m, context) => {
      context.accepted();
      return new Promise((resolve) => (release = resolve));
    };
    const { app: durable } = await app(slowAfterAccepting, { replyDeadlineMs: 50 });
    const answered = await durable.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: textXml() });
    expect(answered.statusCode).toBe(200);
    expect(answered.body).toBe('success');
    release({ kind: 'success' });

    const { app: pending } = await app(() => new Promise(() => undefined), { replyDeadlineMs: 50 });
    const retry = await pending.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: textXml() });
    expect(retry.statusCode).toBe(503);
    expect(retry.body).toBe('');
  });

  it('refuses plaintext in WeCom mode and an unknown encrypt_type', async () => {
    const cipher = new WechatCipher({ encodingAesKey: KEY, receiveId: APPID });
    const { app: a } = await app(reply('x'), { mode: 'wecom', cipher });
    expect((await a.inject({ method: 'POST', url: `/wechat?${signed()}`, payload: textXml() })).statusCode).toBe(401);
    const { app: b } = await app(reply('x'));
    expect((await b.inject({ method: 'POST', url: `/wechat?${signed()}&encrypt_type=rot13`, payload: textXml() })).statusCode).toBe(400);
  });

  it('serves compatible mode from the plaintext when no EncodingAESKey is configured, and says 503 for safe mode', async () => {
    const { app: a, seen } = await app(reply('明文回复'));
    const compatible = textXml().replace('</xml>', '<Encrypt><![CDATA[QUJD]]></Encrypt></xml>');
    const response = await a.inject({ method: 'POST', url: `/wechat?${signed()}&encrypt_type=aes&msg_signature=x`, payload: compatible });
    expect(response.statusCode).toBe(200);
    expect(parseWechatXml(response.body).fields['Content']).toBe('明文回复');
    expect(seen).toHaveLength(1);
    const safeOnly = '<xml><ToUserName>gh_acct</ToUserName><Encrypt><![CDATA[QUJD]]></Encrypt></xml>';
    expect((await a.inject({ method: 'POST', url: `/wechat?${signed()}&encrypt_type=aes&msg_signature=x`, payload: safeOnly })).statusCode).toBe(503);
  });

  it('decrypts safe mode, checks msg_signature, and encrypts the reply with the key that worked', async () => {
    const previous = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    const cipher = new WechatCipher({ encodingAesKey: KEY, previousEncodingAesKey: previous, receiveId: APPID });
    const oldSender = new WechatCipher({ encodingAesKey: previous, receiveId: APPID });
    const { app: a, seen } = await app(reply('收到'), { cipher });
    const encrypt = oldSender.encrypt(textXml());
    const nonce = '1320562132';
    const query = `timestamp=${NOW_S}&nonce=${nonce}&encrypt_type=aes&msg_signature=${wechatSignature([TOKEN, String(NOW_S), nonce, encrypt])}`;
    const response = await a.inject({ method: 'POST', url: `/wechat?${query}`, payload: `<xml><ToUserName><![CDATA[gh_acct]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
    expect(response.statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    const outer = parseWechatXml(response.body).fields;
    expect(outer['MsgSignature']).toBe(wechatSignature([TOKEN, outer['TimeStamp'] ?? '', outer['Nonce'] ?? '', outer['Encrypt'] ?? '']));
    expect(parseWechatXml(oldSender.decrypt(outer['Encrypt'] ?? '').message).fields['Content']).toBe('收到');

    const tampered = await a.inject({ method: 'POST', url: `/wechat?${query.replace(/msg_signature=\w+/, `msg_signature=${'0'.repeat(40)}`)}`, payload: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
    expect(tampered.statusCode).toBe(401);
    const stranger = new WechatCipher({ encodingAesKey: 'A'.repeat(43), receiveId: APPID }).encrypt(textXml());
    const strangerQuery = `timestamp=${NOW_S}&nonce=${nonce}&encrypt_type=aes&msg_signature=${wechatSignature([TOKEN, String(NOW_S), nonce, stranger])}`;
    const undecryptable = await a.inject({ method: 'POST', url: `/wechat?${strangerQuery}`, payload: `<xml><Encrypt><![CDATA[${stranger}]]></Encrypt></xml>` });
    expect(undecryptable.statusCode).toBe(401);
    expect(seen).toHaveLength(1);
  });
});
