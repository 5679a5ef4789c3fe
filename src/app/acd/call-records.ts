// What the queue remembers of each call until its work order is filed: the facts the regulations want on the
// order (time, matter, contact) that only the gateway holding the call knows, kept where any gateway can read them,
// because the agent may wrap up through another gateway than the one that held the caller.

export interface CallRecord {
  readonly callId: string;
  /** The gateway holding the caller's channel: an agent's hang-up or transfer is sent there. */
  readonly gateway: string;
  /** The caller's number as the network gave it ('' when withheld). */
  readonly caller: string;
  readonly lang: string;
  /** The queue skill the IVR chose (`complaint`, `consultation`, ...). */
  readonly queueSkill: string;
  /** The IVR's category when the caller chose one. */
  readonly category: string | null;
  /** Nodes the caller went through in the IVR, in order. */
  readonly ivrPath: readonly string[];
  readonly enqueuedAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
  readonly agentId?: string;
  /** The agent leg's channel id while ringing or connected, so a restarted gateway can find it again. */
  readonly agentLeg?: string;
  /** Name of the stored recording of the agent call, when calls are recorded. */
  readonly recording?: string;
  /** The caller's open case when they called (a repeat caller). */
  readonly earlierTicket?: string;
  /** The caller's rating from the survey (1-5). */
  readonly rating?: number;
  /** The order was filed by the gateway when the wrap-up ran out (disposition `unrecorded`). */
  readonly unrecorded?: boolean;
  /** The agent's late form for an unrecorded order, filed as its follow-up. */
  readonly followUpTicket?: string;
  /** Set once the work order is in intake. */
  readonly submissionId?: string;
  readonly ticket?: string;
}

export type CallRecordUpdate = Partial<Omit<CallRecord, 'callId'>>;

export interface CallRecords {
  /** Starts the record of a queued call (again after a restart: existing fields are kept). */
  open(record: CallRecord): Promise<void>;
  update(callId: string, fields: CallRecordUpdate): Promise<void>;
  get(callId: string): Promise<CallRecord | null>;
}
