import { describe, expect, it } from 'vitest';
import { Open311Error } from '../../../src/adapters/http/open311/open311-errors.js';
import { paramOfDraftField, parseServiceRequest } from '../../../src/adapters/http/open311/open311-post-request.js';

/** What FixMyStreet's form body decodes to. */
const FMS = {
  api_key: 'hk_x',
  jurisdiction_id: 'beijing.gov.cn',
  service_code: 'urban-management',
  lat: '39.90469',
  long: '116.40717',
  email: 'Wang.Fang@example.cn',
  first_name: 'Fang',
  last_name: 'Wang',
  phone: '+86 138-0013 8000',
  description: 'title:  Broken street light\r\n\r\ndetail: Out for a week\r\n\r\nurl: https://fms.example/report/42\r\n\r\nSubmitted via FixMyStreet\r\n',
  media_url: 'https://fms.example/photo/42.0.full.jpeg',
  'attribute[fixmystreet_id]': '42',
  'attribute[title]': 'Broken street light',
};

function problemsOf(params: Record<string, unknown>): string[] {
  try {
    parseServiceRequest(params, 'key1');
  } catch (error) {
    if (error instanceof Open311Error) return [`${error.status}`, ...error.descriptions];
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('parseServiceRequest', () => {
  it('turns a FixMyStreet request into an open311 draft', () => {
    const { draft, service } = parseServiceRequest(FMS, 'key1');
    expect(service.code).toBe('urban-management');
    expect(draft).toEqual({
      channel: 'open311',
      text: FMS.description.trim(),
      category: 'urban-management',
      contact: { name: 'Fang Wang', phone: '+8613800138000', email: 'Wang.Fang@example.cn', anonymous: false },
      location: { lat: 39.90469, lon: 116.40717 },
      refs: { open311ServiceCode: 'urban-management', mediaUrls: ['https://fms.example/photo/42.0.full.jpeg'], apiKeyId: 'key1' },
    });
  });

  it('writes Chinese names family name first, without a space', () => {
    expect(parseServiceRequest({ ...FMS, first_name: '小明', last_name: '王' }, 'k').draft.contact.name).toBe('王小明');
  });

  it('is anonymous without name, phone and e-mail, and keeps an address-only location', () => {
    const { draft } = parseServiceRequest({ service_code: 'other', address_string: '东城区东华门大街1号', description: '路灯不亮' }, 'k');
    expect(draft.contact).toEqual({ anonymous: true });
    expect(draft.location).toEqual({ address: '东城区东华门大街1号' });
  });

  it('keeps an address_id in the address text, since submissions have no field of their own for it', () => {
    expect(parseServiceRequest({ service_code: 'other', address_id: 'A-1', description: 'x' }, 'k').draft.location).toEqual({ address: 'address_id A-1' });
  });

  it('gives the same digest for the same request however it is encoded', () => {
    const { digest } = parseServiceRequest(FMS, 'key1');
    const json = {
      ...FMS,
      lat: 39.90469,
      long: 116.407170,
      email: 'wang.fang@EXAMPLE.cn',
      phone: '+8613800138000',
      description: `  ${FMS.description.replace(/\r\n/g, '\n')}  `,
      'attribute[fixmystreet_id]': undefined,
      'attribute[title]': undefined,
      attribute: { title: 'Broken street light', fixmystreet_id: 42 },
      api_key: 'another presentation of the key',
      jurisdiction_id: '',
    };
    expect(parseServiceRequest(json, 'key1').digest).toBe(digest);
  });

  it('gives a different digest when anything describing the request differs', () => {
    const { digest } = parseServiceRequest(FMS, 'key1');
    for (const change of [{ description: 'other text' }, { lat: '39.9047' }, { 'attribute[fixmystreet_id]': '43' }, { device_id: 'd1' }, { service_code: 'environment' }]) {
      expect(parseServiceRequest({ ...FMS, ...change }, 'key1').digest, JSON.stringify(change)).not.toBe(digest);
    }
  });

  it('answers 404 for a service code that is not ours', () => {
    expect(problemsOf({ ...FMS, service_code: 'potholes' })).toEqual(['404', expect.stringMatching(/^service_code: there is no service "potholes"/)]);
  });

  it('lists every problem at once, each naming its parameter', () => {
    expect(problemsOf({ lat: '91', long: 'east', email: 'nobody', phone: 'call me', media_url: 'ftp://x/y' })).toEqual([
      '400',
      'service_code: is required',
      'lat: must be a WGS84 latitude in decimal degrees (-90 to 90)',
      'long: must be a WGS84 longitude in decimal degrees (-180 to 180)',
      'email: is not an e-mail address',
      'phone: must be a phone number: digits, optionally a leading +',
      'media_url: must be an http or https URL of at most 2048 characters',
    ]);
  });

  it('requires a location, and lat with long', () => {
    expect(problemsOf({ service_code: 'other', description: 'x' })).toEqual(['400', 'location: is required: give lat and long, address_string or address_id']);
    expect(problemsOf({ service_code: 'other', description: 'x', lat: '39.9' })).toEqual(['400', 'long: lat and long must be given together']);
  });

  it('requires a description unless a media_url carries the request', () => {
    expect(problemsOf({ service_code: 'other', address_string: 'x' })).toEqual(['400', 'description: is required (unless a media_url carries the request)']);
    expect(parseServiceRequest({ service_code: 'other', address_string: 'x', media_url: 'https://x.cn/a.jpg' }, 'k').draft.text).toBe('');
  });

  it('refuses a single-valued parameter given twice, and objects where text belongs', () => {
    expect(problemsOf({ ...FMS, description: ['a', 'b'], email: { x: 1 } })).toEqual(['400', 'email: must be text or a number', 'description: was given more than once']);
  });
});

describe('paramOfDraftField', () => {
  it('names the Open311 parameter behind a draft field', () => {
    expect(paramOfDraftField('text')).toBe('description');
    expect(paramOfDraftField('contact.phone')).toBe('phone');
    expect(paramOfDraftField('location.lon')).toBe('long');
    expect(paramOfDraftField('refs.mediaUrls[2]')).toBe('media_url');
    expect(paramOfDraftField('kind')).toBe('kind');
  });
});
