// The rules every HTTP answer keeps, whatever was sent: never a 5xx; a 2xx for what is certainly valid; a refusal
// that names the problem in the route's own error shape; nothing logged at error level.

import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { FuzzViolation } from '../fuzz-target.js';
import type { ErrorTally } from './error-tally.js';

/** A generated value and whether it is certainly acceptable as it stands. */
export interface JudgedValue {
  readonly value: unknown;
  readonly valid: boolean;
}

export interface HttpInput {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: Buffer;
  /** A 2xx is due. */
  readonly valid: boolean;
}

/** How a route says no: `{error, code}` JSON (/v1, the form), GeoReport's error list, or nothing (WeChat, by protocol). */
export type ErrorShape = 'error-json' | 'open311' | 'status-only';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** `input` printed readably in fast-check's reports: the body as text (cut short), not as an array of bytes. */
export function readable(input: HttpInput): HttpInput {
  return Object.assign(input, {
    [fc.toStringMethod]: () => {
      const body = input.payload === undefined ? '' : `\n  body (${input.payload.length} bytes): ${JSON.stringify(input.payload.toString('utf8').slice(0, 1500))}`;
      return `${input.method} ${input.url.slice(0, 300)} valid=${input.valid}\n  headers: ${JSON.stringify(input.headers).slice(0, 1500)}${body}`;
    },
  });
}

export async function injectAndJudge(app: FastifyInstance, errors: ErrorTally, input: HttpInput, shape: ErrorShape): Promise<HttpAnswer> {
  const logged = errors.count;
  const options: InjectOptions = { method: input.method, url: input.url, headers: { ...input.headers } };
  if (input.payload !== undefined) options.payload = input.payload;
  const response = await app.inject(options);
  const answer = { status: response.statusCode, body: response.body };
  const what = `${input.method} ${input.url.slice(0, 120)} answered ${answer.status} ${answer.body.slice(0, 400)}`;
  if (answer.status >= 500) throw new FuzzViolation(`5xx: ${what}${errors.count > logged ? `\n  logged: ${errors.latest.at(-1) ?? ''}` : ''}`);
  errors.assertNoneSince(logged, what);
  if (input.valid && (answer.status < 200 || answer.status > 299)) throw new FuzzViolation(`a valid input was refused: ${what}`);
  if (answer.status >= 400) {
    const problem = refusalProblem(answer, shape, input.url);
    if (problem !== null) throw new FuzzViolation(`${problem}: ${what}`);
  }
  return answer;
}

/** Why a 4xx body does not name its problem the route's way, or null when it does. */
function refusalProblem(answer: HttpAnswer, shape: ErrorShape, url: string): string | null {
  if (shape === 'status-only') return null;
  if (shape === 'open311' && /\.xml(\?|$)/.test(url)) {
    return /<description>[^<]+<\/description>/.test(answer.body) ? null : 'the XML error names no problem';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return 'the refusal is not JSON';
  }
  if (shape === 'open311') {
    const first = Array.isArray(parsed) ? (parsed[0] as { description?: unknown } | undefined) : undefined;
    return typeof first?.description === 'string' && first.description.trim() !== '' ? null : 'the GeoReport error names no problem';
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  return typeof error === 'string' && error.trim() !== '' ? null : 'the refusal has no error text';
}
