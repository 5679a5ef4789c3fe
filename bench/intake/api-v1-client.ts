// The load generator's side of `POST /v1/submissions`: JSON bodies from the citizen-request mix, each with its
// own Idempotency-Key, over a keep-alive pool with one connection per concurrent client. A submission counts as
// done only with 201 and a receipt saying it is in the queue.

import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { citizenRequest } from '../shared/citizen-requests.js';
import type { IntakeClient } from './intake-client.js';

interface Receipt {
  readonly ticket?: unknown;
  readonly durability?: unknown;
}

export class ApiV1Client implements IntakeClient {
  /** Requests started (each with a new sequence number). */
  sent = 0;
  /** 201 answers whose receipt said `spooled`: intake could not reach Redis in time. */
  spooled = 0;
  private readonly pool: Pool;
  private readonly run = randomUUID().slice(0, 8);
  private readonly authorization: string;

  /** `firstSeq`: where this client's request sequence starts, so that several clients send different requests. */
  constructor(
    url: string,
    apiKey: string,
    connections: number,
    private readonly firstSeq = 0,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1 });
    this.authorization = `Bearer ${apiKey}`;
  }

  async submit(): Promise<void> {
    const seq = this.firstSeq + this.sent;
    this.sent += 1;
    const request = citizenRequest(seq);
    const body = JSON.stringify({ text: request.text, contact: request.contact, ...(request.location === undefined ? {} : { location: request.location }) });
    const response = await this.pool.request({
      path: '/v1/submissions',
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/json', 'idempotency-key': `bench-${this.run}-${seq}` },
      body,
    });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
    const receipt = JSON.parse(text) as Receipt;
    if (typeof receipt.ticket !== 'string') throw new Error(`201 without a ticket: ${text.slice(0, 200)}`);
    if (receipt.durability !== 'queued') this.spooled += 1;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
