// Passive replies: the XML the gateway writes into the HTTP response to a push, which WeChat shows to the
// citizen as the account's answer. Text goes into CDATA; a `]]>` inside it would end the section early (and let
// the text inject elements), so it is split across two sections, the standard escape.

export interface TextReply {
  /** The citizen (the push's FromUserName). */
  readonly toUserName: string;
  /** The account (the push's ToUserName). */
  readonly fromUserName: string;
  /** Seconds since the epoch. */
  readonly createTime: number;
  readonly content: string;
}

export function textReplyXml(reply: TextReply): string {
  return (
    '<xml>' +
    `<ToUserName>${cdata(reply.toUserName)}</ToUserName>` +
    `<FromUserName>${cdata(reply.fromUserName)}</FromUserName>` +
    `<CreateTime>${Math.trunc(reply.createTime)}</CreateTime>` +
    `<MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(reply.content)}</Content>` +
    '</xml>'
  );
}

export interface EncryptedReply {
  readonly encrypt: string;
  readonly msgSignature: string;
  readonly timestamp: string;
  readonly nonce: string;
}

/** Safe mode's and WeCom's reply envelope around an encrypted text reply. */
export function encryptedReplyXml(reply: EncryptedReply): string {
  return (
    '<xml>' +
    `<Encrypt>${cdata(reply.encrypt)}</Encrypt>` +
    `<MsgSignature>${cdata(reply.msgSignature)}</MsgSignature>` +
    `<TimeStamp>${cdata(reply.timestamp)}</TimeStamp>` +
    `<Nonce>${cdata(reply.nonce)}</Nonce>` +
    '</xml>'
  );
}

/** `text` as CDATA: characters XML 1.0 cannot carry at all are dropped, `]]>` is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${xmlChars(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/**
 * Removes what no XML 1.0 document may contain, escaped or not: control characters other than tab, line feed and
 * carriage return, lone surrogates, U+FFFE and U+FFFF. WeChat's client would refuse the whole reply otherwise.
 */
export function xmlChars(text: string): string {
  // With the `u` flag a surrogate pair is one code point, so the surrogate range matches only lone halves.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu, '');
}
