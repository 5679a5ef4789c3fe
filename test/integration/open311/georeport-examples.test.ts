// Given the published GeoReport v2 examples (https://wiki.open311.org/GeoReport_v2 and its Service Discovery page),
// when a client reads each of our resources in XML and in JSON, then every element and member it meets is one the
// spec's example has, in the example's order and nesting, with the example's type. Only the field lists of the
// examples are kept here (names, order, types), not their text.
//
// Fields we never have (`expected_datetime`, `address_id`, `zipcode`, attributes of a service) are allowed to be
// absent: the spec lets a server leave out what it does not keep. What the spec's own example always has, we have.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, parseXml } from './minimal-xml.js';
import type { XmlElement } from './minimal-xml.js';
import { FORM, JURISDICTION, formBody, startOpen311Gateway } from './open311-harness.js';
import type { Open311Gateway } from './open311-harness.js';

/** Types as the spec's JSON examples have them; `id` is a number in the examples and a string with us (both opaque). */
type Leaf = 'string' | 'number' | 'boolean' | 'id' | 'datetime';
interface ListOf {
  readonly list: string;
  readonly of: Leaf | Shape;
}
interface Shape {
  readonly fields: Readonly<Record<string, Leaf | ListOf | Shape>>;
  /** Fields the spec's example always fills and so must we. */
  readonly required: readonly string[];
}

const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;

// Service Discovery: <discovery> with changeset, contact, key_service, endpoints/endpoint/{specification, url,
// changeset, type, formats/format}.
const DISCOVERY: Shape = {
  fields: {
    changeset: 'datetime',
    contact: 'string',
    key_service: 'string',
    endpoints: {
      list: 'endpoint',
      of: {
        fields: { specification: 'string', url: 'string', changeset: 'datetime', type: 'string', formats: { list: 'format', of: 'string' } },
        required: ['specification', 'url', 'changeset', 'type', 'formats'],
      },
    },
  },
  required: ['changeset', 'contact', 'key_service', 'endpoints'],
};

// GET Service List: <services><service>{service_code, service_name, description, metadata, type, keywords, group}.
const SERVICE: Shape = {
  fields: { service_code: 'id', service_name: 'string', description: 'string', metadata: 'boolean', type: 'string', keywords: 'string', group: 'string' },
  required: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
};

// GET Service Definition: <service_definition>{service_code, attributes/attribute/{variable, code, datatype,
// required, datatype_description, order, description, values/value/{key, name}}}.
const SERVICE_DEFINITION: Shape = {
  fields: {
    service_code: 'id',
    attributes: {
      list: 'attribute',
      of: {
        fields: {
          variable: 'boolean',
          code: 'string',
          datatype: 'string',
          required: 'boolean',
          datatype_description: 'string',
          order: 'number',
          description: 'string',
          values: { list: 'value', of: { fields: { key: 'string', name: 'string' }, required: ['key', 'name'] } },
        },
        required: ['variable', 'code', 'datatype', 'required', 'order', 'description'],
      },
    },
  },
  required: ['service_code', 'attributes'],
};

// POST Service Request: <service_requests><request>{service_request_id | token, service_notice, account_id}.
const POSTED: Shape = { fields: { service_request_id: 'id', token: 'string', service_notice: 'string', account_id: 'string' }, required: ['service_request_id'] };

// GET Service Requests / GET Service Request: <service_requests><request>{...} in this order.
const REQUEST: Shape = {
  fields: {
    service_request_id: 'id',
    status: 'string',
    status_notes: 'string',
    service_name: 'string',
    service_code: 'id',
    description: 'string',
    agency_responsible: 'string',
    service_notice: 'string',
    requested_datetime: 'datetime',
    updated_datetime: 'datetime',
    expected_datetime: 'datetime',
    address: 'string',
    address_id: 'id',
    zipcode: 'id',
    lat: 'number',
    long: 'number',
    media_url: 'string',
  },
  required: ['service_request_id', 'status', 'service_code', 'requested_datetime', 'updated_datetime'],
};

// GET request_id from a token: <service_requests><request>{service_request_id, token}.
const TOKEN: Shape = { fields: { service_request_id: 'id', token: 'string' }, required: ['service_request_id', 'token'] };

// Errors: <errors><error>{code, description}, code a number in JSON.
const ERROR: Shape = { fields: { code: 'number', description: 'string' }, required: ['code', 'description'] };

function isShape(type: Leaf | ListOf | Shape): type is Shape {
  return typeof type === 'object' && 'fields' in type;
}

/** Every member of `value` is one of the shape's fields, in the spec's order, of the spec's type. */
function expectJson(value: unknown, shape: Shape, path: string): void {
  expect(value, path).toBeTypeOf('object');
  expect(Array.isArray(value), `${path} is an object`).toBe(false);
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  const specOrder = Object.keys(shape.fields);
  expect(names.filter((name) => !specOrder.includes(name)), `${path}: members the spec's example does not have`).toEqual([]);
  expect(names, `${path}: in the spec's order`).toEqual(specOrder.filter((name) => names.includes(name)));
  for (const name of shape.required) expect(names, `${path}: has ${name}`).toContain(name);
  for (const name of names) {
    const type = shape.fields[name]!;
    const member = record[name];
    if (isShape(type)) expectJson(member, type, `${path}.${name}`);
    else if (typeof type === 'object') expectJsonList(member, type, `${path}.${name}`);
    else expectJsonLeaf(member, type, `${path}.${name}`);
  }
}

function expectJsonList(value: unknown, list: ListOf, path: string): void {
  expect(Array.isArray(value), `${path} is an array (of ${list.list})`).toBe(true);
  (value as unknown[]).forEach((item, i) => {
    if (isShape(list.of)) expectJson(item, list.of, `${path}[${i}]`);
    else expectJsonLeaf(item, list.of, `${path}[${i}]`);
  });
}

function expectJsonLeaf(value: unknown, type: Leaf, path: string): void {
  switch (type) {
    case 'id':
      expect(typeof value === 'string' || typeof value === 'number', `${path} is a string or number`).toBe(true);
      break;
    case 'datetime':
      expect(value, path).toMatch(W3C_DATETIME);
      break;
    default:
      expect(typeof value, path).toBe(type);
  }
}

/** The same for XML: child elements for fields, one element per list item, text for leaves. */
function expectXml(element: XmlElement, shape: Shape, path: string): void {
  const names = element.children.map((child) => child.name);
  const specOrder = Object.keys(shape.fields);
  expect(names.filter((name) => !specOrder.includes(name)), `${path}: elements the spec's example does not have`).toEqual([]);
  expect(new Set(names).size, `${path}: no element twice`).toBe(names.length);
  expect(names, `${path}: in the spec's order`).toEqual(specOrder.filter((name) => names.includes(name)));
  for (const name of shape.required) expect(names, `${path}: has <${name}>`).toContain(name);
  for (const child of element.children) {
    const type = shape.fields[child.name]!;
    const at = `${path}/${child.name}`;
    if (isShape(type)) expectXml(child, type, at);
    else if (typeof type === 'object') expectXmlList(child, type, at);
    else expectXmlLeaf(child, type, at);
  }
}

function expectXmlList(element: XmlElement, list: ListOf, path: string): void {
  expect(element.children.map((child) => child.name).filter((name) => name !== list.list), `${path} holds only <${list.list}>`).toEqual([]);
  for (const item of element.children) {
    if (isShape(list.of)) expectXml(item, list.of, `${path}/${list.list}`);
    else expectXmlLeaf(item, list.of, `${path}/${list.list}`);
  }
}

function expectXmlLeaf(element: XmlElement, type: Leaf, path: string): void {
  expect(element.children, `${path} is text`).toEqual([]);
  if (type === 'number') expect(Number.isFinite(Number(element.text)), `${path}: ${element.text}`).toBe(true);
  if (type === 'boolean') expect(['true', 'false'], path).toContain(element.text);
  if (type === 'datetime') expect(element.text, path).toMatch(W3C_DATETIME);
}

let gateway: Open311Gateway;
let ticket: string;
let token: string;

beforeAll(async () => {
  gateway = await startOpen311Gateway();
  // Every field a request can carry: a point, an address, a photo, then a department's note on it.
  const response = await fetch(`${gateway.base}/requests.json`, {
    method: 'POST',
    headers: FORM,
    body: formBody([
      ['jurisdiction_id', JURISDICTION],
      ['api_key', gateway.keys.open311],
      ['service_code', 'urban-management'],
      ['lat', '39.916345'],
      ['long', '116.397155'],
      ['address_string', '东城区景山前街4号'],
      ['description', '景山前街路口的井盖不见了。 The manhole cover at the corner is missing.'],
      ['media_url', 'https://fms.example/photo/4711.jpeg'],
      ['account_id', 'acct-4711'],
    ]),
  });
  const [posted] = (await response.json()) as { service_request_id: string }[];
  ticket = posted!.service_request_id;
  const record = await gateway.intake.getByTicket(ticket);
  token = record!.submission.id;
  await gateway.intake.updateStatus(token, { status: 'in_progress', at: new Date().toISOString(), note: '已派单 Sent to the district', agency: '东城区城管委' });
});
afterAll(async () => {
  await gateway.close();
});

async function json(path: string, status = 200): Promise<unknown> {
  const response = await fetch(`${gateway.base}${path}`);
  expect(response.status).toBe(status);
  return response.json();
}

async function xml(path: string, root: string, status = 200): Promise<XmlElement> {
  const response = await fetch(`${gateway.base}${path}`);
  expect(response.status).toBe(status);
  const parsed = parseXml(await response.text()).root;
  expect(parsed.name).toBe(root);
  return parsed;
}

/** `<root><item>…</item>…</root>` in XML, an array in JSON. */
async function expectListResource(path: string, root: string, item: string, shape: Shape, minimum = 1): Promise<void> {
  const list = await xml(`${path.replace('{format}', 'xml')}`, root);
  expect(list.children.length).toBeGreaterThanOrEqual(minimum);
  expectXmlList(list, { list: item, of: shape }, root);
  const array = await json(path.replace('{format}', 'json'));
  expect(Array.isArray(array)).toBe(true);
  expect((array as unknown[]).length).toBeGreaterThanOrEqual(minimum);
  expectJsonList(array, { list: item, of: shape }, root);
}

describe('GeoReport v2 examples, field by field', () => {
  it('discovery', async () => {
    expectXml(await xml('/discovery.xml', 'discovery'), DISCOVERY, 'discovery');
    expectJson(await json('/discovery.json'), DISCOVERY, 'discovery');
  });

  it('GET services', async () => {
    await expectListResource('/services.{format}', 'services', 'service', SERVICE);
  });

  it('GET service definition', async () => {
    expectXml(await xml('/services/urban-management.xml', 'service_definition'), SERVICE_DEFINITION, 'service_definition');
    expectJson(await json('/services/urban-management.json'), SERVICE_DEFINITION, 'service_definition');
  });

  it('POST service request, with and without account_id', async () => {
    for (const [format, accountId] of [['xml', 'acct-1'], ['json', undefined]] as const) {
      const response = await fetch(`${gateway.base}/requests.${format}?api_key=${encodeURIComponent(gateway.keys.open311)}`, {
        method: 'POST',
        headers: FORM,
        body: formBody([
          ['service_code', 'environment'],
          ['address_string', '朝阳区建国路88号'],
          ['description', `夜间施工噪音 ${format}`],
          ...(accountId === undefined ? [] : [['account_id', accountId] as const]),
        ]),
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      if (format === 'xml') {
        const root = parseXml(text).root;
        expect(root.name).toBe('service_requests');
        expect(all(root, 'request')).toHaveLength(1);
        expectXmlList(root, { list: 'request', of: POSTED }, 'service_requests');
      } else {
        const array = JSON.parse(text) as unknown[];
        expect(array).toHaveLength(1);
        expectJsonList(array, { list: 'request', of: POSTED }, 'service_requests');
      }
    }
  });

  it('GET service requests and GET service request', async () => {
    await expectListResource(`/requests.{format}?service_request_id=${ticket}`, 'service_requests', 'request', REQUEST);
    await expectListResource(`/requests/${ticket}.{format}`, 'service_requests', 'request', REQUEST);
    await expectListResource('/requests.{format}', 'service_requests', 'request', REQUEST);
    // The example's lat and long are numbers, not strings.
    const [request] = (await json(`/requests/${ticket}.json`)) as Record<string, unknown>[];
    expect(request).toMatchObject({ service_request_id: ticket, status: 'open', lat: 39.916345, long: 116.397155 });
  });

  it('GET request id from a token', async () => {
    await expectListResource(`/tokens/${token}.{format}`, 'service_requests', 'request', TOKEN);
  });

  it('errors, for a bad parameter, a missing key and an unknown resource', async () => {
    for (const format of ['xml', 'json'] as const) {
      const missingKey = await fetch(`${gateway.base}/requests.${format}`, { method: 'POST', headers: FORM, body: formBody([['service_code', 'other']]) });
      expect(missingKey.status).toBe(403);
      const badParams = await fetch(`${gateway.base}/requests.${format}?api_key=${encodeURIComponent(gateway.keys.open311)}`, {
        method: 'POST',
        headers: FORM,
        body: formBody([['service_code', 'other'], ['lat', 'north']]),
      });
      expect(badParams.status).toBe(400);
      const unknown = await fetch(`${gateway.base}/services/no-such-service.${format}`);
      expect(unknown.status).toBe(404);
      for (const response of [missingKey, badParams, unknown]) {
        const text = await response.text();
        if (format === 'xml') {
          const root = parseXml(text).root;
          expect(root.name).toBe('errors');
          expect(root.children.length).toBeGreaterThanOrEqual(1);
          expectXmlList(root, { list: 'error', of: ERROR }, 'errors');
          expect(all(root, 'error').map((error) => error.children.find((c) => c.name === 'code')?.text)).toContain(String(response.status));
        } else {
          const array = JSON.parse(text) as { code: number }[];
          expect(array.length).toBeGreaterThanOrEqual(1);
          expectJsonList(array, { list: 'error', of: ERROR }, 'errors');
          expect(array.map((error) => error.code)).toContain(response.status);
        }
      }
    }
  });
});
