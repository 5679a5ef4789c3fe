// WeChat's push messages as types. Official Accounts and WeCom (企业微信) applications send the same shapes:
// https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html and
// https://developer.work.weixin.qq.com/document/path/90239. A message type or event this gateway does not handle is
// `unknown` rather than an error: WeChat adds types over time, and each must still get an answer (`success`).

import type { WechatXml, XmlFields } from './wechat-xml.js';

export class WechatMessageError extends Error {
  readonly code = 'WECHAT_MESSAGE_INVALID';
  constructor(
    /** The XML element at fault, as WeChat names it (`Content`, `MediaId`, `Location_X` ...). */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'WechatMessageError';
  }
}

interface Envelope {
  /** The account (Official Account original id `gh_...`, or the WeCom CorpID). */
  readonly toUserName: string;
  /** The citizen: an openid (Official Account) or a WeCom member's UserID. */
  readonly fromUserName: string;
  /** Seconds since the epoch, as WeChat stamped it. */
  readonly createTime: number;
}

interface Numbered extends Envelope {
  /** WeChat's 64-bit message id, kept as text. */
  readonly msgId: string;
}

export interface TextMessage extends Numbered {
  readonly kind: 'text';
  readonly content: string;
}

export interface ImageMessage extends Numbered {
  readonly kind: 'image';
  /** A temporary public URL of the picture on WeChat's CDN. */
  readonly picUrl: string;
  readonly mediaId: string;
}

export interface VoiceMessage extends Numbered {
  readonly kind: 'voice';
  readonly mediaId: string;
  /** `amr` or `speex`. */
  readonly format: string;
  /** WeChat's speech recognition of the voice message, when the account has it switched on. */
  readonly recognition?: string;
}

export interface VideoMessage extends Numbered {
  readonly kind: 'video' | 'shortvideo';
  readonly mediaId: string;
  readonly thumbMediaId?: string;
}

export interface LocationMessage extends Numbered {
  readonly kind: 'location';
  readonly lat: number;
  readonly lon: number;
  readonly scale?: number;
  /** The place's name or address as the citizen's map showed it. */
  readonly label: string;
}

export interface LinkMessage extends Numbered {
  readonly kind: 'link';
  readonly title: string;
  readonly description: string;
  readonly url: string;
}

export interface SubscribeEvent extends Envelope {
  readonly kind: 'subscribe';
  /** `qrscene_<scene>` when the citizen followed by scanning a parametric QR code. */
  readonly eventKey?: string;
}

export interface UnsubscribeEvent extends Envelope {
  readonly kind: 'unsubscribe';
}

export interface ClickEvent extends Envelope {
  readonly kind: 'click';
  /** The menu button's key, as configured in the account's custom menu. */
  readonly eventKey: string;
}

/** Sent when the citizen enters the conversation (or every 5 s) if they allowed the account to know their location. */
export interface LocationEvent extends Envelope {
  readonly kind: 'location-event';
  readonly lat: number;
  readonly lon: number;
  /** Accuracy in metres. */
  readonly precision?: number;
}

export interface UnknownMessage extends Envelope {
  readonly kind: 'unknown';
  readonly msgType: string;
  readonly event?: string;
  readonly msgId?: string;
}

/** A message that carries something from the citizen and becomes (part of) a submission. */
export type ContentMessage = TextMessage | ImageMessage | VoiceMessage | VideoMessage | LocationMessage | LinkMessage;
export type EventMessage = SubscribeEvent | UnsubscribeEvent | ClickEvent | LocationEvent;
export type WechatMessage = ContentMessage | EventMessage | UnknownMessage;

const CONTENT_KINDS: ReadonlySet<string> = new Set(['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link']);

export function isContentMessage(message: WechatMessage): message is ContentMessage {
  return CONTENT_KINDS.has(message.kind);
}

/** Identifiers end up in dedup keys and Redis key names: printable ASCII without spaces, bounded. */
const IDENTIFIER = /^[\x21-\x7e]{1,128}$/;
const MAX_TEXT_LENGTH = 20_000;

export function wechatMessageFromXml(xml: WechatXml): WechatMessage {
  if (xml.root !== 'xml') throw new WechatMessageError('xml', `the root element must be <xml>, got <${xml.root.slice(0, 40)}>`);
  const f = new FieldReader(xml.fields);
  const envelope: Envelope = {
    toUserName: f.identifier('ToUserName'),
    fromUserName: f.identifier('FromUserName'),
    createTime: f.epochSeconds('CreateTime'),
  };
  const msgType = f.required('MsgType').trim();
  const numbered = (): Numbered => ({ ...envelope, msgId: f.identifier('MsgId') });
  switch (msgType) {
    case 'text':
      return { ...numbered(), kind: 'text', content: f.text('Content') };
    case 'image':
      return { ...numbered(), kind: 'image', picUrl: f.optionalText('PicUrl') ?? '', mediaId: f.identifier('MediaId') };
    case 'voice': {
      const recognition = f.optionalText('Recognition');
      return {
        ...numbered(),
        kind: 'voice',
        mediaId: f.identifier('MediaId'),
        format: f.optionalText('Format')?.trim().toLowerCase() ?? '',
        ...(recognition === undefined || recognition.trim() === '' ? {} : { recognition }),
      };
    }
    case 'video':
    case 'shortvideo': {
      const thumb = f.optionalIdentifier('ThumbMediaId');
      return { ...numbered(), kind: msgType, mediaId: f.identifier('MediaId'), ...(thumb === undefined ? {} : { thumbMediaId: thumb }) };
    }
    case 'location': {
      const scale = f.optionalNumber('Scale');
      return {
        ...numbered(),
        kind: 'location',
        lat: f.latitude('Location_X'),
        lon: f.longitude('Location_Y'),
        ...(scale === undefined ? {} : { scale }),
        label: f.optionalText('Label') ?? '',
      };
    }
    case 'link':
      return {
        ...numbered(),
        kind: 'link',
        title: f.optionalText('Title') ?? '',
        description: f.optionalText('Description') ?? '',
        url: f.text('Url'),
      };
    case 'event':
      return eventFromFields(envelope, f);
    default: {
      const msgId = f.optionalIdentifier('MsgId');
      return { ...envelope, kind: 'unknown', msgType: msgType.slice(0, 40), ...(msgId === undefined ? {} : { msgId }) };
    }
  }
}

function eventFromFields(envelope: Envelope, f: FieldReader): WechatMessage {
  const event = f.required('Event').trim();
  // Official Accounts write `CLICK` and `LOCATION`, WeCom writes `click`; the case carries no meaning.
  switch (event.toLowerCase()) {
    case 'subscribe': {
      const eventKey = f.optionalText('EventKey');
      return { ...envelope, kind: 'subscribe', ...(eventKey === undefined || eventKey === '' ? {} : { eventKey }) };
    }
    case 'unsubscribe':
      return { ...envelope, kind: 'unsubscribe' };
    case 'click':
      return { ...envelope, kind: 'click', eventKey: f.optionalText('EventKey') ?? '' };
    case 'location': {
      const precision = f.optionalNumber('Precision');
      return {
        ...envelope,
        kind: 'location-event',
        lat: f.latitude('Latitude'),
        lon: f.longitude('Longitude'),
        ...(precision === undefined ? {} : { precision }),
      };
    }
    default:
      return { ...envelope, kind: 'unknown', msgType: 'event', event: event.slice(0, 40) };
  }
}

/** Safe mode and WeCom wrap the message: `<xml><ToUserName/><Encrypt/>` (WeCom adds `<AgentID/>`). */
export interface EncryptedEnvelope {
  readonly encrypt: string;
  readonly toUserName?: string;
  readonly agentId?: string;
}

export function encryptedEnvelopeFromXml(xml: WechatXml): EncryptedEnvelope {
  if (xml.root !== 'xml') throw new WechatMessageError('xml', `the root element must be <xml>, got <${xml.root.slice(0, 40)}>`);
  const f = new FieldReader(xml.fields);
  const encrypt = f.required('Encrypt').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt)) throw new WechatMessageError('Encrypt', 'must be base64');
  const toUserName = f.optionalIdentifier('ToUserName');
  const agentId = f.optionalIdentifier('AgentID');
  return { encrypt, ...(toUserName === undefined ? {} : { toUserName }), ...(agentId === undefined ? {} : { agentId }) };
}

/** True when the XML has a plaintext message beside `Encrypt` (compatible mode sends both). */
export function hasPlaintextMessage(xml: WechatXml): boolean {
  return xml.fields['MsgType'] !== undefined && xml.fields['FromUserName'] !== undefined;
}

const EVENT_NAMES: Readonly<Record<EventMessage['kind'], string>> = {
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  click: 'CLICK',
  'location-event': 'LOCATION',
};

/** What identifies an event across WeChat's retries (events have no MsgId). */
export function eventDedupKey(message: EventMessage | UnknownMessage): string {
  const event = message.kind === 'unknown' ? (message.event ?? message.msgType) : EVENT_NAMES[message.kind];
  return `wechat-event:${message.fromUserName}:${message.createTime}:${event}`;
}

/** The dedup key of a content message: WeChat's MsgId is unique per account and reused by its retries. */
export function messageDedupKey(message: ContentMessage): string {
  return `wechat:${message.msgId}`;
}

class FieldReader {
  constructor(private readonly fields: XmlFields) {}

  required(name: string): string {
    const value = this.fields[name];
    if (value === undefined) throw new WechatMessageError(name, 'is missing');
    if (value.trim() === '') throw new WechatMessageError(name, 'is empty');
    return value;
  }

  text(name: string): string {
    const value = this.required(name);
    if (value.length > MAX_TEXT_LENGTH) throw new WechatMessageError(name, `is longer than ${MAX_TEXT_LENGTH} characters`);
    return value;
  }

  optionalText(name: string): string | undefined {
    const value = this.fields[name];
    if (value !== undefined && value.length > MAX_TEXT_LENGTH) {
      throw new WechatMessageError(name, `is longer than ${MAX_TEXT_LENGTH} characters`);
    }
    return value;
  }

  identifier(name: string): string {
    const value = this.required(name).trim();
    if (!IDENTIFIER.test(value)) throw new WechatMessageError(name, 'must be 1 to 128 printable ASCII characters without spaces');
    return value;
  }

  optionalIdentifier(name: string): string | undefined {
    const value = this.fields[name];
    return value === undefined || value.trim() === '' ? undefined : this.identifier(name);
  }

  epochSeconds(name: string): number {
    const value = this.required(name).trim();
    if (!/^[0-9]{1,12}$/.test(value)) throw new WechatMessageError(name, 'must be whole seconds since 1970');
    return Number(value);
  }

  optionalNumber(name: string): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value.trim() === '') return undefined;
    return this.number(name, value);
  }

  latitude(name: string): number {
    const value = this.number(name, this.required(name));
    if (value < -90 || value > 90) throw new WechatMessageError(name, 'must be a latitude from -90 to 90');
    return value;
  }

  longitude(name: string): number {
    const value = this.number(name, this.required(name));
    if (value < -180 || value > 180) throw new WechatMessageError(name, 'must be a longitude from -180 to 180');
    return value;
  }

  private number(name: string, raw: string): number {
    const trimmed = raw.trim();
    const value = Number(trimmed);
    if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(trimmed) || !Number.isFinite(value)) {
      throw new WechatMessageError(name, 'must be a number');
    }
    return value;
  }
}
