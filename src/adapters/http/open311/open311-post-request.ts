// POST /requests: from GeoReport's flat parameters (form fields as FixMyStreet sends them, or the same names in
// JSON) to a submission draft, plus the digest that recognises a client's retry of the same request.

import { hash as sha256hash } from 'node:crypto';
import type { Location, SubmissionDraft } from '../../../domain/intake/submission.js';
import { findService } from './open311-services.js';
import type { Open311Service } from './open311-services.js';
import { Open311Error } from './open311-errors.js';
import { ParamReader } from './param-reader.js';
import type { Params } from './param-reader.js';

export interface ParsedServiceRequest {
  readonly service: Open311Service;
  readonly draft: SubmissionDraft;
  /**
   * sha256 (hex) of the normalised request: every parameter that describes the request (service, location,
   * contact, device and account ids, description, media URLs, attributes), values trimmed, NFC, line ends as
   * `\n`, numbers and e-mail case canonical, lists sorted. `api_key` and `jurisdiction_id` are not part of it.
   */
  readonly digest: string;
  /** Echoed in the response, as the spec allows; never stored. */
  readonly accountId?: string;
}

const MAX_MEDIA_URLS = 10;
const MAX_URL_LENGTH = 2048;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const PHONE_SEPARATORS = /[\s\-().]/g;
const PHONE = /^\+?\d{3,20}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HTTP_URL = /^https?:\/\/\S+$/;
const ATTRIBUTE_FIELD = /^attribute\[([^\]]+)\](?:\[\])?$/;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Validates and converts the parameters. Throws `Open311Error`: 404 for a service code that is not ours (as the
 * spec lists it for POST), otherwise 400 listing every problem, each naming its parameter.
 */
export function parseServiceRequest(params: Params, apiKeyId: string): ParsedServiceRequest {
  const read = new ParamReader(params);
  const serviceCode = read.one('service_code');
  const service = serviceCode === undefined ? undefined : findService(serviceCode);
  if (serviceCode !== undefined && service === undefined) {
    throw Open311Error.notFound(`service_code: there is no service ${JSON.stringify(serviceCode)}; GET services.xml lists them`);
  }
  if (serviceCode === undefined) read.problem('service_code', 'is required');

  const where = readLocation(read);
  const who = readContact(read);
  const description = read.one('description');
  // `media_url[]` is how PHP-style clients repeat a field.
  const mediaUrls = [...read.many('media_url'), ...read.many('media_url[]')];
  checkMediaUrls(read, mediaUrls);
  if (description === undefined && mediaUrls.length === 0) read.problem('description', 'is required (unless a media_url carries the request)');
  const attributes = readAttributes(read, params);

  if (read.problems.length > 0 || service === undefined) throw Open311Error.badParams(read.problems);

  const draft: SubmissionDraft = {
    channel: 'open311',
    text: description ?? '',
    category: service.code,
    contact: who.contact,
    location: where.location,
    refs: {
      open311ServiceCode: service.code,
      ...(mediaUrls.length === 0 ? {} : { mediaUrls }),
      apiKeyId,
    },
  };
  const canonical = JSON.stringify([
    ['service_code', service.code],
    ['lat', where.lat === undefined ? null : String(where.lat)],
    ['long', where.lon === undefined ? null : String(where.lon)],
    ['address_string', normalise(where.addressString)],
    ['address_id', normalise(where.addressId)],
    ['email', normalise(who.email)?.toLowerCase() ?? null],
    ['phone', who.phone ?? null],
    ['first_name', normalise(who.firstName)],
    ['last_name', normalise(who.lastName)],
    ['device_id', normalise(who.deviceId)],
    ['account_id', normalise(who.accountId)],
    ['description', normalise(description)],
    ['media_url', [...mediaUrls].sort()],
    ['attribute', attributes],
  ]);
  const digest = sha256hash('sha256', canonical, 'hex');
  return { service, draft, digest, ...(who.accountId === undefined ? {} : { accountId: who.accountId }) };
}

/** One of lat+long, address_string or address_id (several are fine). */
function readLocation(read: ParamReader) {
  const lat = coordinate(read, 'lat', 90);
  const lon = coordinate(read, 'long', 180);
  const halfPoint = (lat === undefined) !== (lon === undefined);
  if (halfPoint && !read.hasProblem('lat') && !read.hasProblem('long')) read.problem(lat === undefined ? 'lat' : 'long', 'lat and long must be given together');
  // One complaint about the point is enough: "location is required" would only repeat it.
  const badPoint = halfPoint || read.hasProblem('lat') || read.hasProblem('long');
  const addressString = read.one('address_string');
  const addressId = read.one('address_id');
  const point = lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
  if (point === undefined && addressString === undefined && addressId === undefined && !badPoint) {
    read.problem('location', 'is required: give lat and long, address_string or address_id');
  }
  // Submissions have no field for a jurisdiction's address id: it travels in the address text.
  const address = [addressString, addressId === undefined ? undefined : `address_id ${addressId}`].filter((p) => p !== undefined).join(' ');
  const location: Location = { ...point, ...(address === '' ? {} : { address }) };
  return { lat, lon, addressString, addressId, location };
}

/** The person, who may stay anonymous; device_id and account_id identify the client's user, not a way to reach them. */
function readContact(read: ParamReader) {
  const email = lowerCaseDomain(read.one('email'));
  if (email !== undefined && (email.length > 254 || !EMAIL.test(email))) read.problem('email', 'is not an e-mail address');
  const phone = read.one('phone')?.replace(PHONE_SEPARATORS, '');
  if (phone !== undefined && !PHONE.test(phone)) read.problem('phone', 'must be a phone number: digits, optionally a leading +');
  const firstName = read.one('first_name');
  const lastName = read.one('last_name');
  const deviceId = read.one('device_id');
  const accountId = read.one('account_id');
  const name = fullName(firstName, lastName);
  const contact: SubmissionDraft['contact'] = {
    ...(name === undefined ? {} : { name }),
    ...(phone === undefined ? {} : { phone }),
    ...(email === undefined ? {} : { email }),
    anonymous: name === undefined && phone === undefined && email === undefined,
  };
  return { email, phone, firstName, lastName, deviceId, accountId, contact };
}

function coordinate(read: ParamReader, param: 'lat' | 'long', limit: number): number | undefined {
  const text = read.one(param);
  if (text === undefined) return undefined;
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || Math.abs(value) > limit) {
    read.problem(param, `must be a WGS84 ${param === 'lat' ? 'latitude' : 'longitude'} in decimal degrees (-${limit} to ${limit})`);
    return undefined;
  }
  return value;
}

function checkMediaUrls(read: ParamReader, urls: readonly string[]): void {
  if (urls.length > MAX_MEDIA_URLS) read.problem('media_url', `at most ${MAX_MEDIA_URLS} are accepted`);
  for (const url of urls) {
    if (url.length > MAX_URL_LENGTH || !isHttpUrl(url)) {
      read.problem('media_url', `must be an http or https URL of at most ${MAX_URL_LENGTH} characters`);
      return;
    }
  }
}

function isHttpUrl(text: string): boolean {
  if (!HTTP_URL.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * `attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` (form), or `"attribute": {"code": v}`
 * (JSON). None of our services defines attributes, so they are not part of the submission; they still tell
 * requests apart (FixMyStreet sends its report id as one), so the digest includes them.
 */
function readAttributes(read: ParamReader, params: Params): [string, string[]][] {
  const values = new Map<string, string[]>();
  const add = (code: string, list: readonly string[]) => values.set(code, [...(values.get(code) ?? []), ...list]);
  for (const field of Object.keys(params)) {
    const code = ATTRIBUTE_FIELD.exec(field)?.[1];
    if (code !== undefined) add(code, read.many(field));
  }
  const nested = params['attribute'];
  if (nested !== undefined && nested !== null) {
    if (typeof nested !== 'object' || Array.isArray(nested)) read.problem('attribute', 'must be an object of attribute codes and values');
    else for (const [code, value] of Object.entries(nested)) add(code, read.values(value, `attribute[${code}]`));
  }
  return [...values.entries()].map(([code, list]): [string, string[]] => [code, list.map((v) => normalise(v) ?? '').sort()]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Domains are case-insensitive and the submission keeps them in lower case; the local part is the mailbox's own. */
function lowerCaseDomain(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf('@') ?? -1;
  return email === undefined || at < 0 ? email : `${email.slice(0, at)}${email.slice(at).toLowerCase()}`;
}

/** Family name first without a space for Chinese names (王 + 小明 = 王小明), given name first otherwise. */
function fullName(first: string | undefined, last: string | undefined): string | undefined {
  if (first === undefined || last === undefined) return first ?? last;
  return CJK.test(first) && CJK.test(last) ? `${last}${first}` : `${first} ${last}`;
}

function normalise(text: string | undefined): string | null {
  return text === undefined ? null : text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

const DRAFT_FIELD_PARAMS: readonly (readonly [string, string])[] = [
  ['text', 'description'],
  ['category', 'service_code'],
  ['contact.email', 'email'],
  ['contact.phone', 'phone'],
  ['contact.name', 'first_name'],
  ['location.lat', 'lat'],
  ['location.lon', 'long'],
  ['location.address', 'address_string'],
  ['location', 'location'],
  ['refs.mediaUrls', 'media_url'],
];

/** The Open311 parameter behind a draft field that intake rejected (`SubmissionInvalidError` names draft fields). */
export function paramOfDraftField(field: string): string {
  const match = DRAFT_FIELD_PARAMS.find(([prefix]) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`));
  return match?.[1] ?? field;
}
