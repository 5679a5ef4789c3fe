// GeoReport v2 answers every failure with a list of `{ code, description }` and the HTTP status that says what
// kind of failure it was: 404 for what does not exist, 403 for the api_key, 400 for everything else the client
// must fix. Open311Error carries exactly that, so handlers throw and one error handler renders.

import { ListNode } from './open311-document.js';
import type { Open311Document } from './open311-document.js';

export const OPEN311_ERROR_CODES = {
  400: 'OPEN311_BAD_REQUEST',
  403: 'OPEN311_FORBIDDEN',
  404: 'OPEN311_NOT_FOUND',
  429: 'OPEN311_RATE_LIMITED',
  503: 'OPEN311_UNAVAILABLE',
} as const;

export type Open311Status = keyof typeof OPEN311_ERROR_CODES;
export type Open311ErrorCode = (typeof OPEN311_ERROR_CODES)[Open311Status];

export interface ParamProblem {
  /** The Open311 parameter as the client sent it (`lat`, `media_url`, `attribute[x]`, ...). */
  readonly param: string;
  readonly message: string;
}

export class Open311Error extends Error {
  readonly code: Open311ErrorCode;

  constructor(
    readonly status: Open311Status,
    readonly descriptions: readonly string[],
    readonly retryAfterSeconds?: number,
  ) {
    super(descriptions.join('; '));
    this.name = 'Open311Error';
    this.code = OPEN311_ERROR_CODES[status];
  }

  /** One error per problem, each naming its parameter. */
  static badParams(problems: readonly ParamProblem[]): Open311Error {
    return new Open311Error(
      400,
      problems.map((p) => `${p.param}: ${p.message}`),
    );
  }

  static notFound(description: string): Open311Error {
    return new Open311Error(404, [description]);
  }
}

/** `<errors><error><code>…</code><description>…</description></error>…</errors>`, or the same as a JSON array. */
export function errorDocument(status: number, descriptions: readonly string[]): Open311Document {
  return {
    root: 'errors',
    body: new ListNode(
      'error',
      descriptions.map((description) => ({ code: status, description })),
    ),
  };
}

/** The composition root passed settings the endpoint cannot run with. */
export class Open311SetupError extends Error {
  readonly code = 'OPEN311_SETUP_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'Open311SetupError';
  }
}
