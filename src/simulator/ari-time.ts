// Asterisk stamps events as local ISO time with a numeric offset and milliseconds, e.g.
// `2026-11-21T23:16:16.428+0000`. The simulator always reports UTC, which is what a server in a container does.

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function formatAriTime(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}+0000`
  );
}
