// Discovery, the service list, service definitions, and the error format for what does not exist, in XML and JSON.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../src/domain/intake/submission.js';
import { all, fields, one, parseXml } from './minimal-xml.js';
import { JURISDICTION, startOpen311Gateway } from './open311-harness.js';
import type { Open311Gateway } from './open311-harness.js';

const XML = 'text/xml; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

let gateway: Open311Gateway;
beforeAll(async () => {
  gateway = await startOpen311Gateway();
});
afterAll(async () => {
  await gateway.close();
});

async function getXml(path: string, status = 200) {
  const response = await fetch(`${gateway.base}${path}`);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe(XML);
  const { declaration, root } = parseXml(text);
  expect(declaration).toBe('<?xml version="1.0" encoding="utf-8"?>');
  return root;
}

async function getJson(path: string, status = 200): Promise<unknown> {
  const response = await fetch(`${gateway.base}${path}`);
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toBe(JSON_TYPE);
  return JSON.parse(text) as unknown;
}

describe('GET discovery', () => {
  it('points at this endpoint as GeoReport v2, with both formats (JSON)', async () => {
    expect(await getJson('/discovery.json')).toEqual({
      changeset: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      contact: expect.any(String),
      key_service: expect.any(String),
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${gateway.base}/`,
          changeset: expect.any(String),
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    });
  });

  it('has the same content in XML', async () => {
    const root = await getXml('/discovery.xml');
    expect(root.name).toBe('discovery');
    const endpoint = one(one(root, 'endpoints'), 'endpoint');
    expect(one(endpoint, 'url').text).toBe(`${gateway.base}/`);
    expect(one(endpoint, 'specification').text).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(all(one(endpoint, 'formats'), 'format').map((f) => f.text)).toEqual(['text/xml', 'application/json']);
  });
});

describe('GET services', () => {
  it('lists one realtime service per hotline category, without metadata (XML)', async () => {
    const root = await getXml('/services.xml');
    expect(root.name).toBe('services');
    const services = all(root, 'service').map(fields);
    expect(services.map((s) => s.service_code)).toEqual([...CATEGORIES]);
    for (const service of services) {
      expect(Object.keys(service)).toEqual(['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
      expect(service.metadata).toBe('false');
      expect(service.type).toBe('realtime');
    }
    expect(services.find((s) => s.service_code === 'environment')?.service_name).toBe('环境保护 Environment');
  });

  it('lists the same services as a JSON array', async () => {
    const services = (await getJson('/services.json')) as Record<string, unknown>[];
    expect(services.map((s) => s.service_code)).toEqual([...CATEGORIES]);
    expect(services[0]).toEqual({
      service_code: 'urban-management',
      service_name: '城市管理 Urban management',
      description: expect.stringContaining('Street cleanliness'),
      metadata: false,
      type: 'realtime',
      keywords: expect.stringContaining('路灯'),
      group: expect.any(String),
    });
  });

  it('accepts our own jurisdiction_id, in any case', async () => {
    expect(await getJson(`/services.json?jurisdiction_id=${JURISDICTION.toUpperCase()}`)).toHaveLength(CATEGORIES.length);
    expect(await getJson('/services.json?jurisdiction_id=')).toHaveLength(CATEGORIES.length);
  });

  it('answers 404 in the spec format for another jurisdiction', async () => {
    expect(await getJson('/services.json?jurisdiction_id=sfgov.org', 404)).toEqual([
      { code: 404, description: `jurisdiction_id: sfgov.org is not served here (this endpoint serves ${JURISDICTION})` },
    ]);
    const root = await getXml('/services.xml?jurisdiction_id=sfgov.org', 404);
    expect(fields(one(root, 'error'))).toEqual({ code: '404', description: expect.stringContaining('jurisdiction_id') });
  });
});

describe('GET service definition', () => {
  it('has no attributes (JSON)', async () => {
    expect(await getJson('/services/medical.json')).toEqual({ service_code: 'medical', attributes: [] });
  });

  it('has no attributes (XML)', async () => {
    const root = await getXml('/services/urban-management.xml');
    expect(root.name).toBe('service_definition');
    expect(one(root, 'service_code').text).toBe('urban-management');
    expect(one(root, 'attributes').children).toEqual([]);
  });

  it('answers 404 for an unknown service code, in the format asked for', async () => {
    expect(await getJson('/services/potholes.json', 404)).toEqual([{ code: 404, description: 'service_code: there is no service "potholes"' }]);
    const root = await getXml('/services/potholes.xml', 404);
    expect(root.name).toBe('errors');
    expect(all(root, 'error').map(fields)).toEqual([{ code: '404', description: 'service_code: there is no service "potholes"' }]);
  });
});

describe('formats and unknown resources', () => {
  it('answers 404 in XML for an unsupported format extension', async () => {
    for (const path of ['/services.csv', '/services/medical.html', '/requests/000000018.yaml']) {
      const root = await getXml(path, 404);
      expect(fields(one(root, 'error')).description, path).toMatch(/^format \.\w+ is not supported: use \.xml or \.json$/);
    }
  });

  it('answers 404 for a resource without the format extension the spec requires', async () => {
    const root = await getXml('/services', 404);
    expect(fields(one(root, 'error')).description).toBe('no such resource: GET /open311/v2/services (GeoReport resources end in .xml or .json)');
    expect(fields(one(await getXml('/services/medical', 404), 'error')).description).toMatch(/end in \.xml or \.json/);
  });

  it('answers 404 in JSON for an unknown .json resource', async () => {
    expect(await getJson('/nothing-here.json', 404)).toEqual([{ code: 404, description: 'no such resource: GET /open311/v2/nothing-here.json' }]);
  });

  it('escapes what the client sent when echoing it in an error', async () => {
    const root = await getXml(`/services/${encodeURIComponent('<b>&"x"')}.xml`, 404);
    expect(fields(one(root, 'error')).description).toBe('service_code: there is no service "<b>&\\"x\\""');
  });
});
