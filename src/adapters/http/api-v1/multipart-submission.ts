// A submission with files: the JSON in the `submission` part, each file part streamed straight into the attachment
// store (never buffered whole). Anything wrong fails the whole request before intake sees it; content-addressed
// blobs stored for earlier parts may stay behind, which is harmless (an identical upload would reuse them).

import type { FastifyRequest } from 'fastify';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { ValidateFunction } from 'ajv';
import { AttachmentRejectedError } from '../../../app/intake/intake-ports.js';
import type { AttachmentStore } from '../../../app/intake/intake-ports.js';
import type { AttachmentRef } from '../../../domain/intake/submission.js';
import { safeFileName } from '../../../domain/intake/safe-file-name.js';
import { ApiV1Error, invalidFields, problemsFromSchemaErrors } from './api-v1-errors.js';
import type { SubmissionRequestBody } from './submission-request.js';

export const SUBMISSION_FIELD = 'submission';

export interface MultipartLimits {
  readonly bodyBytes: number;
  readonly fileBytes: number;
  readonly files: number;
}

/** Options for `@fastify/multipart`: busboy stops at these, the handler below reports which was hit. */
export function multipartPluginLimits(limits: MultipartLimits) {
  return {
    // The submission JSON may arrive as a file part too (curl -F submission=@request.json), hence one more file.
    files: limits.files + 1,
    fields: 4,
    parts: limits.files + 5,
    fileSize: Math.max(limits.fileBytes, limits.bodyBytes),
    fieldSize: limits.bodyBytes,
    fieldNameSize: 100,
    headerPairs: 50,
  };
}

export interface MultipartSubmission {
  readonly body: SubmissionRequestBody;
  readonly attachments: readonly AttachmentRef[];
}

export async function readMultipartSubmission(
  request: FastifyRequest,
  deps: { readonly attachments: AttachmentStore; readonly limits: MultipartLimits; readonly validate: ValidateFunction },
): Promise<MultipartSubmission> {
  let json: unknown;
  let sawSubmission = false;
  const attachments: AttachmentRef[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.fieldname === SUBMISSION_FIELD) {
        if (sawSubmission) throw new ApiV1Error(400, 'VALIDATION_FAILED', `form field "${SUBMISSION_FIELD}" given more than once`);
        sawSubmission = true;
        json = await submissionJson(part, deps.limits.bodyBytes);
      } else if (part.type === 'file') {
        if (attachments.length >= deps.limits.files) throw tooManyFiles(deps.limits.files);
        const stored = await storeFile(part, deps);
        if (stored !== null) attachments.push(stored);
      } else {
        throw new ApiV1Error(
          400,
          'VALIDATION_FAILED',
          `unexpected form field "${part.fieldname}": send the submission JSON in "${SUBMISSION_FIELD}" and files as file parts`,
          { problems: [{ field: part.fieldname, message: 'is not an allowed field' }] },
        );
      }
    }
  } catch (error) {
    throw multipartError(error, deps.limits);
  }
  if (!sawSubmission) {
    throw invalidFields([{ field: SUBMISSION_FIELD, message: 'is required: the submission JSON as a form field' }], 'form');
  }
  if (!deps.validate(json)) throw invalidFields(problemsFromSchemaErrors(deps.validate.errors ?? []), `"${SUBMISSION_FIELD}" field`);
  return { body: json as SubmissionRequestBody, attachments };
}

async function submissionJson(part: Multipart, bodyBytes: number): Promise<unknown> {
  let text: string;
  if (part.type === 'file') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file) {
      size += (chunk as Buffer).length;
      if (size > bodyBytes) throw new ApiV1Error(413, 'BODY_TOO_LARGE', `form field "${SUBMISSION_FIELD}" is larger than ${bodyBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    if (part.valueTruncated) throw new ApiV1Error(413, 'BODY_TOO_LARGE', `form field "${SUBMISSION_FIELD}" is larger than ${bodyBytes} bytes`);
    // @fastify/multipart has already parsed a field sent with Content-Type application/json.
    if (typeof part.value !== 'string') return part.value;
    text = part.value;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiV1Error(400, 'MALFORMED_JSON', `form field "${SUBMISSION_FIELD}" is not valid JSON: ${(error as Error).message}`);
  }
}

async function storeFile(
  part: MultipartFile,
  deps: { readonly attachments: AttachmentStore; readonly limits: MultipartLimits },
): Promise<AttachmentRef | null> {
  const name = safeFileName(part.filename) ?? part.fieldname;
  let tooLarge = false;
  let size = 0;
  // busboy ends a file at the size limit as if it were complete (only `truncated` says otherwise): stop the store
  // from keeping a cut-off file that would look whole.
  async function* guarded(): AsyncGenerator<Uint8Array> {
    for await (const chunk of part.file) {
      size += (chunk as Buffer).length;
      if (part.file.truncated || size > deps.limits.fileBytes) {
        tooLarge = true;
        throw fileTooLarge(name, deps.limits.fileBytes);
      }
      yield chunk as Buffer;
    }
    if (part.file.truncated) {
      tooLarge = true;
      throw fileTooLarge(name, deps.limits.fileBytes);
    }
  }
  try {
    return await deps.attachments.put(guarded(), {
      ...(part.filename === '' ? {} : { originalName: part.filename }),
      ...(part.mimetype === '' ? {} : { declaredMimeType: part.mimetype }),
    });
  } catch (error) {
    if (tooLarge) throw fileTooLarge(name, deps.limits.fileBytes);
    // What a browser sends for a file input left empty: no name, no bytes. Not an attachment.
    if (error instanceof AttachmentRejectedError && error.problem === 'empty' && part.filename === '') return null;
    if (error instanceof AttachmentRejectedError) throw rejectedFile(error, name, deps.limits.fileBytes);
    throw error;
  }
}

function fileTooLarge(name: string, fileBytes: number): ApiV1Error {
  return new ApiV1Error(413, 'ATTACHMENT_TOO_LARGE', `attachment "${name}" is larger than ${fileBytes} bytes`, { file: name });
}

function tooManyFiles(files: number): ApiV1Error {
  return new ApiV1Error(413, 'TOO_MANY_FILES', `at most ${files} attachments per submission`);
}

function rejectedFile(error: AttachmentRejectedError, name: string, fileBytes: number): ApiV1Error {
  switch (error.problem) {
    case 'too_large':
      return fileTooLarge(name, fileBytes);
    case 'empty':
      return new ApiV1Error(400, 'ATTACHMENT_EMPTY', `attachment "${name}" is empty`, { file: name });
    case 'type_not_allowed':
    case 'type_mismatch':
      return new ApiV1Error(
        415,
        'ATTACHMENT_TYPE_NOT_ALLOWED',
        `attachment "${name}" is not an allowed type (photos, audio, video or PDF; the type is read from the content): ${error.message}`,
        { file: name },
      );
  }
}

/** @fastify/multipart's and busboy's errors, as v1 errors. */
function multipartError(error: unknown, limits: MultipartLimits): unknown {
  if (error instanceof ApiV1Error) return error;
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_FILES_LIMIT':
      return tooManyFiles(limits.files);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiV1Error(413, 'TOO_MANY_PARTS', `too many form parts: one "${SUBMISSION_FIELD}" field and at most ${limits.files} files`);
    case 'FST_REQ_FILE_TOO_LARGE': {
      const part = (error as { part?: { filename?: string; fieldname?: string } }).part;
      return fileTooLarge(safeFileName(part?.filename) ?? part?.fieldname ?? 'file', limits.fileBytes);
    }
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new ApiV1Error(400, 'MALFORMED_JSON', `form field "${SUBMISSION_FIELD}" is not valid JSON`);
    case 'FST_PROTO_VIOLATION':
      return new ApiV1Error(400, 'VALIDATION_FAILED', 'a form field name is not allowed');
    case 'FST_MP_PREMATURE_CLOSE':
      return new ApiV1Error(400, 'MALFORMED_MULTIPART', 'the request ended before the multipart body was complete');
    default:
      break;
  }
  if (error instanceof Error && (error as { statusCode?: unknown }).statusCode === undefined && /multipart|boundary|part/i.test(error.message)) {
    // busboy's own parse errors carry no status: the body is malformed, not the server.
    return new ApiV1Error(400, 'MALFORMED_MULTIPART', `malformed multipart body: ${error.message}`);
  }
  return error;
}
