// Types of desk-format.js, the desk pages' pure helpers, for the unit tests that import it (the pages themselves
// load the .js as it is; nothing is built).

export interface WorkOrderValues {
  readonly kind: string;
  readonly category: string;
  readonly matter: string;
  readonly disposition: string;
  readonly department: string;
  readonly repeatOf: string;
  readonly note: string;
}

export function fillText(text: string, values?: Readonly<Record<string, string | number>>): string;
export function labelOf(table: Readonly<Record<string, string>>, prefix: string, value: string): string;
export function formatDuration(totalSeconds: number): string;
export function secondsSince(iso: string, nowMs: number): number;
export function clockOffset(serverTimeIso: string, localNowMs: number): number;
export function formatClock(iso: string, lang: string): string;
export function formatDateTime(iso: string, lang: string): string;
export function formatPercent(share: number): string;
export function reconnectDelayMs(attempt: number, random: number): number;
export function retryAfterSeconds(header: string | null | undefined, nowMs: number): number | null;
export function allows(transitions: Readonly<Record<string, Readonly<Record<string, string>>>>, event: string, state: string): boolean;
export function workOrderPayload(values: WorkOrderValues): Record<string, string>;
export function problemsByField(problems: ReadonlyArray<{ readonly field: string; readonly message: string }> | undefined): Record<string, string[]>;
export function longestWaitSeconds(waitingCalls: ReadonlyArray<{ readonly enqueuedAt: string }>, nowMs: number): number;
