// Downloads a message's temporary media from WeChat: GET /cgi-bin/media/get?access_token=..&media_id=..
// The answer is the file itself, or JSON: an error (`{"errcode":40007,...}` for an unknown or expired media id),
// or, for videos, `{"video_url": ...}` pointing at the file on WeChat's CDN. The bytes are streamed, never
// buffered: the attachment store counts them and stops at its size limit.

import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { MediaFetchError } from '../../app/wechat/wechat-ports.js';
import type { FetchedMedia, MediaSource } from '../../app/wechat/wechat-ports.js';
import { readLimited, STALE_TOKEN_ERRCODES } from './access-token.js';
import type { AccessTokens } from './access-token.js';

export interface WechatMediaSourceOptions {
  readonly apiBase: string;
  readonly tokens: Pick<AccessTokens, 'get' | 'invalidate'>;
  readonly dispatcher?: Dispatcher;
  /** For the response headers and between body chunks (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/** 40007: invalid media_id (unknown, or older than WeChat's 3 days). 40004: invalid media type. */
const PERMANENT_ERRCODES: ReadonlySet<number> = new Set([40004, 40007]);
const MAX_JSON_BYTES = 64 * 1024;

type ResponseBody = Dispatcher.ResponseData['body'];

export class WechatMediaSource implements MediaSource {
  constructor(private readonly options: WechatMediaSourceOptions) {}

  async fetch(mediaId: string): Promise<FetchedMedia> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.options.tokens.get();
      const url = new URL('/cgi-bin/media/get', this.options.apiBase);
      url.searchParams.set('access_token', token);
      url.searchParams.set('media_id', mediaId);
      const response = await this.get(url);
      if (!isJson(response.headers)) return fetched(response);

      const answer = await this.json(response.body);
      const videoUrl = answer['video_url'];
      if (typeof videoUrl === 'string' && /^https?:\/\//i.test(videoUrl)) {
        const video = await this.get(new URL(videoUrl));
        if (isJson(video.headers)) {
          await video.body.dump().catch(() => undefined);
          throw new MediaFetchError('the video URL answered with JSON instead of the video', false);
        }
        return fetched(video);
      }
      const errcode = typeof answer['errcode'] === 'number' ? answer['errcode'] : undefined;
      if (errcode !== undefined && STALE_TOKEN_ERRCODES.has(errcode) && attempt === 1) {
        this.options.tokens.invalidate(token);
        continue;
      }
      const reason = `media download refused: errcode ${String(errcode)}`;
      throw new MediaFetchError(reason, errcode !== undefined && PERMANENT_ERRCODES.has(errcode));
    }
  }

  private async get(url: URL): Promise<Dispatcher.ResponseData> {
    const timeout = this.options.requestTimeoutMs ?? 30_000;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(this.options.dispatcher === undefined ? {} : { dispatcher: this.options.dispatcher }),
      });
    } catch (err) {
      // The message would carry the URL, and with it the access token: only the error's class goes on.
      throw new MediaFetchError(`media download failed: ${err instanceof Error ? err.name : 'error'}`, false, { cause: stripped(err) });
    }
    if (response.statusCode !== 200) {
      await response.body.dump().catch(() => undefined);
      // 404 from the CDN means the file is gone; anything else may pass.
      throw new MediaFetchError(`media download answered HTTP ${response.statusCode}`, response.statusCode === 404);
    }
    return response;
  }

  private async json(body: ResponseBody): Promise<Record<string, unknown>> {
    try {
      const parsed = JSON.parse(await readLimited(body, MAX_JSON_BYTES)) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch (err) {
      throw new MediaFetchError(`media download answered unreadable JSON`, false, { cause: stripped(err) });
    }
  }
}

function fetched(response: Dispatcher.ResponseData): FetchedMedia {
  const contentType = header(response.headers, 'content-type');
  const fileName = fileNameOf(header(response.headers, 'content-disposition'));
  return {
    bytes: response.body,
    ...(contentType === undefined ? {} : { contentType }),
    ...(fileName === undefined ? {} : { fileName }),
    dispose: () => {
      if (!response.body.destroyed) response.body.destroy();
    },
  };
}

/** WeChat answers errors as `application/json` or, on some endpoints, `text/plain` holding JSON. */
function isJson(headers: Dispatcher.ResponseData['headers']): boolean {
  const type = header(headers, 'content-type')?.toLowerCase() ?? '';
  return type.startsWith('application/json') || type.startsWith('text/plain') || type.startsWith('text/json');
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `attachment; filename="MEDIA_ID.jpg"` → `MEDIA_ID.jpg` (the store reduces it to a safe base name). */
export function fileNameOf(disposition: string | undefined): string | undefined {
  if (disposition === undefined) return undefined;
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (match?.[1] === undefined) return undefined;
  try {
    return decodeURIComponent(match[1]).trim() || undefined;
  } catch {
    return match[1].trim() || undefined;
  }
}

/** Errors from the HTTP client may quote the URL (with the access token): keep only their class and code. */
function stripped(err: unknown): Error {
  if (!(err instanceof Error)) return new Error('unknown error');
  const code = (err as { code?: unknown }).code;
  const copy = new Error(`${err.name}${typeof code === 'string' ? ` ${code}` : ''}`);
  copy.name = err.name;
  return copy;
}
