// The integrators' web API: `POST /v1/submissions` (JSON and multipart) and `PUT /v1/submissions/:id/status`,
// through the gateway's HTTP stack with real intake. Starts from valid requests and mutates body, headers and key.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { FuzzSession } from '../fuzz-target.js';
import { contentType, headerText, jsonBody, pathSegment, validOrMutated } from '../support/arbitraries.js';
import { startFuzzGateway } from '../support/fuzz-gateway.js';
import type { FuzzGateway } from '../support/fuzz-gateway.js';
import { injectAndJudge, readable } from '../support/http-oracle.js';
import type { HttpInput } from '../support/http-oracle.js';
import { multipartRequest } from '../support/multipart.js';

export const V1_SUBMISSIONS: readonly object[] = [
  { text: '小区门口的路灯坏了三天了，晚上很黑', category: 'urban-management', contact: { phone: '13800138000' } },
  {
    text: "There is a deep pothole on Chang'an Avenue near Xidan",
    kind: 'complaint',
    language: 'en',
    contact: { name: 'Li Wei', email: 'li.wei@example.com' },
    location: { lat: 39.907, lon: 116.374, address: '西单北大街' },
  },
  { text: '建议增加夜班公交线路', kind: 'suggestion', contact: { anonymous: true } },
  { text: '楼下商铺夜间施工噪音扰民', contact: { phone: '+86 10 6512 3456' }, location: { address: '朝阳区建国路88号' } },
];

const STATUS_UPDATES: readonly object[] = [
  { status: 'accepted' },
  { status: 'in_progress', note: '已转交东城区城管委处理', agency: '东城区城管委' },
  { status: 'resolved', note: 'The streetlight was repaired.', at: '2026-01-02T03:04:05+08:00' },
];

type Auth = 'submit' | 'status' | 'none' | 'wrong' | 'garbage';

function authHeader(gateway: FuzzGateway, auth: Auth, garbage: string): Record<string, string> {
  switch (auth) {
    case 'submit':
      return { authorization: `Bearer ${gateway.keys.submit}` };
    case 'status':
      return { 'x-api-key': gateway.keys.status };
    case 'none':
      return {};
    case 'wrong':
      return { authorization: `Bearer ${gateway.keys.submit.slice(0, -2)}xx` };
    case 'garbage':
      return { authorization: garbage };
  }
}

const auth = (right: Auth): Arbitrary<{ auth: Auth; garbage: string }> =>
  fc.record({
    auth: fc.oneof({ weight: 12, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: fc.constantFrom<Auth>('submit', 'status', 'none', 'wrong', 'garbage') }),
    garbage: headerText(200),
  });

function inputs(gateway: FuzzGateway, existing: { id: string; ticket: string }): Arbitrary<HttpInput> {
  const json: Arbitrary<HttpInput> = fc
    .record({
      body: validOrMutated(V1_SUBMISSIONS),
      type: contentType('application/json'),
      key: auth('submit'),
      idempotency: fc.oneof({ weight: 4, arbitrary: fc.constant('none') }, { weight: 3, arbitrary: fc.constant('derived') }, { weight: 1, arbitrary: headerText(400) }),
    })
    .chain((r) =>
      jsonBody(r.body.value, !r.body.valid).map((payload): HttpInput => {
        const idempotency: Record<string, string> =
          r.idempotency === 'none' ? {} : { 'idempotency-key': r.idempotency === 'derived' ? createHash('sha256').update(payload).digest('hex') : r.idempotency };
        return {
          method: 'POST',
          url: '/v1/submissions',
          headers: { ...authHeader(gateway, r.key.auth, r.key.garbage), ...(r.type === undefined ? {} : { 'content-type': r.type }), ...idempotency },
          payload,
          valid: r.body.valid && r.type === 'application/json' && r.key.auth === 'submit' && (r.idempotency === 'none' || r.idempotency === 'derived'),
        };
      }),
    );

  const multipart: Arbitrary<HttpInput> = fc
    .record({ form: multipartRequest({ jsonField: 'submission', filesField: null, maxFiles: 3 }, validOrMutated(V1_SUBMISSIONS)), key: auth('submit') })
    .map(
      ({ form, key }): HttpInput => ({
        method: 'POST',
        url: '/v1/submissions',
        headers: { ...authHeader(gateway, key.auth, key.garbage), 'content-type': form.contentType },
        payload: form.payload,
        valid: form.valid && key.auth === 'submit',
      }),
    );

  const statusUpdate: Arbitrary<HttpInput> = fc
    .record({
      body: validOrMutated(STATUS_UPDATES),
      type: contentType('application/json'),
      key: auth('status'),
      id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(existing.id, existing.ticket) }, { weight: 1, arbitrary: pathSegment(80) }),
    })
    .chain((r) =>
      jsonBody(r.body.value, !r.body.valid).map(
        (payload): HttpInput => ({
          method: 'PUT',
          url: `/v1/submissions/${r.id}/status`,
          headers: { ...authHeader(gateway, r.key.auth, r.key.garbage), ...(r.type === undefined ? {} : { 'content-type': r.type }) },
          payload,
          valid: r.body.valid && r.type === 'application/json' && r.key.auth === 'status' && (r.id === existing.id || r.id === existing.ticket),
        }),
      ),
    );

  const random: Arbitrary<HttpInput> = fc
    .record({
      method: fc.constantFrom<HttpInput['method']>('POST', 'PUT', 'GET'),
      path: fc.oneof(fc.constantFrom('/v1/submissions', `/v1/submissions/${existing.id}/status`, `/v1/submissions/${existing.ticket}`), pathSegment().map((s) => `/v1/submissions/${s}`)),
      type: contentType('application/json'),
      payload: fc.uint8Array({ maxLength: 2048 }),
    })
    .map(
      (r): HttpInput => ({
        method: r.method,
        url: r.path,
        headers: { authorization: `Bearer ${gateway.keys.submit}`, ...(r.type === undefined ? {} : { 'content-type': r.type }) },
        ...(r.method === 'GET' ? {} : { payload: Buffer.from(r.payload) }),
        valid: false,
      }),
    );

  return fc.oneof({ weight: 5, arbitrary: json }, { weight: 2, arbitrary: multipart }, { weight: 2, arbitrary: statusUpdate }, { weight: 1, arbitrary: random }).map(readable);
}

export async function start(): Promise<FuzzSession<HttpInput>> {
  const gateway = await startFuzzGateway();
  const first = await gateway.app.inject({
    method: 'POST',
    url: '/v1/submissions',
    headers: { authorization: `Bearer ${gateway.keys.submit}`, 'content-type': 'application/json' },
    payload: JSON.stringify(V1_SUBMISSIONS[0]),
  });
  if (first.statusCode !== 201) throw new Error(`the seed submission was refused: ${first.statusCode} ${first.body}`);
  const receipt = first.json<{ id: string; ticket: string }>();
  return {
    arbitrary: inputs(gateway, receipt),
    check: async (input) => {
      await injectAndJudge(gateway.app, gateway.errors, input, 'error-json');
    },
    close: () => gateway.close(),
  };
}
