// Report formatting shared by the benchmarks: a heading, a right-aligned table, then PASS/FAIL lines, then notes
// explaining each figure.

export interface Verdict {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

export const ms = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(2)} ms`);
export const perSecond = (v: number): string => `${v.toFixed(0)}/s`;
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
/** x / y, or null when either is missing or y is 0. */
export const quotient = (x: number | null, y: number | null): number | null => (x === null || y === null || y === 0 ? null : x / y);
export const ratio = (x: number | null, y: number | null): string => {
  const q = quotient(x, y);
  return q === null ? 'n/a' : `${q.toFixed(2)} x`;
};

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

export function verdictLines(verdicts: readonly Verdict[]): string[] {
  return verdicts.map((v) => `${v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.measured}`);
}

/** Wraps a note at about 110 columns, continuing lines indented under its text. */
export function noteLines(notes: readonly string[]): string[] {
  const out: string[] = [];
  for (const note of notes) {
    let line = 'note:';
    for (const word of note.split(' ')) {
      if (line.length + word.length + 1 > 112 && line.trim() !== 'note:') {
        out.push(line);
        line = '     ';
      }
      line += ` ${word}`;
    }
    out.push(line);
  }
  return out;
}

/** The whole printed report: heading lines, the table (first row the column names), verdicts and notes. */
export function reportText(heading: readonly string[], rows: readonly (readonly string[])[], verdicts: readonly Verdict[], notes: readonly string[]): string {
  return ['', ...heading, '', table(rows), '', ...verdictLines(verdicts), '', ...noteLines(notes), ''].join('\n');
}
