// Plays WeChat's servers: pushes text messages to `POST /wechat` in safe mode (AES-encrypted body, `signature` and
// `msg_signature` over token, timestamp, nonce and ciphertext), each with its own MsgId from its own follower
// (openid), over a keep-alive pool. A push counts as done with 200 and an encrypted passive reply; every
// `VERIFY_EVERY`th reply is also decrypted and must give the citizen a ticket number.

import { randomInt, randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { signatureMatches, WechatCipher, wechatSignature } from '../../src/adapters/wechat/wechat-crypto.js';
import { parseWechatXml } from '../../src/domain/wechat/wechat-xml.js';
import { citizenRequest } from '../shared/citizen-requests.js';
import type { WechatAccount } from './subject-process.js';

const VERIFY_EVERY = 50;
const TICKET_IN_REPLY = /(?:工单号：|Ticket number: )\d{9,20}/;

export class WechatClient {
  /** Pushes started. */
  sent = 0;
  /** Replies decrypted and checked. */
  verified = 0;
  private readonly pool: Pool;
  private readonly cipher: WechatCipher;
  /** Openids are 28 characters; this run's all start with its own tag. */
  private readonly run = `oBn${randomUUID().replaceAll('-', '').slice(0, 9)}`;
  /** MsgIds are 64-bit numbers; this run's start above every earlier run's. */
  private readonly firstMsgId = Date.now() * 1000;

  constructor(
    url: string,
    private readonly account: WechatAccount,
    connections: number,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1 });
    this.cipher = new WechatCipher({ encodingAesKey: account.encodingAesKey, receiveId: account.appId });
  }

  async push(): Promise<void> {
    const seq = this.sent;
    this.sent += 1;
    const openId = `${this.run}${seq.toString(36).padStart(16, '0')}`;
    const now = Math.floor(Date.now() / 1000);
    const plain =
      `<xml><ToUserName><![CDATA[${this.account.accountId}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName>` +
      `<CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${citizenRequest(seq).text}]]></Content>` +
      `<MsgId>${this.firstMsgId + seq}</MsgId></xml>`;
    const encrypt = this.cipher.encrypt(plain);
    const timestamp = String(now);
    const nonce = String(randomInt(1_000_000_000, 9_999_999_999));
    const query = new URLSearchParams({
      signature: wechatSignature([this.account.token, timestamp, nonce]),
      timestamp,
      nonce,
      openid: openId,
      encrypt_type: 'aes',
      msg_signature: wechatSignature([this.account.token, timestamp, nonce, encrypt]),
    });
    const response = await this.pool.request({
      path: `/wechat?${query.toString()}`,
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: `<xml><ToUserName><![CDATA[${this.account.accountId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${body.slice(0, 200)}`);
    if (!body.includes('<Encrypt>')) throw new Error(`no encrypted reply: ${body.slice(0, 200)}`);
    if (seq % VERIFY_EVERY === 0) this.verify(body);
  }

  private verify(body: string): void {
    const outer = parseWechatXml(body).fields;
    const encrypted = outer['Encrypt'] ?? '';
    if (!signatureMatches(outer['MsgSignature'], [this.account.token, outer['TimeStamp'] ?? '', outer['Nonce'] ?? '', encrypted])) {
      throw new Error('the reply carries a wrong MsgSignature');
    }
    const content = parseWechatXml(this.cipher.decrypt(encrypted).message).fields['Content'] ?? '';
    if (!TICKET_IN_REPLY.test(content)) throw new Error(`the reply gives no ticket: ${content.slice(0, 100)}`);
    this.verified += 1;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
