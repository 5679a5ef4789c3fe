// Every fuzz target, with the size of its fixed-seed CI run. The CI counts add up to more than 100,000 inputs; the
// pure parsers take most of them (microseconds each), the HTTP routes thousands (in-process inject, real Redis),
// the socket-level SMTP and AMI targets hundreds (each input is a connection).

import type { FuzzTarget } from '../fuzz-target.js';

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'http-v1',
    parser: 'POST /v1/submissions (JSON, multipart), PUT /v1/submissions/:id/status',
    ciRuns: 3000,
    inputTimeoutMs: 10_000,
    load: () => import('./http-v1.js'),
  },
  {
    name: 'http-form',
    parser: 'POST /form/submissions (JSON, multipart), POST /form/rating/:ticket',
    ciRuns: 1500,
    inputTimeoutMs: 10_000,
    load: () => import('./http-form.js'),
  },
  {
    name: 'http-open311',
    parser: 'Open311 POST requests.{json,xml} (form-urlencoded, JSON), GET requests query',
    ciRuns: 1500,
    inputTimeoutMs: 10_000,
    load: () => import('./http-open311.js'),
  },
];

/** Inputs of all fixed-seed CI runs together. */
export const FUZZ_CI_TOTAL = FUZZ_TARGETS.reduce((sum, target) => sum + target.ciRuns, 0);
