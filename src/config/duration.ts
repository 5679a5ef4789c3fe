// Durations as operators write them: `20s`, `1500ms`, `2m`, `12h`, `30d`, or a plain number of seconds (`20`, `0.5`).

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const FACTOR = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds, or `null` when the text is not a duration. Fractions of a millisecond are rounded. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (match === null) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? 's') as keyof typeof FACTOR;
  const ms = Math.round(value * FACTOR[unit]);
  return Number.isSafeInteger(ms) ? ms : null;
}

export const DURATION_FORM = 'a duration such as 20s, 1500ms, 2m, 12h, 30d or plain seconds';
