// Creating and reading service requests through real HTTP into the real Redis-backed intake: FixMyStreet's form
// POST as it sends it, retries, keys and scopes, filters, and what the public reads never show.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isValidTicket } from '../../../src/domain/intake/ticket.js';
import { all, fields, one, parseXml } from './minimal-xml.js';
import { FORM, JURISDICTION, formBody, startOpen311Gateway } from './open311-harness.js';
import type { Open311Gateway } from './open311-harness.js';

let gateway: Open311Gateway;
beforeEach(async () => {
  gateway = await startOpen311Gateway();
});
afterEach(async () => {
  await gateway.close();
});

/** FixMyStreet's `send_service_request`: these fields, in this order, form-encoded, to requests.xml. */
function fixMyStreetFields(apiKey: string, overrides: Record<string, string> = {}): [string, string][] {
  const fields: Record<string, string> = {
    jurisdiction_id: JURISDICTION,
    api_key: apiKey,
    lat: '39.916345',
    long: '116.397155',
    email: 'li.lei@example.cn',
    description: 'title:  井盖缺失 Missing manhole cover\n\ndetail: 景山前街路口的井盖不见了，很危险。\n\nurl: https://fms.example/report/4711\n\nSubmitted via FixMyStreet\n',
    service_code: 'urban-management',
    first_name: 'Lei',
    last_name: 'Li',
    phone: '+86 138 0013 8000',
    media_url: 'https://fms.example/photo/4711.0.full.jpeg',
    'attribute[title]': '井盖缺失 Missing manhole cover',
    'attribute[report_url]': 'https://fms.example/report/4711',
    'attribute[fixmystreet_id]': '4711',
    ...overrides,
  };
  return Object.entries(fields);
}

async function post(path: string, body: string, headers: Record<string, string> = FORM): Promise<{ status: number; text: string; response: Response }> {
  const response = await fetch(`${gateway.base}${path}`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text(), response };
}

async function postFixMyStreet(overrides: Record<string, string> = {}): Promise<string> {
  const { status, text, response } = await post('/requests.xml', formBody(fixMyStreetFields(gateway.keys.open311, overrides)));
  expect(status, text).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  const { root } = parseXml(text);
  expect(root.name).toBe('service_requests');
  const request = fields(one(root, 'request'));
  expect(Object.keys(request)).toEqual(['service_request_id', 'service_notice']);
  return request.service_request_id as string;
}

async function postJson(body: Record<string, unknown>): Promise<{ status: number; json: unknown }> {
  const { status, text } = await post('/requests.json', JSON.stringify(body), { 'content-type': 'application/json' });
  return { status, json: JSON.parse(text) as unknown };
}

async function getJson(path: string, status = 200): Promise<unknown> {
  const response = await fetch(`${gateway.base}${path}`);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return JSON.parse(text) as unknown;
}

async function getXml(path: string, status = 200) {
  const response = await fetch(`${gateway.base}${path}`);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  return { root: parseXml(text).root, text };
}

describe('POST requests', () => {
  it("takes FixMyStreet's form POST and answers with a ticket in XML", async () => {
    const ticket = await postFixMyStreet();
    expect(isValidTicket(ticket)).toBe(true);

    const record = await gateway.intake.getByTicket(ticket);
    expect(record?.submission).toMatchObject({
      channel: 'open311',
      category: 'urban-management',
      text: expect.stringContaining('景山前街路口的井盖不见了'),
      contact: { anonymous: false, name: 'Lei Li', phone: '+8613800138000', email: 'li.lei@example.cn' },
      location: { lat: 39.916345, lon: 116.397155 },
      refs: { open311ServiceCode: 'urban-management', mediaUrls: ['https://fms.example/photo/4711.0.full.jpeg'], apiKeyId: expect.any(String) },
    });
    expect(await gateway.jobCount()).toBe(1);
  });

  it('takes the raw brackets of the spec example for attributes', async () => {
    const body = `${formBody(fixMyStreetFields(gateway.keys.open311))}&attribute[WHISPAWN]=123456&attribute[WHISDORN][]=COISL001&attribute[WHISDORN][]=COISL002`;
    const { status, text } = await post('/requests.xml', body);
    expect(status, text).toBe(200);
  });

  it('makes one job for a retried request, answering with the same service_request_id', async () => {
    const first = await postFixMyStreet();
    const retries = await Promise.all([postFixMyStreet(), postFixMyStreet()]);
    expect(retries).toEqual([first, first]);
    expect(await gateway.jobCount()).toBe(1);

    const different = await postFixMyStreet({ 'attribute[fixmystreet_id]': '4712' });
    expect(different).not.toBe(first);
    expect(await gateway.jobCount()).toBe(2);
  });

  it('takes JSON too, answering in JSON, and echoes account_id', async () => {
    const { status, json } = await postJson({
      api_key: gateway.keys.submit,
      service_code: 'environment',
      address_string: '朝阳区建国路88号',
      description: '夜间施工噪音扰民',
      account_id: 'acct-9',
      device_id: 'dev-1',
    });
    expect(status).toBe(200);
    expect(json).toEqual([{ service_request_id: expect.any(String), service_notice: expect.any(String), account_id: 'acct-9' }]);
    const [created] = json as { service_request_id: string }[];
    const record = await gateway.intake.getByTicket(created?.service_request_id ?? '');
    expect(record?.submission.contact).toEqual({ anonymous: true });
    expect(record?.submission.location).toEqual({ address: '朝阳区建国路88号' });
  });

  it('takes the api_key from the query string, as GeoReport v2 clients send it, with the same scope checks', async () => {
    const withoutBodyKey = formBody(fixMyStreetFields('').filter(([name]) => name !== 'api_key'));
    const accepted = await post(`/requests.xml?api_key=${encodeURIComponent(gateway.keys.open311)}`, withoutBodyKey);
    expect(accepted.status, accepted.text).toBe(200);
    const ticket = fields(one(parseXml(accepted.text).root, 'request')).service_request_id ?? '';
    expect(isValidTicket(ticket)).toBe(true);
    const record = await gateway.intake.getByTicket(ticket);
    expect(record?.submission.channel).toBe('open311');
    expect(record?.submission.refs.apiKeyId).toBe(gateway.keys.open311.split('_')[1]);

    // The same request again with the key in the body is a retry of the first, not a second ticket.
    const retry = await post('/requests.xml', formBody(fixMyStreetFields(gateway.keys.open311)));
    expect(fields(one(parseXml(retry.text).root, 'request')).service_request_id).toBe(ticket);

    const readOnly = await post(`/requests.json?api_key=${encodeURIComponent(gateway.keys.readOnly)}`, withoutBodyKey);
    expect(readOnly.status).toBe(403);
    expect(JSON.parse(readOnly.text)).toEqual([{ code: 403, description: 'api_key: this key may not create service requests (it needs scope open311 or submit)' }]);
    const wrong = await post('/requests.json?api_key=hk_nope_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', withoutBodyKey);
    expect(JSON.parse(wrong.text)).toEqual([{ code: 403, description: 'api_key: invalid api_key' }]);
    expect(await gateway.jobCount()).toBe(1);
  });

  it('answers 403 in the spec format without a key, with a wrong key, and with a key that may only read', async () => {
    const withoutKey = await post('/requests.xml', formBody(fixMyStreetFields('').filter(([name]) => name !== 'api_key')));
    expect(withoutKey.status).toBe(403);
    expect(all(parseXml(withoutKey.text).root, 'error').map(fields)).toEqual([{ code: '403', description: 'api_key: is required to create a service request' }]);

    const wrongKey = await postJson({ api_key: 'hk_nope_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', service_code: 'other', address_string: 'x', description: 'x' });
    expect(wrongKey).toEqual({ status: 403, json: [{ code: 403, description: 'api_key: invalid api_key' }] });

    const readOnly = await postJson({ api_key: gateway.keys.readOnly, service_code: 'other', address_string: 'x', description: 'x' });
    expect(readOnly).toEqual({ status: 403, json: [{ code: 403, description: 'api_key: this key may not create service requests (it needs scope open311 or submit)' }] });
    expect(await gateway.jobCount()).toBe(0);
  });

  it('answers 404 for an unknown service code and for another jurisdiction', async () => {
    expect(await postJson({ api_key: gateway.keys.open311, service_code: 'potholes', lat: 39.9, long: 116.4, description: 'x' })).toEqual({
      status: 404,
      json: [{ code: 404, description: 'service_code: there is no service "potholes"; GET services.xml lists them' }],
    });
    const elsewhere = await post('/requests.xml', formBody(fixMyStreetFields(gateway.keys.open311, { jurisdiction_id: 'sfgov.org' })));
    expect(elsewhere.status).toBe(404);
    expect(fields(one(parseXml(elsewhere.text).root, 'error')).description).toMatch(/^jurisdiction_id: sfgov.org is not served here/);
  });

  it('answers 400 naming every parameter at fault', async () => {
    const { status, json } = await postJson({ api_key: gateway.keys.open311, service_code: 'other', lat: 139.9, email: 'not-an-address' });
    expect(status).toBe(400);
    expect(json).toEqual([
      { code: 400, description: 'lat: must be a WGS84 latitude in decimal degrees (-90 to 90)' },
      { code: 400, description: 'email: is not an e-mail address' },
      { code: 400, description: 'description: is required (unless a media_url carries the request)' },
    ]);
    expect(await postJson({ api_key: gateway.keys.open311, service_code: 'other', description: 'x' })).toEqual({
      status: 400,
      json: [{ code: 400, description: 'location: is required: give lat and long, address_string or address_id' }],
    });
  });

  it("answers intake's own validation in the spec format, naming the Open311 parameter", async () => {
    const { status, json } = await postJson({ api_key: gateway.keys.open311, service_code: 'other', address_string: 'x', description: 'x', first_name: '名'.repeat(101) });
    expect(status).toBe(400);
    expect(json).toEqual([{ code: 400, description: expect.stringMatching(/^first_name: /) }]);
  });

  it('answers 400 in the spec format for a body it cannot parse', async () => {
    const { status, text } = await post('/requests.json', '{"api_key":', { 'content-type': 'application/json' });
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual([{ code: 400, description: expect.any(String) }]);
  });

  it("answers 429 with Retry-After once a key has used its minute's budget", async () => {
    const body = (n: number) => formBody(fixMyStreetFields(gateway.keys.slow, { 'attribute[fixmystreet_id]': String(n) }));
    expect((await post('/requests.xml', body(1))).status).toBe(200);
    expect((await post('/requests.xml', body(2))).status).toBe(200);
    const third = await post('/requests.xml', body(3));
    expect(third.status).toBe(429);
    expect(Number(third.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fields(one(parseXml(third.text).root, 'error'))).toEqual({ code: '429', description: expect.stringMatching(/^at most 2 requests a minute for this api_key/) });
    // Another key's budget is its own.
    expect(await postFixMyStreet()).toMatch(/^\d+$/);
  });
});

describe('GET requests', () => {
  it('shows a request by id in XML and JSON, with no contact details', async () => {
    const ticket = await postFixMyStreet();
    const { root, text } = await getXml(`/requests/${ticket}.xml`);
    expect(root.name).toBe('service_requests');
    const request = fields(one(root, 'request'));
    expect(request).toEqual({
      service_request_id: ticket,
      status: 'open',
      service_name: '城市管理 Urban management',
      service_code: 'urban-management',
      description: expect.stringContaining('景山前街路口的井盖不见了'),
      service_notice: expect.any(String),
      requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      updated_datetime: expect.stringMatching(/Z$/),
      lat: '39.916345',
      long: '116.397155',
      media_url: 'https://fms.example/photo/4711.0.full.jpeg',
    });
    for (const personal of ['li.lei', '13800138000', 'Lei Li', 'first_name', 'email', 'phone']) expect(text).not.toContain(personal);

    const json = await getJson(`/requests/${ticket}.json`);
    expect(json).toEqual([{ ...request, lat: 39.916345, long: 116.397155 }]);
  });

  it('answers 404 for a ticket that does not exist, whatever its form', async () => {
    const ticket = await postFixMyStreet();
    const wrongCheckDigit = `${ticket.slice(0, -1)}${(Number(ticket.at(-1)) + 1) % 10}`;
    for (const id of [wrongCheckDigit, '999999999999', 'abc']) {
      expect(await getJson(`/requests/${id}.json`, 404)).toEqual([{ code: 404, description: `service_request_id: ${id} not found` }]);
    }
    const { root } = await getXml('/requests/999999999999.xml', 404);
    expect(root.name).toBe('errors');
  });

  it('shows the status, the latest note and the agency once the work-order system has reported back', async () => {
    const ticket = await postFixMyStreet();
    const record = await gateway.intake.getByTicket(ticket);
    const id = record?.submission.id ?? '';
    await gateway.intake.updateStatus(id, { status: 'accepted', at: new Date().toISOString(), note: '已转交东城区城管委', agency: '东城区城市管理委员会' });
    const resolvedAt = new Date(Date.now() + 1000).toISOString();
    await gateway.intake.updateStatus(id, { status: 'resolved', at: resolvedAt });

    const [request] = (await getJson(`/requests/${ticket}.json`)) as Record<string, unknown>[];
    expect(request).toMatchObject({
      status: 'closed',
      status_notes: '已转交东城区城管委',
      agency_responsible: '东城区城市管理委员会',
      updated_datetime: resolvedAt.replace(/\.\d{3}Z$/, 'Z'),
    });
  });

  it('lists requests newest first, filtered by service code and status', async () => {
    const light = await postFixMyStreet();
    const noise = await postFixMyStreet({ service_code: 'environment', 'attribute[fixmystreet_id]': '2' });
    const bus = await postFixMyStreet({ service_code: 'transportation', 'attribute[fixmystreet_id]': '3' });
    const busRecord = await gateway.intake.getByTicket(bus);
    await gateway.intake.updateStatus(busRecord?.submission.id ?? '', { status: 'closed', at: new Date().toISOString(), note: 'duplicate' });

    const ids = async (query: string) => ((await getJson(`/requests.json${query}`)) as { service_request_id: string }[]).map((r) => r.service_request_id);
    expect(await ids('')).toEqual([bus, noise, light]);
    expect(await ids('?service_code=environment,urban-management')).toEqual([noise, light]);
    expect(await ids('?service_code=environment&service_code=transportation')).toEqual([bus, noise]);
    expect(await ids('?status=open')).toEqual([noise, light]);
    expect(await ids('?status=closed')).toEqual([bus]);
    expect(await ids('?status=open,closed&service_code=transportation')).toEqual([bus]);
    expect(await ids(`?service_request_id=${light},${bus},000000000000&status=open`)).toEqual([light, bus]);

    const { root } = await getXml('/requests.xml?status=closed');
    expect(all(root, 'request').map((r) => fields(r).service_request_id)).toEqual([bus]);
    expect(fields(one(root, 'request'))).toMatchObject({ status: 'closed', status_notes: 'duplicate' });
  });

  it('filters by date range, the time zone given by the client', async () => {
    const ticket = await postFixMyStreet();
    const record = await gateway.intake.getByTicket(ticket);
    const received = Date.parse(record?.submission.receivedAt ?? '');
    const w3c = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const beijing = (ms: number) => {
      const local = new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '');
      return encodeURIComponent(`${local}+08:00`);
    };
    const ids = async (query: string) => ((await getJson(`/requests.json${query}`)) as { service_request_id: string }[]).map((r) => r.service_request_id);
    expect(await ids(`?start_date=${w3c(received - 60_000)}&end_date=${w3c(received + 60_000)}`)).toEqual([ticket]);
    expect(await ids(`?start_date=${beijing(received - 60_000)}`)).toEqual([ticket]);
    expect(await ids(`?start_date=${w3c(received + 60_000)}`)).toEqual([]);
    expect(await ids(`?end_date=${beijing(received - 60_000)}`)).toEqual([]);
  });

  it('answers 400 naming the parameter for a bad date, status or service code', async () => {
    expect(await getJson('/requests.json?start_date=2024-13-01T00:00:00Z', 400)).toEqual([
      { code: 400, description: expect.stringMatching(/^start_date: "2024-13-01T00:00:00Z" is not a W3C date-time/) },
    ]);
    expect(await getJson('/requests.json?end_date=yesterday&status=pending', 400)).toEqual([
      { code: 400, description: 'status: must be open or closed, not pending' },
      { code: 400, description: expect.stringMatching(/^end_date: "yesterday" is not a W3C date-time/) },
    ]);
    expect(await getJson('/requests.json?start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z', 400)).toEqual([
      { code: 400, description: 'end_date: the range from start_date may not span more than 90 days' },
    ]);
    const { root } = await getXml('/requests.xml?service_code=potholes', 400);
    expect(all(root, 'error').map(fields)).toEqual([{ code: '400', description: 'service_code: no such service: potholes' }]);
  });

  it('shows only what came in through Open311', async () => {
    const ticket = await postFixMyStreet();
    const web = await gateway.intake.submit({
      draft: { channel: 'web', text: '小区垃圾无人清理', category: 'urban-management', contact: { phone: '13900139000' }, location: { address: '海淀区' } },
      dedupKey: 'web:test:1',
      fingerprint: 'web-1',
    });
    expect(((await getJson('/requests.json')) as { service_request_id: string }[]).map((r) => r.service_request_id)).toEqual([ticket]);
    await getJson(`/requests/${web.submission.ticket}.json`, 404);
    await getJson(`/tokens/${web.submission.id}.json`, 404);
  });

  it('leaves out the text of a request that classification found private', async () => {
    const ticket = await postFixMyStreet({ description: '我的身份证号11010519491231002X被人冒用办理了共享单车押金' });
    expect((await gateway.intake.getByTicket(ticket))?.submission.hints.privacy).toBeDefined();
    const [request] = (await getJson(`/requests/${ticket}.json`)) as Record<string, unknown>[];
    expect(request).not.toHaveProperty('description');
    expect(JSON.stringify(request)).not.toContain('11010519491231002X');
  });
});

describe('read limits', () => {
  it('answers 429 in the spec format once one address has used its reads for the minute', async () => {
    await gateway.close();
    gateway = await startOpen311Gateway({ readsPerMinute: 2, discovery: { contact: 'ops@12345.example' } });
    await getJson('/requests.json');
    await getJson('/requests/000000018.json', 404);
    const response = await fetch(`${gateway.base}/requests.json`);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toEqual([{ code: 429, description: expect.stringMatching(/^at most 2 reads a minute from one address/) }]);
    // The service list is static and stays readable.
    await getJson('/services.json');
    expect(await getJson('/discovery.json')).toMatchObject({ contact: 'ops@12345.example' });
  });
});

describe('GET tokens', () => {
  it("turns the submission's id into its service_request_id (JSON and XML)", async () => {
    const ticket = await postFixMyStreet();
    const id = (await gateway.intake.getByTicket(ticket))?.submission.id ?? '';
    expect(await getJson(`/tokens/${id}.json`)).toEqual([{ service_request_id: ticket, token: id }]);
    const { root } = await getXml(`/tokens/${id.toLowerCase()}.xml`);
    expect(fields(one(root, 'request'))).toEqual({ service_request_id: ticket, token: id });
  });

  it('answers 404 for an unknown token', async () => {
    expect(await getJson('/tokens/01ARZ3NDEKTSV4RRFFQ69G5FAV.json', 404)).toEqual([{ code: 404, description: 'token: 01ARZ3NDEKTSV4RRFFQ69G5FAV not found' }]);
    await getXml('/tokens/not-a-token.xml', 404);
  });
});
