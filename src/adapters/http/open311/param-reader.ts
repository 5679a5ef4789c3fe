// Open311 parameters arrive as form fields (strings, or arrays when repeated) or as JSON (any type). The reader
// turns both into trimmed strings and collects every problem instead of stopping at the first, so one 400 tells
// the client everything to fix.

import type { ParamProblem } from './open311-errors.js';

export type Params = Readonly<Record<string, unknown>>;

export class ParamReader {
  readonly problems: ParamProblem[] = [];

  constructor(private readonly params: Params) {}

  problem(param: string, message: string): void {
    this.problems.push({ param, message });
  }

  hasProblem(param: string): boolean {
    return this.problems.some((p) => p.param === param);
  }

  /** A single value; empty counts as absent (GeoReport: an empty parameter is an undeclared one). */
  one(param: string): string | undefined {
    const values = this.values(this.params[param], param);
    if (values.length > 1) this.problem(param, 'was given more than once');
    return values[0];
  }

  /** Every non-empty value of a parameter that may repeat. */
  many(param: string): string[] {
    return this.values(this.params[param], param);
  }

  /** The non-empty values in `value`, reported under `param` when it is not a scalar or a list of scalars. */
  values(value: unknown, param: string): string[] {
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    const out: string[] = [];
    for (const item of list) {
      if (typeof item === 'string') {
        const trimmed = item.trim();
        if (trimmed !== '') out.push(trimmed);
      } else if ((typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean') {
        out.push(String(item));
      } else if (item !== null) {
        this.problem(param, 'must be text or a number');
        return [];
      }
    }
    return out;
  }
}
