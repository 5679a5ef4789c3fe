// fastify's default Ajv removes unknown properties and coerces types, which would turn `{"lat": "39.9"}` or a
// misspelt `"adress"` into silently different data. Bodies are validated strictly here; path parameters and
// headers (always strings on the wire) are coerced as usual.

import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/** RFC 3339 date-time with an offset; also a real calendar date, which `Date.parse` does not check (it rolls 02-30 over). */
export function isIsoDateTime(value: string): boolean {
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return false;
  const n = (group: number): number => Number(match[group] ?? 0);
  const [year, month, day] = [n(1), n(2), n(3)];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && n(4) <= 23 && n(5) <= 59 && n(6) <= 59 && n(7) <= 23 && n(8) <= 59;
}

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes, removeAdditional: false, useDefaults: false, strict: false });
  ajv.addFormat('date-time', { type: 'string', validate: isIsoDateTime });
  // Documentation only: file parts are never validated by Ajv.
  ajv.addFormat('binary', true);
  return ajv;
}

export interface SchemaValidators {
  /** For fastify's `setValidatorCompiler`. */
  readonly compiler: FastifySchemaCompiler<unknown>;
  /** A strict body validator for data fastify does not validate itself (the multipart `submission` field). */
  compileBody(schema: object): ValidateFunction;
}

export function createSchemaValidators(): SchemaValidators {
  const strict = createAjv(false);
  const coercing = createAjv(true);
  return {
    compiler: ({ schema, httpPart, contentType }) => {
      // The multipart schema exists for the OpenAPI document: the parts are streamed and checked by the handler.
      if (httpPart === 'body' && contentType === 'multipart/form-data') return () => true;
      return (httpPart === 'body' ? strict : coercing).compile(schema as object);
    },
    compileBody: (schema) => strict.compile(schema),
  };
}
