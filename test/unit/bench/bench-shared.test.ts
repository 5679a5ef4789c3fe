// The benchmarks' own logic: option parsing, the closed loop's concurrency and stop conditions, and the request
// mix the load generators send (every request must be one the gateway accepts, or the bench measures refusals).

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseChannelsOptions } from '../../../bench/channels/options.js';
import { parseIntakeOptions, DEFAULTS as INTAKE_DEFAULTS } from '../../../bench/intake/options.js';
import { parseIvrOptions, DEFAULTS as IVR_DEFAULTS } from '../../../bench/ivr/options.js';
import { citizenRequest } from '../../../bench/shared/citizen-requests.js';
import { closedLoop } from '../../../bench/shared/closed-loop.js';
import { BenchUsageError } from '../../../bench/shared/parse-args.js';
import { DEFAULT_SMTP_MAX_CLIENTS } from '../../../src/adapters/email/start-email-channel.js';
import { SUBMISSION_REQUEST_SCHEMA } from '../../../src/adapters/http/api-v1/api-v1-schemas.js';
import { submitRequestFor } from '../../../src/adapters/http/api-v1/submission-request.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import { ticketFromSequence } from '../../../src/domain/intake/ticket.js';

describe('bench options', () => {
  it('gives the defaults, and applies --flag value, --flag=value, switches and choices', () => {
    expect(parseIntakeOptions([])).toEqual(INTAKE_DEFAULTS);
    expect(parseIntakeOptions(['--duration', '3000', '--total=5000', '--json', '--log-level', 'silent', '--cpu-prof', '--processes', '2'])).toEqual({
      ...INTAKE_DEFAULTS,
      processes: 2,
      durationMs: 3000,
      total: 5000,
      json: true,
      logLevel: 'silent',
      cpuProf: true,
    });
    expect(parseChannelsOptions(['--smtp-connections', '8'])).toMatchObject({ smtpConnections: 8, concurrency: 64 });
    expect(parseIntakeOptions(['--warmup', '1', '-h'])).toBe('help');
  });

  it('names the option at fault', () => {
    expect(() => parseIntakeOptions(['--totl', '5'])).toThrow(new BenchUsageError('unknown option "--totl"'));
    expect(() => parseIntakeOptions(['--total', '0'])).toThrow('--total needs a positive integer, got "0"');
    expect(() => parseIntakeOptions(['--concurrency'])).toThrow('--concurrency needs a positive integer, got nothing');
    expect(() => parseIntakeOptions(['--log-level', 'loud'])).toThrow(/--log-level needs one of .*info.*, got "loud"/);
    expect(() => parseIntakeOptions(['--json=yes'])).toThrow('--json takes no value');
    expect(() => parseChannelsOptions(['--smtp-connections', String(DEFAULT_SMTP_MAX_CLIENTS + 1)])).toThrow(BenchUsageError);
    expect(() => parseIvrOptions(['--ramp', '-3'])).toThrow('--ramp needs a positive integer, got "-3"');
    expect(() => parseIvrOptions(['--levels', '100,0'])).toThrow('--levels needs positive integers separated by commas, got "100,0"');
    expect(() => parseIvrOptions(['--calls', '50'])).toThrow(new BenchUsageError('unknown option "--calls"'));
  });

  it('parses the IVR options with the same parser', () => {
    expect(parseIvrOptions(['--levels=5000,100', '--json'])).toEqual({ ...IVR_DEFAULTS, levels: [100, 5000], json: true });
    expect(parseIvrOptions(['--acd'])).toEqual({ ...IVR_DEFAULTS, acd: true });
    expect(parseChannelsOptions(['--smtp-connections', String(DEFAULT_SMTP_MAX_CLIENTS)])).toMatchObject({ smtpConnections: DEFAULT_SMTP_MAX_CLIENTS });
  });
});

describe('closedLoop', () => {
  it('keeps exactly N operations in flight and starts exactly `count` of them', async () => {
    let inFlight = 0;
    let peak = 0;
    const result = await closedLoop(8, { count: 100 }, async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
    });
    expect(peak).toBe(8);
    expect(result.completed).toBe(100);
    expect(result.latenciesMs).toHaveLength(100);
  });

  it('counts failures apart, keeps the first messages, and stops starting at the deadline', async () => {
    let n = 0;
    const result = await closedLoop(4, { atMs: performance.now() + 30 }, async () => {
      n += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (n % 2 === 0) throw new Error(`failure ${n}`);
    });
    expect(result.failed).toBeGreaterThan(0);
    expect(result.completed + result.failed).toBe(n);
    expect(result.latenciesMs).toHaveLength(result.completed);
    expect(result.errors.length).toBeLessThanOrEqual(5);
    expect(result.errors[0]).toMatch(/^failure \d+$/);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(30);
  });
});

describe('the citizen request mix', () => {
  const requests = Array.from({ length: 2000 }, (_, seq) => citizenRequest(seq));

  it('is valid for the web API and normalises without problems', () => {
    const validate = new Ajv({ allErrors: true }).compile(SUBMISSION_REQUEST_SCHEMA);
    for (const [seq, r] of requests.entries()) {
      const body = { text: r.text, contact: r.contact, ...(r.location === undefined ? {} : { location: r.location }) };
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      const { draft } = submitRequestFor(body, [], { apiKeyId: 'benchkey', idempotencyKey: `bench-${seq}` });
      const result = normaliseSubmission(draft, { id: '01JBENCH000000000000000000', ticket: ticketFromSequence(seq + 1), receivedAt: new Date(0).toISOString() });
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
  });

  it('has no digits in any text (the WeChat channel reads a number as a ticket) and is varied', () => {
    expect(requests.filter((r) => /\d/.test(r.text))).toEqual([]);
    expect(new Set(requests.map((r) => r.text)).size).toBeGreaterThan(500);
    const english = requests.filter((r) => r.language === 'en').length;
    expect(english).toBeGreaterThan(100);
    expect(english).toBeLessThan(500);
    expect(requests.some((r) => r.contact.anonymous === true)).toBe(true);
  });

  it('is the same for the same sequence number', () => {
    expect(citizenRequest(12345)).toEqual(citizenRequest(12345));
  });
});
