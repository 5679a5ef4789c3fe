// The call-backs waiting to be dialed, as durable jobs any gateway may run: the gateway owning a booked call-back
// adds one when an agent is reserved for it; a worker (every gateway runs one) dials the caller through
// `CallQueue.serveCallback`. The store decides everything else (the reservation, retries, giving up), so a job is
// one attempt, added once per offer.

export interface CallbackJob {
  readonly callId: string;
  /** The number the caller booked the call-back on. */
  readonly number: string;
  /** The agent reserved for the call, and their phone. */
  readonly agentId: string;
  readonly endpoint: string;
  readonly lang: string;
  /** Names the offer: a job for an offer no longer standing dials nobody. */
  readonly offeredAt: number;
  readonly enqueuedAt: number;
}

export interface CallbackJobs {
  /** Adds the job once per offer (the same offer added again is the same job). */
  add(job: CallbackJob): Promise<void>;
}
