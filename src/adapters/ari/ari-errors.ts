// ari-client turns an HTTP error into `new Error(<response body>)` and drops the status code, so the
// domain outcome is recovered from Asterisk's stable error messages (res/ari/resource_*.c).

/** Asterisk answered with an error we do not expect in normal call flow. */
export class AriRequestError extends Error {
  readonly code = 'ARI_REQUEST_FAILED';
  constructor(
    readonly operation: string,
    readonly detail: string,
  ) {
    super(`ARI ${operation} failed: ${detail}`);
    this.name = 'AriRequestError';
  }
}

/** The ARI HTTP endpoint could not be reached at all. */
export class AriUnavailableError extends Error {
  readonly code = 'ARI_UNAVAILABLE';
  constructor(
    readonly operation: string,
    readonly detail: string,
  ) {
    super(`ARI unreachable during ${operation}: ${detail}`);
    this.name = 'AriUnavailableError';
  }
}

// 404 for the channel/playback/recording/bridge, 409 "not in Stasis", 412 "in invalid state" for a
// channel that is hanging up: all mean the object we act on is gone for us.
const GONE = [
  /not found/i,
  /not in stasis/i,
  /channel in invalid state/i,
  /channel.*(hung up|gone)/i,
];
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|socket hang up|other side closed/i;

function bodyMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  try {
    const parsed = JSON.parse(raw) as { message?: unknown; error?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not a JSON body: a transport error text
  }
  return raw;
}

export type AriErrorKind = 'gone' | 'unreachable' | 'failed';

export function classifyAriError(err: unknown): { kind: AriErrorKind; message: string } {
  const message = bodyMessage(err);
  if (GONE.some((re) => re.test(message))) return { kind: 'gone', message };
  if (UNREACHABLE.test(message) || (err as { code?: string } | null)?.code?.startsWith('E')) {
    return { kind: 'unreachable', message };
  }
  return { kind: 'failed', message };
}

export function toAriError(operation: string, err: unknown): Error {
  const { kind, message } = classifyAriError(err);
  return kind === 'unreachable' ? new AriUnavailableError(operation, message) : new AriRequestError(operation, message);
}
