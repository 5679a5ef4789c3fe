// The access token every WeChat API call needs. It lives 2 hours; it is fetched once, shared by concurrent
// callers, refreshed ahead of expiry, and dropped when WeChat says it is no longer valid (errcode 40001, 40014,
// 42001: another process fetched a newer one, or it expired early). The AppSecret and the token appear in
// URLs, so URLs are never logged.
//
// Official Account: GET /cgi-bin/token?grant_type=client_credential&appid=..&secret=..
// WeCom:            GET /cgi-bin/gettoken?corpid=..&corpsecret=..

import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { MediaFetchError } from '../../app/wechat/wechat-ports.js';

export type WechatPlatform = 'official' | 'wecom';

export interface AccessTokenOptions {
  /** `https://api.weixin.qq.com` (Official Account) or `https://qyapi.weixin.qq.com` (WeCom). */
  readonly apiBase: string;
  readonly platform: WechatPlatform;
  /** AppID, or the WeCom CorpID. */
  readonly appId: string;
  /** AppSecret, or the WeCom application's Secret. */
  readonly appSecret: string;
  readonly dispatcher?: Dispatcher;
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
}

/** Errcodes meaning "this token is no longer any good". */
export const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

const MAX_RESPONSE_BYTES = 64 * 1024;
/** Refresh this long before WeChat's expiry, or at 80% of a short lifetime. */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface Cached {
  readonly token: string;
  readonly refreshAt: number;
}

export class AccessTokens {
  private cached: Cached | null = null;
  private inFlight: Promise<string> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: AccessTokenOptions) {
    this.now = options.now ?? Date.now;
    if (options.appId === '' || options.appSecret === '') throw new RangeError('the WeChat access token needs an AppID and an AppSecret');
  }

  async get(): Promise<string> {
    const cached = this.cached;
    if (cached !== null && this.now() < cached.refreshAt) return cached.token;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = null;
    });
    return await this.inFlight;
  }

  /** WeChat refused `token`: the next `get` fetches a new one (unless someone already did). */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async fetchToken(): Promise<string> {
    const url = new URL(this.options.platform === 'wecom' ? '/cgi-bin/gettoken' : '/cgi-bin/token', this.options.apiBase);
    if (this.options.platform === 'wecom') {
      url.searchParams.set('corpid', this.options.appId);
      url.searchParams.set('corpsecret', this.options.appSecret);
    } else {
      url.searchParams.set('grant_type', 'client_credential');
      url.searchParams.set('appid', this.options.appId);
      url.searchParams.set('secret', this.options.appSecret);
    }
    const timeout = this.options.requestTimeoutMs ?? 10_000;
    let body: unknown;
    try {
      const response = await request(url, {
        method: 'GET',
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(this.options.dispatcher === undefined ? {} : { dispatcher: this.options.dispatcher }),
      });
      const text = await readLimited(response.body, MAX_RESPONSE_BYTES);
      if (response.statusCode !== 200) throw new MediaFetchError(`access token request answered HTTP ${response.statusCode}`, false);
      body = JSON.parse(text) as unknown;
    } catch (err) {
      if (err instanceof MediaFetchError) throw err;
      // Not the message: an HTTP client's error may quote the URL, and the URL holds the AppSecret.
      const code = err instanceof Error ? ((err as { code?: unknown }).code ?? err.name) : 'error';
      throw new MediaFetchError(`access token request failed: ${String(code)}`, false);
    }
    const { access_token: token, expires_in: expiresIn, errcode, errmsg } = (body ?? {}) as Record<string, unknown>;
    if (typeof token !== 'string' || token === '') {
      // Wrong AppSecret or IP not whitelisted are configuration errors, but retrying (with backoff) lets the
      // pending downloads finish once the operator has fixed them, within WeChat's 3 days.
      throw new MediaFetchError(`access token refused: errcode ${String(errcode)} ${typeof errmsg === 'string' ? errmsg.slice(0, 200) : ''}`.trim(), false);
    }
    const lifetimeMs = (typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 7200) * 1000;
    const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs * 0.2);
    this.cached = { token, refreshAt: this.now() + lifetimeMs - margin };
    return token;
  }
}

/** The body as UTF-8 text, refusing more than `limit` bytes (a JSON answer is small; anything else is wrong). */
export async function readLimited(body: AsyncIterable<Uint8Array> & { destroy?: (err?: Error) => void }, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy?.();
      throw new Error(`response larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
