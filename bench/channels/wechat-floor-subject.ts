// The WeChat floor: the least any safe-mode WeChat front of the `intake` queue could do on this machine, in its own
// Node process, driven by the same WeChat client as the gateway. A bare fastify `POST /wechat` that checks
// `signature` and `msg_signature` (sha1 over the sorted token, timestamp, nonce and ciphertext), AES-256-CBC-decrypts
// the push, takes FromUserName, MsgId and Content out of it with a regular expression, adds {openid, msgId, text}
// as the job with intake's job options (job id from the MsgId) and, once the add resolved, answers with a passive
// text reply naming a ticket, encrypted and signed as WeChat requires. The crypto is the project's wechat-crypto.ts,
// which is node:crypto's sha1 and AES with WeChat's framing and nothing more, and the reply's XML the project's
// reply.ts (CDATA sections, as any reply must escape them): what a minimal implementation would call. No XML
// parser, clock-skew or replay check, merge window, records, tickets, PIN, limits or logging.

import { createHash, randomInt } from 'node:crypto';
import Fastify from 'fastify';
import { signatureMatches, WechatCipher, wechatSignature } from '../../src/adapters/wechat/wechat-crypto.js';
import { encryptedReplyXml, textReplyXml } from '../../src/domain/wechat/reply.js';
import { floorQueue } from '../shared/intake-job-options.js';
import type { BenchRedis } from '../shared/redis-tools.js';
import { serveSubject } from '../shared/subject.js';
import type { WechatAccount } from './subject-process.js';

export interface WechatFloorConfig {
  readonly redis: BenchRedis;
  /** BullMQ key prefix, with its hash tag. */
  readonly queuePrefix: string;
  readonly dedupTtlMs: number;
  readonly wechat: WechatAccount;
}

export interface WechatFloorInfo {
  readonly url: string;
}

interface PushQuery {
  readonly signature?: string;
  readonly timestamp?: string;
  readonly nonce?: string;
  readonly msg_signature?: string;
}

const ENCRYPT = /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/;
const field = (xml: string, name: string): string | undefined => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(xml)?.[1];

serveSubject<WechatFloorConfig, WechatFloorInfo>(async (settings) => {
  const { token, appId, encodingAesKey } = settings.wechat;
  const cipher = new WechatCipher({ encodingAesKey, receiveId: appId });
  const queue = await floorQueue(settings.redis, settings.queuePrefix, settings.dedupTtlMs);
  const app = Fastify({ logger: false });
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post<{ Querystring: PushQuery; Body: string }>('/wechat', async (request, reply) => {
    const { signature, timestamp = '', nonce = '', msg_signature: msgSignature } = request.query;
    const encrypted = ENCRYPT.exec(request.body)?.[1];
    if (!signatureMatches(signature, [token, timestamp, nonce]) || encrypted === undefined || !signatureMatches(msgSignature, [token, timestamp, nonce, encrypted])) {
      return await reply.code(403).send('bad signature');
    }
    const plain = cipher.decrypt(encrypted).message;
    const openid = field(plain, 'FromUserName') ?? '';
    const msgId = field(plain, 'MsgId') ?? '';
    await queue.add(createHash('sha256').update(`wechat:${msgId}`, 'utf8').digest('hex'), { channel: 'wechat', openid, msgId, text: field(plain, 'Content') ?? '' });
    const now = Math.floor(Date.now() / 1000);
    const answer = textReplyXml({ toUserName: openid, fromUserName: field(plain, 'ToUserName') ?? '', createTime: now, content: `收到，工单号：${msgId.padStart(12, '0').slice(-12)}` });
    const encrypt = cipher.encrypt(answer);
    const replyTimestamp = String(now);
    const replyNonce = String(randomInt(1_000_000_000, 9_999_999_999));
    return await reply
      .type('application/xml')
      .send(encryptedReplyXml({ encrypt, msgSignature: wechatSignature([token, replyTimestamp, replyNonce, encrypt]), timestamp: replyTimestamp, nonce: replyNonce }));
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    info: { url },
    async close() {
      await app.close();
      await queue.close();
    },
  };
});
