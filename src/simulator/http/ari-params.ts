// ARI request parameters as Asterisk reads them: from the query string, or from a JSON object body (Asterisk
// accepts both). allowMultiple parameters are comma-separated (swagger-client joins arrays with commas).

import { AriError } from '../errors.js';
import type { OperationSpec } from '../api/operations.js';

export class AriParams {
  constructor(
    private readonly query: URLSearchParams,
    private readonly body: Record<string, unknown> | null,
    private readonly pathParams: Readonly<Record<string, string>>,
  ) {}

  path(name: string): string {
    return this.pathParams[name] ?? '';
  }

  string(name: string): string | undefined {
    const all = this.query.getAll(name);
    if (all.length > 0) return all[all.length - 1];
    const value = this.body?.[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : String(value);
  }

  list(name: string): string[] {
    const values: string[] = [];
    for (const v of this.query.getAll(name)) values.push(...v.split(','));
    const fromBody = this.body?.[name];
    if (Array.isArray(fromBody)) values.push(...fromBody.map(String));
    else if (typeof fromBody === 'string') values.push(...fromBody.split(','));
    return values.map((v) => v.trim()).filter((v) => v !== '');
  }

  int(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new AriError(400, `${name}: Invalid value ${raw}`);
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined || raw === '') return fallback;
    // Asterisk's ast_true()/ast_false().
    if (/^(yes|true|y|t|1|on)$/i.test(raw)) return true;
    if (/^(no|false|n|f|0|off)$/i.test(raw)) return false;
    throw new AriError(400, `${name}: Invalid boolean ${raw}`);
  }

  /** A body container parameter such as `variables`, sent as `{"variables": {...}}`. */
  object(name: string): Record<string, unknown> | undefined {
    const value = this.body?.[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new AriError(400, `${name}: expected an object`);
    return value as Record<string, unknown>;
  }

  /** Checks required parameters and listed values against the operation's description. */
  validate(op: OperationSpec): void {
    const badRequest = op.errorResponses.find((e) => e.code === 400)?.reason;
    for (const p of op.parameters) {
      if (p.paramType === 'path') continue;
      if (p.paramType === 'body') {
        if (p.required && this.body?.[p.name] === undefined) throw new AriError(400, badRequest ?? `${p.name}: Missing required parameter`);
        continue;
      }
      const values = p.allowMultiple ? this.list(p.name) : [this.string(p.name)].filter((v): v is string => v !== undefined && v !== '');
      if (p.required && values.length === 0) throw new AriError(400, `${p.name}: Missing required parameter`);
      const allowed = p.allowableValues;
      if (!allowed) continue;
      for (const v of values) {
        if (allowed.valueType === 'LIST' && !allowed.values.includes(v)) {
          throw new AriError(400, badRequest ?? `${p.name}: Invalid value ${v}`);
        }
        if (allowed.valueType === 'RANGE') {
          const n = Number(v);
          if (!Number.isFinite(n) || (allowed.min !== undefined && n < allowed.min) || (allowed.max !== undefined && n > allowed.max)) {
            throw new AriError(400, `${p.name}: Value ${v} out of range`);
          }
        }
      }
    }
  }
}
