// GeoReport v2 dates are the W3C profile of ISO 8601 with a time zone (`2010-01-01T00:00:00Z`,
// `2010-01-01T08:00:00+08:00`). A bare date is accepted as that day's start in UTC, since a client filtering
// "from 2024-05-01" means exactly that.

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/**
 * Epoch ms of a W3C date-time, or `null` when it is not one (including impossible dates such as 2024-02-30).
 * A `+` offset that arrives as a space (an unencoded `+` in a query string) is read as `+`.
 */
export function parseW3cDateTime(text: string): number | null {
  const match = DATE_TIME.exec(text.trim().replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction, zone, sign, zh, zm] = match;
  const hasTime = h !== undefined;
  if (hasTime && zone === undefined) return null;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000));
  // Date.UTC rolls 2024-02-30 over into March: a different day back means the date did not exist.
  if (new Date(ms).getUTCDate() !== day) return null;
  if (sign === undefined) return ms;
  if (Number(zh) > 23 || Number(zm) > 59) return null;
  const offsetMinutes = Number(zh) * 60 + Number(zm);
  return sign === '+' ? ms - offsetMinutes * 60_000 : ms + offsetMinutes * 60_000;
}

/** `2010-01-01T00:00:00Z`: whole seconds in UTC, the form every GeoReport client parses. */
export function formatW3cDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
