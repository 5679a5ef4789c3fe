// Open311 GeoReport v2 `POST requests.{json,xml}`, form-urlencoded (as FixMyStreet sends it) and JSON, plus the
// public `GET requests` query, through the gateway's HTTP stack with real intake. Refusals use GeoReport's error list.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { FuzzSession } from '../fuzz-target.js';
import { contentType, damagedBytes, jsonBody, nastyString, percentEncode, validOrMutated } from '../support/arbitraries.js';
import { startFuzzGateway } from '../support/fuzz-gateway.js';
import { injectAndJudge, readable } from '../support/http-oracle.js';
import type { HttpInput } from '../support/http-oracle.js';

const KEY = '{api_key}';

const REQUESTS: readonly Record<string, unknown>[] = [
  { api_key: KEY, service_code: 'urban-management', lat: '39.9087', long: '116.3975', description: '天安门东侧人行道井盖缺失', email: 'citizen@example.com' },
  {
    api_key: KEY,
    jurisdiction_id: '12345.beijing.gov.cn',
    service_code: 'transportation',
    address_string: '朝阳区建国门外大街1号',
    description: 'Traffic light stuck on red',
    first_name: 'Wang',
    last_name: 'Fang',
    phone: '+86 138 0013 8000',
    device_id: 'fms-ios-1',
    account_id: '42',
  },
  { api_key: KEY, service_code: 'environment', address_id: 'BJ-0001', description: '河道有垃圾', media_url: 'https://example.org/photo.jpg' },
];

/** `name=value&...` with `+` for spaces, as HTTP::Request::Common sends it; list values repeat the name. */
function formEncode(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      const text = typeof item === 'string' ? item : JSON.stringify(item) ?? '';
      pairs.push(`${percentEncode(name)}=${percentEncode(text).replace(/%20/g, '+')}`);
    }
  }
  return pairs.join('&');
}

function inputs(apiKey: string): Arbitrary<HttpInput> {
  const withKey = (params: unknown): unknown =>
    typeof params === 'object' && params !== null && !Array.isArray(params)
      ? Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === KEY ? apiKey : v]))
      : params;
  const format = fc.constantFrom('json', 'xml');

  const form: Arbitrary<HttpInput> = fc
    .record({ params: validOrMutated(REQUESTS), type: contentType('application/x-www-form-urlencoded'), format, damage: fc.boolean() })
    .chain((r) => {
      const value = withKey(r.params.value);
      const text = typeof value === 'object' && value !== null && !Array.isArray(value) ? formEncode(value as Record<string, unknown>) : String(JSON.stringify(value));
      const clean = Buffer.from(text, 'utf8');
      const body = r.damage && !r.params.valid ? fc.oneof(damagedBytes(clean), fc.constantFrom('%', '%ZZ=1', '&&&==&', 'a[b][c]=1&a=2', '=x', 'description=%C3%28').map((t) => Buffer.from(t))) : fc.constant(clean);
      return body.map(
        (payload): HttpInput => ({
          method: 'POST',
          url: `/open311/v2/requests.${r.format}`,
          headers: r.type === undefined ? {} : { 'content-type': r.type },
          payload,
          valid: r.params.valid && r.type === 'application/x-www-form-urlencoded',
        }),
      );
    });

  const json: Arbitrary<HttpInput> = fc.record({ params: validOrMutated(REQUESTS), type: contentType('application/json'), format }).chain((r) =>
    jsonBody(withKey(r.params.value), !r.params.valid).map(
      (payload): HttpInput => ({
        method: 'POST',
        url: `/open311/v2/requests.${r.format}`,
        headers: r.type === undefined ? {} : { 'content-type': r.type },
        payload,
        valid: r.params.valid && r.type === 'application/json',
      }),
    ),
  );

  const query: Arbitrary<HttpInput> = fc
    .record({
      format,
      params: fc.dictionary(fc.constantFrom('service_request_id', 'service_code', 'start_date', 'end_date', 'status', 'jurisdiction_id', 'page'), nastyString(40), { maxKeys: 4 }),
    })
    .map((r): HttpInput => ({ method: 'GET', url: `/open311/v2/requests.${r.format}?${formEncode(r.params)}`, headers: {}, valid: false }));

  return fc.oneof({ weight: 5, arbitrary: form }, { weight: 4, arbitrary: json }, { weight: 1, arbitrary: query }).map(readable);
}

export async function start(): Promise<FuzzSession<HttpInput>> {
  const gateway = await startFuzzGateway();
  return {
    arbitrary: inputs(gateway.keys.open311),
    check: async (input) => {
      await injectAndJudge(gateway.app, gateway.errors, input, 'open311');
    },
    close: () => gateway.close(),
  };
}
