// The published Submission schema (served at GET /v1/schema/submission.json, used by consumers of the `intake`
// queue) and a validator for it, so the gateway can prove that what it queues is what it publishes.

import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import submissionSchema from './submission.schema.json' with { type: 'json' };

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
const validate = ajv.compile(submissionSchema);

/** The JSON Schema (draft 2020-12) describing `Submission`. */
export const SUBMISSION_SCHEMA: object = submissionSchema;

/** One message per problem, each naming its path (`contact.phone: must match pattern ...`); empty when valid. */
export function validateSubmission(value: unknown): string[] {
  if (validate(value)) return [];
  const messages = (validate.errors ?? []).filter((e) => e.keyword !== 'if').map(describe);
  return [...new Set(messages)];
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let path = toDotted(error.instancePath);
  if (error.keyword === 'required') path = join(path, String(params.missingProperty));
  if (error.keyword === 'additionalProperties') {
    return `${join(path, String(params.additionalProperty))}: unknown property`;
  }
  // The contact's if/then/else says "anonymous exactly when no details" by counting properties: say it plainly.
  if (error.schemaPath.endsWith('/contact/then/maxProperties')) {
    return `${path}: an anonymous contact must not have name, phone, email or wechatOpenId`;
  }
  if (error.schemaPath.endsWith('/contact/else/minProperties')) {
    return `${path}: a contact that is not anonymous needs name, phone, email or wechatOpenId`;
  }
  // A call's repeatOf and department exist only with their disposition: the schema says so with a `false` schema.
  if (error.keyword === 'false schema' && path === 'call.repeatOf') return `${path}: only allowed with disposition repeat`;
  if (error.keyword === 'false schema' && path === 'call.department') return `${path}: only allowed with disposition dispatched`;
  return `${path === '' ? '(submission)' : path}: ${error.message ?? `fails ${error.keyword}`}`;
}

/** `/contact/phone` → `contact.phone`, `/attachments/2/size` → `attachments[2].size`. */
function toDotted(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^(0|[1-9][0-9]*)$/.test(part) ? `${path}[${part}]` : join(path, part)), '');
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}
