// What the desk pages compute without touching the page: durations, times, texts, the work order as sent, the
// server's field problems by field, reconnection delays. Pure, so vitest runs it as it is (see desk-format.d.ts).

/** Fills `{name}` markers; an unknown marker stays visible rather than vanishing. */
export function fillText(text, values = {}) {
  return text.replace(/\{([a-zA-Z]+)\}/g, (marker, name) => (Object.hasOwn(values, name) ? String(values[name]) : marker));
}

/** The text of a value the queue sends (`state.onCall`, `reason.lunch`), or the value itself when it has none. */
export function labelOf(table, prefix, value) {
  const key = `${prefix}.${value}`;
  return Object.hasOwn(table, key) ? table[key] : String(value);
}

/** `0:07`, `12:05`, `1:02:03`: a wait or a state's duration as a call centre's wallboard shows it. */
export function formatDuration(totalSeconds) {
  const seconds = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Whole seconds from `iso` to `nowMs` (0 for a time in the future or not a time). */
export function secondsSince(iso, nowMs) {
  const from = Date.parse(iso);
  return Number.isNaN(from) ? 0 : Math.max(0, Math.floor((nowMs - from) / 1000));
}

/** How far the browser's clock is behind the server's: waits tick on the server's time, not the PC's. */
export function clockOffset(serverTimeIso, localNowMs) {
  const server = Date.parse(serverTimeIso);
  return Number.isNaN(server) ? 0 : server - localNowMs;
}

/** `14:03:27`: the hotline serves Beijing, so times are Beijing time whatever the PC's own zone. */
export function formatClock(iso, lang) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeStyle: 'medium', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(date);
}

/** A date and time (Beijing), for earlier contacts that may be months old. */
export function formatDateTime(iso, lang) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(date);
}

/** `87%`: rounded down, so a wallboard never shows a target met that was missed by a fraction. */
export function formatPercent(share) {
  return Number.isFinite(share) ? `${Math.floor(Math.max(0, Math.min(1, share)) * 100)}%` : '–';
}

/** Until the next reconnection attempt: doubling from half a second to 15 s, with jitter so pages do not stampede. */
export function reconnectDelayMs(attempt, random) {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.5 + random / 2));
}

/** Seconds until a `Retry-After` (seconds or an HTTP date) allows again; null when absent or not understood. */
export function retryAfterSeconds(header, nowMs) {
  if (header === null || header === undefined || header.trim() === '') return null;
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Whether the agent state machine takes `event` in `state` (the domain's table, sent with the page). */
export function allows(transitions, event, state) {
  return Object.hasOwn(transitions, event) && Object.hasOwn(transitions[event], state);
}

/**
 * The work order as the wrap-up request carries it, from the form's values (strings as typed). What the agent left
 * blank is left out, so the server names it as missing; the department goes only with `dispatched` and the earlier
 * ticket only with `repeat`, as the server requires, so a value typed before the disposition changed is not sent.
 */
export function workOrderPayload(values) {
  const order = {};
  for (const field of ['kind', 'category', 'disposition']) if (values[field] !== '') order[field] = values[field];
  if (values.matter.trim() !== '') order.matter = values.matter;
  if (values.disposition === 'dispatched' && values.department.trim() !== '') order.department = values.department.trim();
  if (values.disposition === 'repeat' && values.repeatOf.trim() !== '') order.repeatOf = values.repeatOf.trim();
  if (values.note.trim() !== '') order.note = values.note;
  return order;
}

const FORM_FIELDS = ['kind', 'category', 'matter', 'disposition', 'department', 'repeatOf', 'note'];

/** The server's problems by the form field they are about (`workOrder.department` is `department`); the rest under `other`. */
export function problemsByField(problems) {
  const byField = {};
  for (const problem of problems ?? []) {
    const name = String(problem.field ?? '').replace(/^workOrder\./, '');
    const field = FORM_FIELDS.includes(name) ? name : 'other';
    (byField[field] ??= []).push(String(problem.message ?? ''));
  }
  return byField;
}

/** The longest wait now: from the oldest waiting call's time in the queue (0 with none). */
export function longestWaitSeconds(waitingCalls, nowMs) {
  return waitingCalls.reduce((longest, call) => Math.max(longest, secondsSince(call.enqueuedAt, nowMs)), 0);
}
