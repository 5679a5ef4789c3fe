// Given Open311 requests in the real Redis-backed intake, when the public reads list or fetch them, then a request
// the citizen asked to keep private never appears, no contact detail is ever shown, and only the fields the operator
// made public (OPEN311_PUBLIC_FIELDS) are.

import { afterEach, describe, expect, it } from 'vitest';
import { FORM, JURISDICTION, formBody, startOpen311Gateway } from './open311-harness.js';
import type { Open311Gateway } from './open311-harness.js';

let gateway: Open311Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function postRequest(g: Open311Gateway, description: string): Promise<string> {
  const body = formBody([
    ['jurisdiction_id', JURISDICTION],
    ['api_key', g.keys.open311],
    ['service_code', 'environment'],
    ['description', description],
    ['email', 'li.lei@example.cn'],
    ['phone', '+86 138 0013 8000'],
    ['first_name', 'Lei'],
    ['address_string', '景山前街 1 号'],
  ]);
  const response = await fetch(`${g.base}/requests.json`, { method: 'POST', headers: FORM, body });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return ((JSON.parse(text) as { service_request_id: string }[])[0] as { service_request_id: string }).service_request_id;
}

async function getJson(g: Open311Gateway, path: string): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`${g.base}${path}`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as unknown, text };
}

describe('Open311 public reads', () => {
  it('never show a request the citizen asked to keep private, nor any contact detail of the others', async () => {
    gateway = await startOpen311Gateway();
    const open = await postRequest(gateway, '河道有垃圾漂浮');
    const kept = await postRequest(gateway, '举报工厂夜间偷排污水，请保密处理');
    expect((await gateway.intake.getByTicket(kept))?.submission.private).toBe(true);

    const list = await getJson(gateway, `/requests.json?jurisdiction_id=${JURISDICTION}`);
    expect(list.status).toBe(200);
    const ids = (list.body as { service_request_id: string }[]).map((r) => r.service_request_id);
    expect(ids).toContain(open);
    expect(ids).not.toContain(kept);
    expect(list.text).not.toMatch(/li\.lei|13800138000|138 0013|Lei/);

    expect((await getJson(gateway, `/requests/${kept}.json?jurisdiction_id=${JURISDICTION}`)).status).toBe(404);
    expect((await getJson(gateway, `/requests.json?jurisdiction_id=${JURISDICTION}&service_request_id=${kept},${open}`)).text).not.toContain(kept);
  });

  it('answer a POST about discipline inspection with where it is handled, in both languages', async () => {
    gateway = await startOpen311Gateway();
    const body = formBody([
      ['jurisdiction_id', JURISDICTION],
      ['api_key', gateway.keys.open311],
      ['service_code', 'other'],
      ['description', '举报街道干部违纪，请纪委调查'],
      ['address_string', '景山前街 1 号'],
    ]);
    const response = await fetch(`${gateway.base}/requests.json`, { method: 'POST', headers: FORM, body });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const [created] = JSON.parse(text) as { service_notice: string }[];
    expect(created?.service_notice).toContain('12388');
    expect(created?.service_notice).toContain('discipline inspection');
  });

  it('show only the fields the operator made public', async () => {
    gateway = await startOpen311Gateway({ publicFields: ['status', 'service_code', 'requested_datetime'] });
    const ticket = await postRequest(gateway, '河道有垃圾漂浮');
    const one = await getJson(gateway, `/requests/${ticket}.json?jurisdiction_id=${JURISDICTION}`);
    expect(one.status).toBe(200);
    const request = (one.body as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(request).sort()).toEqual(['requested_datetime', 'service_code', 'service_request_id', 'status']);
    expect(one.text).not.toContain('河道');
    expect(one.text).not.toContain('景山前街');
  });
});
