// Every fuzz target, with the size of its fixed-seed CI run and the vitest file (group) that runs it. The CI counts
// add up to more than 100,000 inputs: the pure WeChat XML and AMI codec targets take most of them (a fifth of a
// millisecond of CPU each, generation included), the HTTP routes thousands (in-process inject, real Redis), flow
// YAML and MIME hundreds to thousands (milliseconds each), the socket-level SMTP and AMI targets hundreds at most
// (each input is a connection). The groups are sized so that the four fuzzing processes take similar time.

import type { FuzzTarget } from '../fuzz-target.js';

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'http-v1',
    group: 'http',
    parser: 'POST /v1/submissions (JSON, multipart), PUT /v1/submissions/:id/status',
    ciRuns: 2000,
    inputTimeoutMs: 10_000,
    load: () => import('./http-v1.js'),
  },
  {
    name: 'http-form',
    group: 'http',
    parser: 'POST /form/submissions (JSON, multipart), POST /form/rating/:ticket, POST /form/status/:ticket',
    ciRuns: 2000,
    inputTimeoutMs: 10_000,
    load: () => import('./http-form.js'),
  },
  {
    name: 'http-open311',
    group: 'http',
    parser: 'Open311 POST requests.{json,xml} (form-urlencoded, JSON), GET requests query',
    ciRuns: 1500,
    inputTimeoutMs: 10_000,
    load: () => import('./http-open311.js'),
  },
  {
    name: 'wechat-xml',
    group: 'pure',
    parser: 'WeChat XML parser and message reader (src/domain/wechat), pure',
    ciRuns: 50_000,
    inputTimeoutMs: 5_000,
    load: () => import('./wechat-xml.js'),
  },
  {
    name: 'wechat-route',
    group: 'http',
    parser: 'POST /wechat, plaintext and safe-mode (AES) pushes',
    ciRuns: 2000,
    inputTimeoutMs: 10_000,
    load: () => import('./wechat-route.js'),
  },
  {
    name: 'mime',
    group: 'mail',
    parser: 'mail-to-draft: mailparser + src/domain/email + intake, as after SMTP DATA',
    ciRuns: 600,
    inputTimeoutMs: 10_000,
    load: () => import('./mime.js'),
  },
  {
    name: 'flow',
    group: 'flow-ami',
    parser: 'flow YAML: readYaml, schema, buildFlow, checkFlow (src/domain/flow), pure',
    ciRuns: 1500,
    inputTimeoutMs: 5_000,
    load: () => import('./flow.js'),
  },
  {
    name: 'ami-codec',
    group: 'pure',
    parser: 'AMI codec (src/adapters/ami/ami-codec.ts): client and simulator settings, pure',
    ciRuns: 42_000,
    inputTimeoutMs: 5_000,
    load: () => import('./ami-codec.js'),
  },
  {
    name: 'ami-simulator',
    group: 'flow-ami',
    parser: "the simulator's AMI server (strict parser) over a socket",
    ciRuns: 800,
    inputTimeoutMs: 5_000,
    load: () => import('./ami-simulator.js'),
  },
  {
    name: 'ami-client',
    group: 'flow-ami',
    parser: 'the AMI client (asterisk-manager) fed garbage by its peer over a socket',
    ciRuns: 100,
    inputTimeoutMs: 10_000,
    load: () => import('./ami-client.js'),
  },
  {
    name: 'smtp',
    group: 'mail',
    parser: 'the SMTP intake server over a socket: command lines, DATA, long lines',
    ciRuns: 100,
    inputTimeoutMs: 30_000,
    load: () => import('./smtp.js'),
  },
];

/** Inputs of all fixed-seed CI runs together. */
export const FUZZ_CI_TOTAL = FUZZ_TARGETS.reduce((sum, target) => sum + target.ciRuns, 0);
