// Reads a form submission off the wire: JSON when there are no files, multipart (the `payload` JSON field first, then
// the files) when there are. The payload is checked before any file is stored, so a bad form leaves no bytes behind,
// and every file goes straight from the socket to the attachment store without being held in memory.

import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { AttachmentRejectedError } from '../../../app/intake/intake-ports.js';
import type { AttachmentStore } from '../../../app/intake/intake-ports.js';
import type { AttachmentRef } from '../../../domain/intake/submission.js';
import { FormRequestError } from './form-errors.js';
import { parseFormPayload } from './form-payload.js';
import type { FormPayload } from './form-payload.js';

const PAYLOAD_FIELD = 'payload';
const FILES_FIELD = 'files';

export interface FormUploadLimits {
  readonly fileBytes: number;
  readonly files: number;
}

export interface ReadForm {
  readonly payload: FormPayload;
  readonly attachments: readonly AttachmentRef[];
}

/**
 * `admit` sees the payload before any file is stored, and may refuse the request by throwing (the fair-use limits):
 * a refused request leaves no file behind either.
 */
export async function readFormRequest(
  request: FastifyRequest,
  store: AttachmentStore,
  limits: FormUploadLimits,
  admit: (payload: FormPayload) => Promise<void> = async () => undefined,
): Promise<ReadForm> {
  if (!request.isMultipart()) {
    // fastify also parses text/plain; the form speaks JSON or multipart only.
    if (!isJson(request.headers['content-type'])) throw new FormRequestError(415, 'unsupported_type', 'send multipart/form-data or application/json');
    const payload = parseFormPayload(request.body);
    await admit(payload);
    return { payload, attachments: [] };
  }

  let payload: FormPayload | undefined;
  const attachments = new Map<string, AttachmentRef>();
  try {
    payload = await readParts(request, store, limits, attachments, admit);
  } catch (error) {
    throw malformedMultipart(error) ?? error;
  }
  if (payload === undefined) throw FormRequestError.invalid(PAYLOAD_FIELD, `the "${PAYLOAD_FIELD}" field is missing`);
  return { payload, attachments: [...attachments.values()] };
}

async function readParts(
  request: FastifyRequest,
  store: AttachmentStore,
  limits: FormUploadLimits,
  attachments: Map<string, AttachmentRef>,
  admit: (payload: FormPayload) => Promise<void>,
): Promise<FormPayload | undefined> {
  let payload: FormPayload | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.fieldname !== PAYLOAD_FIELD) throw FormRequestError.invalid(part.fieldname, `unknown field "${part.fieldname}"`);
      if (payload !== undefined) throw FormRequestError.invalid(PAYLOAD_FIELD, 'payload was sent twice');
      payload = parseFormPayload(jsonOf(part.value));
      await admit(payload);
      continue;
    }
    if (part.fieldname !== FILES_FIELD) {
      part.file.resume();
      throw FormRequestError.invalid(part.fieldname, `files must be sent in the "${FILES_FIELD}" field, not "${part.fieldname}"`);
    }
    if (payload === undefined) {
      part.file.resume();
      throw FormRequestError.invalid(PAYLOAD_FIELD, `the "${PAYLOAD_FIELD}" field must come before the files`);
    }
    const ref = await storeFile(part, store, limits.fileBytes);
    // The same file picked twice is one attachment: its content address is its identity.
    attachments.set(ref.id, ref);
  }
  return payload;
}

/**
 * busboy's own parse errors ("Unexpected end of multipart data", a body cut short or without its closing boundary)
 * carry no status: the body is malformed, not the server, so the citizen gets a 400 rather than a 500.
 */
function malformedMultipart(error: unknown): FormRequestError | null {
  if (!(error instanceof Error) || error instanceof FormRequestError || error instanceof AttachmentRejectedError) return null;
  if ((error as { statusCode?: unknown }).statusCode !== undefined) return null;
  if ((error as { code?: unknown }).code === 'FST_MP_PREMATURE_CLOSE' || /multipart|boundary|part/i.test(error.message)) {
    return FormRequestError.invalid(PAYLOAD_FIELD, `the form could not be read (malformed multipart body: ${error.message})`);
  }
  return null;
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);
}

function jsonOf(value: unknown): unknown {
  // A field sent with `Content-Type: application/json` arrives parsed; a plain FormData string does not.
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw FormRequestError.invalid(PAYLOAD_FIELD, 'payload is not valid JSON');
  }
}

async function storeFile(part: MultipartFile, store: AttachmentStore, maxBytes: number): Promise<AttachmentRef> {
  const name = part.filename === '' ? undefined : part.filename;
  try {
    const ref = await store.put(limited(part.file, maxBytes, name), {
      ...(name === undefined ? {} : { originalName: name }),
      ...(part.mimetype === '' ? {} : { declaredMimeType: part.mimetype }),
    });
    // Multipart stops reading a file one byte past the limit; a truncated file must never count as the file.
    if (part.file.truncated) throw new AttachmentRejectedError('too_large', `a file is larger than ${maxBytes} bytes`, name);
    return ref;
  } catch (error) {
    // Let the rest of this part flow so the parser can still reach the end of the request and the reply goes out.
    part.file.resume();
    throw error;
  }
}

/**
 * The web form's own size limit, enforced while streaming: the store's limit may be set larger for other
 * channels, and this one is what the page promises the citizen.
 */
async function* limited(source: AsyncIterable<Uint8Array>, maxBytes: number, name: string | undefined): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new AttachmentRejectedError('too_large', `a file is larger than ${maxBytes} bytes`, name);
    yield chunk;
  }
}
