// From a validated v1 request to what intake takes: the draft, the dedup key that makes retries safe, and the
// fingerprint that tells a retry (same content) from a client reusing an Idempotency-Key for something else.

import { hash as sha256hash, randomUUID } from 'node:crypto';
import type { AttachmentRef, Category, Kind, Language, SubmissionDraft } from '../../../domain/intake/submission.js';
import type { SubmitRequest } from '../../../app/intake/intake-ports.js';

/** The body `SUBMISSION_REQUEST_SCHEMA` admits. */
export interface SubmissionRequestBody {
  readonly text: string;
  readonly kind?: Kind;
  readonly category?: Category;
  readonly language?: Language;
  readonly contact?: { readonly name?: string; readonly phone?: string; readonly email?: string; readonly anonymous?: boolean };
  readonly location?: { readonly lat?: number; readonly lon?: number; readonly address?: string };
  readonly private?: boolean;
}

export function submitRequestFor(
  body: SubmissionRequestBody,
  attachments: readonly AttachmentRef[],
  origin: { readonly apiKeyId: string; readonly idempotencyKey?: string },
): SubmitRequest {
  const draft: SubmissionDraft = {
    channel: 'web',
    text: body.text,
    ...(body.kind === undefined ? {} : { kind: body.kind }),
    ...(body.category === undefined ? {} : { category: body.category }),
    ...(body.language === undefined ? {} : { language: body.language }),
    contact: { ...body.contact },
    ...(body.location === undefined ? {} : { location: { ...body.location } }),
    attachments,
    refs: { apiKeyId: origin.apiKeyId, ...(origin.idempotencyKey === undefined ? {} : { idempotencyKey: origin.idempotencyKey }) },
    ...(body.private === true ? { private: true } : {}),
  };
  // Without an Idempotency-Key every POST is a new submission: a random suffix can never match an earlier one.
  const dedupKey = `web:${origin.apiKeyId}:${origin.idempotencyKey ?? randomUUID()}`;
  return { draft, dedupKey, fingerprint: requestFingerprint(body, attachments) };
}

/** sha256 of the canonical JSON of the body and the attachments' content addresses, in order. */
export function requestFingerprint(body: SubmissionRequestBody, attachments: readonly AttachmentRef[]): string {
  const canonical = canonicalJson({ body, attachments: attachments.map((a) => a.sha256) });
  return `sha256:${sha256hash('sha256', canonical, 'hex')}`;
}

/** JSON with object keys sorted at every level, so that key order in the client's JSON does not change the digest. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
