// Citizens read times in Beijing time whatever the server's zone: the hotline serves Beijing.

/** `YYYY-MM-DD HH:mm` in UTC+8 (China has kept one offset without daylight saving since 1991). */
export function beijingTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
