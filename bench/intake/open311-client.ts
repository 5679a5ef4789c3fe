// The load generator's side of Open311 GeoReport v2 `POST requests.json`: what a FixMyStreet-like client sends,
// form-urlencoded parameters (service_code, description, lat/long or address_string, contact, device_id) with the
// integrator's api_key in the query string, over a keep-alive pool with one connection per client. Each request has
// its own device_id, so no two are the same request (an identical POST is a retry and gets the earlier ticket). Done
// only with 200 and a service_request_id.

import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { CATEGORIES } from '../../src/domain/intake/submission.js';
import { citizenRequest } from '../shared/citizen-requests.js';
import type { IntakeClient } from './intake-client.js';

const SERVICE_REQUEST_ID = /"service_request_id":"[0-9]{6,}"/;

export class Open311Client implements IntakeClient {
  sent = 0;
  /** GeoReport's answer has no field saying whether the submission was queued or spooled. */
  readonly spooled = null;
  private readonly pool: Pool;
  private readonly run = randomUUID().slice(0, 8);
  private readonly path: string;

  constructor(
    url: string,
    apiKey: string,
    connections: number,
    private readonly firstSeq = 0,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1 });
    this.path = `/open311/v2/requests.json?api_key=${encodeURIComponent(apiKey)}`;
  }

  async submit(): Promise<void> {
    const seq = this.firstSeq + this.sent;
    this.sent += 1;
    const request = citizenRequest(seq);
    const { contact } = request;
    const params = new URLSearchParams({ service_code: CATEGORIES[seq % CATEGORIES.length] as string, description: request.text, device_id: `bench-${this.run}-${seq}` });
    if (request.location === undefined) params.set('address_string', request.place);
    else {
      params.set('lat', String(request.location.lat));
      params.set('long', String(request.location.lon));
    }
    if (contact.name !== undefined) params.set('first_name', contact.name);
    if (contact.phone !== undefined) params.set('phone', contact.phone);
    if (contact.email !== undefined) params.set('email', contact.email);
    const response = await this.pool.request({
      path: this.path,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200 && response.statusCode !== 201) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
    if (!SERVICE_REQUEST_ID.test(text)) throw new Error(`no service_request_id in the answer: ${text.slice(0, 200)}`);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
