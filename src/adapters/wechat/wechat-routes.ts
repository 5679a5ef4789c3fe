// `GET /wechat` (URL verification) and `POST /wechat` (message pushes) for a WeChat Official Account in
// plaintext, compatible or safe mode, and for a WeCom application callback (always encrypted), told apart by
// the query: `encrypt_type=aes` or a `msg_signature` without `signature` means encrypted.
//
// Answers, as WeChat's protocol has them:
// - a bad or missing signature, a timestamp further than `maxClockSkewMs` from now (replay), or a message that does
//   not decrypt for this account: 401 with no body;
// - a body that is not WeChat's XML (DOCTYPE, entities, too deep, over 64 KB, missing fields): 400 (413) with no body;
// - intake cannot keep the message: 503 with no body, so WeChat retries (3 times, 5 s apart) and the retry, deduplicated
//   by MsgId, gets the same ticket;
// - otherwise 200 with a passive text reply (encrypted like the request), or `success`.
// The reply must reach WeChat within 5 s. At `replyDeadlineMs` (4.5 s) after the request arrived the handler stops
// waiting: if the message is already durable (intake resolved), it answers `success` (the citizen sees no ticket now
// but can ask for it later); if not, it answers 503 so that WeChat retries rather than believe the message was taken.

import { createHash, randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { silentLog } from '../../app/app-ports.js';
import type { Log } from '../../app/app-ports.js';
import { IntakeUnavailableError } from '../../app/intake/intake-ports.js';
import type { WechatAnswer, WechatInbox } from '../../app/wechat/wechat-inbox.js';
import { encryptedReplyXml, textReplyXml } from '../../domain/wechat/reply.js';
import { encryptedEnvelopeFromXml, hasPlaintextMessage, wechatMessageFromXml, WechatMessageError } from '../../domain/wechat/wechat-message.js';
import type { WechatMessage } from '../../domain/wechat/wechat-message.js';
import { MAX_WECHAT_XML_BYTES, parseWechatXml, WechatXmlError } from '../../domain/wechat/wechat-xml.js';
import type { WechatXml } from '../../domain/wechat/wechat-xml.js';
import { signatureMatches, wechatSignature, WechatCryptoError } from './wechat-crypto.js';
import { WECHAT_PUSH_DOC, WECHAT_VERIFY_DOC } from './wechat-docs.js';
import type { KeyGeneration, WechatCipher } from './wechat-crypto.js';

/** `official`: an Official Account; `wecom`: a WeCom application (encrypted only); `auto`: whatever the request is. */
export type WechatMode = 'official' | 'wecom' | 'auto';

export interface WechatRoutesDeps {
  /** The Token configured in the WeChat admin console. */
  readonly token: string;
  /** Present when an EncodingAESKey is configured (safe and compatible mode, WeCom). */
  readonly cipher?: WechatCipher;
  readonly mode?: WechatMode;
  readonly inbox: Pick<WechatInbox, 'handle'>;
  readonly log?: Log;
  /** Default `/wechat`. */
  readonly path?: string;
  /** Largest accepted difference between a request's timestamp and the clock (default 5 minutes). */
  readonly maxClockSkewMs?: number;
  /** How long after a push arrives the answer is sent at the latest (default 4500 ms; WeChat waits 5 s). */
  readonly replyDeadlineMs?: number;
  readonly now?: () => number;
}

export type WechatAuthProblem = 'bad_signature' | 'stale_timestamp' | 'undecryptable' | 'encryption_required';

/** The request is not from WeChat for this account (or is an old one replayed). */
export class WechatAuthError extends Error {
  readonly code = 'WECHAT_UNAUTHENTICATED';
  constructor(readonly problem: WechatAuthProblem) {
    super(`wechat request refused: ${problem}`);
    this.name = 'WechatAuthError';
  }
}

/** The request is well signed, but cannot be served as configured (an encrypted push without an EncodingAESKey). */
export class WechatConfigError extends Error {
  readonly code = 'WECHAT_NOT_CONFIGURED';
  constructor(message: string) {
    super(message);
    this.name = 'WechatConfigError';
  }
}

type Query = Record<string, string | undefined>;

interface Unwrapped {
  readonly message: WechatMessage;
  /** The plaintext message's XML: its digest is intake's idempotency fingerprint. */
  readonly xml: WechatXml;
  /** The key that decrypted the push (the reply is encrypted with it), or `null` for plaintext. */
  readonly key: KeyGeneration | null;
}

const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;
const DEFAULT_REPLY_DEADLINE_MS = 4_500;

export function wechatRoutes(deps: WechatRoutesDeps): FastifyPluginAsync {
  const log = (deps.log ?? silentLog).child({ component: 'wechat-http' });
  const now = deps.now ?? Date.now;
  const mode = deps.mode ?? 'auto';
  const path = deps.path ?? '/wechat';
  const maxSkewMs = deps.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  const deadlineMs = deps.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS;
  if (deps.token === '') throw new RangeError('the WeChat Token must not be empty');
  if (mode === 'wecom' && deps.cipher === undefined) throw new RangeError('WeCom callbacks are always encrypted: an EncodingAESKey is required');

  const checkFresh = (timestamp: string | undefined): string => {
    if (timestamp === undefined || !/^[0-9]{1,12}$/.test(timestamp)) throw new WechatAuthError('bad_signature');
    if (Math.abs(now() - Number(timestamp) * 1000) > maxSkewMs) throw new WechatAuthError('stale_timestamp');
    return timestamp;
  };

  const isWecomStyle = (q: Query): boolean => q['msg_signature'] !== undefined && q['signature'] === undefined;

  /** The push's message, after the signature (and decryption) proved it came from WeChat for this account. */
  const unwrap = (q: Query, body: string): Unwrapped => {
    const timestamp = checkFresh(q['timestamp']);
    const nonce = q['nonce'] ?? '';
    const encryptType = q['encrypt_type']?.toLowerCase();
    if (encryptType !== undefined && encryptType !== 'raw' && encryptType !== 'aes') throw new WechatMessageError('encrypt_type', 'must be raw or aes');
    const encrypted = encryptType === 'aes' || (encryptType === undefined && isWecomStyle(q));
    if (!encrypted) {
      if (mode === 'wecom') throw new WechatAuthError('encryption_required');
      // Checked before parsing: unsigned bodies never reach the parser.
      if (!signatureMatches(q['signature'], [deps.token, timestamp, nonce])) throw new WechatAuthError('bad_signature');
      const xml = parseWechatXml(body);
      return { message: wechatMessageFromXml(xml), xml, key: null };
    }
    const outer = parseWechatXml(body);
    if (deps.cipher === undefined) {
      // Compatible mode sends the plaintext beside the ciphertext: without a key, the plaintext (signed by `signature`) serves.
      if (encryptType === 'aes' && hasPlaintextMessage(outer) && signatureMatches(q['signature'], [deps.token, timestamp, nonce])) {
        return { message: wechatMessageFromXml(outer), xml: outer, key: null };
      }
      throw new WechatConfigError('an encrypted WeChat push arrived but no EncodingAESKey is configured');
    }
    const envelope = encryptedEnvelopeFromXml(outer);
    if (!signatureMatches(q['msg_signature'], [deps.token, timestamp, nonce, envelope.encrypt])) throw new WechatAuthError('bad_signature');
    let decrypted;
    try {
      decrypted = deps.cipher.decrypt(envelope.encrypt);
    } catch (err) {
      if (err instanceof WechatCryptoError) {
        log.warn({ problem: err.problem }, 'wechat push does not decrypt for this account');
        throw new WechatAuthError('undecryptable');
      }
      throw err;
    }
    const xml = parseWechatXml(decrypted.message);
    return { message: wechatMessageFromXml(xml), xml, key: decrypted.key };
  };

  const answerXml = (unwrapped: Unwrapped, answer: Extract<WechatAnswer, { kind: 'text' }>): string => {
    const nowSeconds = Math.floor(now() / 1000);
    const plain = textReplyXml({
      toUserName: unwrapped.message.fromUserName,
      fromUserName: unwrapped.message.toUserName,
      createTime: nowSeconds,
      content: answer.content,
    });
    if (unwrapped.key === null || deps.cipher === undefined) return plain;
    const encrypt = deps.cipher.encrypt(plain, unwrapped.key);
    const timestamp = String(nowSeconds);
    const nonce = String(randomInt(1_000_000_000, 9_999_999_999));
    return encryptedReplyXml({ encrypt, msgSignature: wechatSignature([deps.token, timestamp, nonce, encrypt]), timestamp, nonce });
  };

  return async (app: FastifyInstance) => {
    // WeChat sends `text/xml`; anything else (or nothing) is read as text too, and the XML parser decides.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_WECHAT_XML_BYTES }, (_request, body, done) => {
      done(null, body);
    });

    app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
      if (error instanceof WechatAuthError) {
        log.warn({ problem: error.problem, method: request.method }, 'wechat request refused');
        return reply.code(401).send();
      }
      if (error instanceof WechatXmlError) {
        log.warn({ problem: error.problem, offset: error.offset }, 'wechat push is not acceptable XML');
        return reply.code(400).send();
      }
      if (error instanceof WechatMessageError) {
        log.warn({ field: error.field, reason: error.message }, 'wechat push is not a readable message');
        return reply.code(400).send();
      }
      if (error instanceof IntakeUnavailableError) {
        log.warn({ err: error.message }, 'wechat message not taken: intake unavailable (WeChat will retry)');
        return reply.code(503).header('retry-after', String(error.retryAfterSeconds)).send();
      }
      if (error instanceof WechatConfigError) {
        log.error({ err: error.message }, 'wechat push cannot be served as configured');
        return reply.code(503).send();
      }
      const status = error.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // Fastify's own refusals: body over 64 KB (413), unreadable Content-Type (415).
        log.warn({ status, code: (error as { code?: unknown }).code }, 'wechat request rejected');
        return reply.code(status).send();
      }
      log.error({ err: error, method: request.method }, 'wechat request failed');
      return reply.code(500).send();
    });

    app.get(path, { config: { openapi: WECHAT_VERIFY_DOC } }, async (request: FastifyRequest, reply: FastifyReply) => {
      const q = request.query as Query;
      const timestamp = checkFresh(q['timestamp']);
      const nonce = q['nonce'] ?? '';
      const echostr = q['echostr'];
      if (echostr === undefined || echostr === '' || echostr.length > 1024) throw new WechatMessageError('echostr', 'is missing or too long');
      const wecom = mode === 'wecom' || (mode === 'auto' && isWecomStyle(q));
      void reply.header('content-type', 'text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
      if (!wecom) {
        if (!signatureMatches(q['signature'], [deps.token, timestamp, nonce])) throw new WechatAuthError('bad_signature');
        if (!/^[\x21-\x7e]+$/.test(echostr)) throw new WechatMessageError('echostr', 'must be printable ASCII');
        log.info({}, 'wechat URL verification answered');
        return reply.send(echostr);
      }
      if (deps.cipher === undefined) throw new WechatConfigError('a WeCom URL verification arrived but no EncodingAESKey is configured');
      if (!signatureMatches(q['msg_signature'], [deps.token, timestamp, nonce, echostr])) throw new WechatAuthError('bad_signature');
      let plain: string;
      try {
        plain = deps.cipher.decrypt(echostr).message;
      } catch (err) {
        if (err instanceof WechatCryptoError) throw new WechatAuthError('undecryptable');
        throw err;
      }
      log.info({}, 'wecom URL verification answered');
      return reply.send(plain);
    });

    app.post(path, { bodyLimit: MAX_WECHAT_XML_BYTES, config: { openapi: WECHAT_PUSH_DOC } }, async (request: FastifyRequest, reply: FastifyReply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const unwrapped = unwrap(request.query as Query, body);
      let durable = false;
      const handling = deps.inbox.handle(unwrapped.message, {
        fingerprint: fingerprintOf(unwrapped.xml),
        accepted: () => {
          durable = true;
        },
      });
      const remaining = Math.max(0, deadlineMs - reply.elapsedTime);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), remaining);
      });
      let answer: WechatAnswer | 'deadline';
      try {
        answer = await Promise.race([handling, deadline]);
      } finally {
        clearTimeout(timer);
      }
      if (answer === 'deadline') {
        handling.catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'wechat message failed after the reply deadline'));
        if (!durable) {
          log.warn({ msgType: unwrapped.message.kind }, 'wechat message not durable by the reply deadline: WeChat will retry');
          return reply.code(503).send();
        }
        log.info({ msgType: unwrapped.message.kind }, 'wechat reply deadline reached: answered success');
        return sendSuccess(reply);
      }
      if (answer.kind === 'success') return sendSuccess(reply);
      return reply.header('content-type', 'application/xml; charset=utf-8').send(answerXml(unwrapped, answer));
    });
  };
}

function sendSuccess(reply: FastifyReply): FastifyReply {
  return reply.header('content-type', 'text/plain; charset=utf-8').send('success');
}

/** The digest of the message's content, independent of whitespace between elements and of field order. */
export function fingerprintOf(xml: WechatXml): string {
  const sorted = (record: Readonly<Record<string, unknown>>): [string, unknown][] => Object.keys(record).sort().map((k) => [k, record[k]]);
  const canonical = JSON.stringify([
    xml.root,
    sorted(xml.fields),
    Object.keys(xml.children)
      .sort()
      .map((k) => [k, sorted(xml.children[k] ?? {})]),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
