// Fetches a finished recording's bytes from Asterisk (`GET /ari/recordings/stored/{name}/file`, Asterisk 14+).
// Plain HTTP rather than ari-client: swagger-client decodes every body as text, which corrupts audio.

import type { RecordingSource } from '../../app/intake/voice-case-desk.js';

export interface AriRecordingSourceOptions {
  /** Asterisk's HTTP base URL without `/ari`, as in ARI_URL. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Recordings longer than the flow allows cannot be this big; a larger body is refused. */
  readonly maxBytes: number;
}

export class AriRecordingFetchError extends Error {
  readonly code = 'ARI_RECORDING_FETCH_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'AriRecordingFetchError';
  }
}

export class AriRecordingSource implements RecordingSource {
  private readonly authorization: string;

  constructor(private readonly options: AriRecordingSourceOptions) {
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  }

  async fetch(name: string): Promise<Uint8Array | null> {
    const url = `${this.options.url}/ari/recordings/stored/${encodeURIComponent(name)}/file`;
    const response = await fetch(url, { headers: { authorization: this.authorization } });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AriRecordingFetchError(`GET recordings/stored/${name}/file: HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > this.options.maxBytes) {
      await response.body?.cancel();
      throw new AriRecordingFetchError(`recording ${name} is ${declared} bytes, more than ${this.options.maxBytes}`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > this.options.maxBytes) throw new AriRecordingFetchError(`recording ${name} is more than ${this.options.maxBytes} bytes`);
    return bytes;
  }
}
