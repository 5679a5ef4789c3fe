// Q.850 cause codes as Asterisk names them, and the `reason` words ARI's DELETE /channels accepts.

const CAUSE_TEXT: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  28: 'Invalid number format (addr incomplete)',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  58: 'Bearer capability not available',
  127: 'Interworking, unspecified',
};

export const HANGUP_REASON_CAUSES: Readonly<Record<string, number>> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

export const CAUSE = { normal: 16, busy: 17, noAnswer: 19, congestion: 34, noRoute: 3 } as const;

/** `ast_softhangup(chan, AST_SOFTHANGUP_EXPLICIT)` reports the flag value 0x20 as the "cause" of the request. */
export const SOFTHANGUP_EXPLICIT = 32;

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}
