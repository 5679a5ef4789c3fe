// The load generator's side of the citizen web form: what the page's script sends when a citizen presses "submit"
// without files, a JSON body to `POST /form/submissions` (idempotency key made by the page, language, text, contact,
// a location when the citizen shared one), over a keep-alive pool with one connection per client. Citizens come
// from many addresses through the operator's load balancer: each request names one of `CITIZEN_ADDRESSES` in
// X-Forwarded-For (the subject trusts its proxy), so the per-address limits count per citizen as in production.
// Done only with 201 and a ticket and PIN.

import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { citizenRequest } from '../shared/citizen-requests.js';
import type { IntakeClient } from './intake-client.js';

/** Distinct client addresses the requests come from (10.x.y.1), in turn. */
export const CITIZEN_ADDRESSES = 4096;

interface FormAnswer {
  readonly ticket?: unknown;
  readonly pin?: unknown;
}

export class FormClient implements IntakeClient {
  sent = 0;
  /** The form's answer does not say whether the submission was queued or spooled. */
  readonly spooled = null;
  private readonly pool: Pool;
  private readonly run = randomUUID().replaceAll('-', '').slice(0, 12);

  constructor(
    url: string,
    connections: number,
    private readonly firstSeq = 0,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1 });
  }

  async submit(): Promise<void> {
    const seq = this.firstSeq + this.sent;
    this.sent += 1;
    const request = citizenRequest(seq);
    const { contact } = request;
    const payload = {
      idempotencyKey: `bench_${this.run}_${seq}`,
      language: request.language,
      text: request.text,
      ...(contact.name === undefined ? {} : { name: contact.name }),
      ...(contact.phone === undefined ? {} : { phone: contact.phone }),
      ...(contact.email === undefined ? {} : { email: contact.email }),
      ...(request.location === undefined ? {} : { location: { lat: request.location.lat, lon: request.location.lon }, address: request.location.address }),
    };
    const address = seq % CITIZEN_ADDRESSES;
    const response = await this.pool.request({
      path: '/form/submissions',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${address >> 8}.${address & 255}.1` },
      body: JSON.stringify(payload),
    });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
    const answer = JSON.parse(text) as FormAnswer;
    if (typeof answer.ticket !== 'string' || typeof answer.pin !== 'string') throw new Error(`201 without a ticket and PIN: ${text.slice(0, 200)}`);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
