// multipart/form-data bodies written by hand, so that they can be wrong in every way a hand-written client (or an
// attacker) gets them wrong: parts out of order or repeated, files of the wrong type, a boundary that does not match
// the header, part headers missing or garbled, the body cut short.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { damagedBytes, jsonBody, nastyString } from './arbitraries.js';
import type { JudgedValue } from './http-oracle.js';

/** A real 1x1 PNG: what the attachment store's type sniffing accepts. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const PLAIN_NAMES: readonly string[] = ['photo.png', 'IMG_0001.PNG', '照片.png'];

interface Part {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly body: Buffer;
}

interface File {
  readonly body: Buffer;
  readonly valid: boolean;
}

const file: Arbitrary<File> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ body: PNG, valid: true }) },
  { weight: 1, arbitrary: fc.constant({ body: Buffer.alloc(0), valid: false }) },
  { weight: 1, arbitrary: fc.constant({ body: Buffer.from('<html>not a photo</html>'), valid: false }) },
  { weight: 1, arbitrary: damagedBytes(PNG).map((body) => ({ body, valid: false })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ body: Buffer.from(bytes), valid: false })) },
);

function encode(parts: readonly Part[], boundary: string, lineEnd: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const headers = [`Content-Disposition: ${disposition}`, ...(part.contentType === undefined ? [] : [`Content-Type: ${part.contentType}`])];
    chunks.push(Buffer.from(`--${boundary}${lineEnd}${headers.join(lineEnd)}${lineEnd}${lineEnd}`, 'utf8'), part.body, Buffer.from(lineEnd));
  }
  chunks.push(Buffer.from(`--${boundary}--${lineEnd}`));
  return Buffer.concat(chunks);
}

export interface MultipartShape {
  /** The JSON field (`submission` for /v1, `payload` for the form). */
  readonly jsonField: string;
  /** The field files go in, or null when any name will do (/v1). */
  readonly filesField: string | null;
  /** Most files the route takes. */
  readonly maxFiles: number;
}

export interface MultipartInput {
  readonly payload: Buffer;
  readonly contentType: string;
  readonly valid: boolean;
}

/** A multipart body around a JSON value (valid or mutated): mostly well formed, often damaged. */
export function multipartRequest(shape: MultipartShape, json: Arbitrary<JudgedValue>): Arbitrary<MultipartInput> {
  return fc
    .record({
      json,
      jsonAsFile: fc.boolean(),
      jsonType: fc.constantFrom(undefined, 'application/json', 'text/plain'),
      files: fc.array(fc.record({ file, filename: fc.oneof(fc.constantFrom(...PLAIN_NAMES), nastyString(40)) }), { maxLength: shape.maxFiles + 1 }),
      filesName: shape.filesField === null ? fc.constant('attachments') : fc.oneof({ weight: 5, arbitrary: fc.constant(shape.filesField) }, { weight: 1, arbitrary: nastyString(12) }),
      order: fc.constantFrom('json-first', 'json-first', 'json-first', 'json-last', 'json-twice', 'no-json'),
      extraField: fc.option(fc.tuple(fc.oneof(nastyString(12), fc.constant(shape.jsonField)), nastyString(40)), { freq: 8 }),
      boundary: fc.oneof({ weight: 5, arbitrary: fc.constant('----hotlinefuzzboundary7MA4YWxk') }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/) }),
      headerBoundary: fc.constantFrom('same', 'same', 'same', 'same', 'other', 'missing', 'quoted'),
      lineEnd: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
      damage: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.constant('bytes' as const) }),
    })
    .chain((r) =>
      jsonBody(r.json.value, !r.json.valid).chain((jsonBytes) => {
        const jsonPart: Part = {
          name: shape.jsonField,
          ...(r.jsonAsFile ? { filename: 'request.json' } : {}),
          ...(r.jsonType === undefined ? {} : { contentType: r.jsonType }),
          body: jsonBytes,
        };
        const fileParts: Part[] = r.files.map((f) => ({ name: r.filesName, filename: f.filename, contentType: 'image/png', body: f.file.body }));
        const extra: Part[] = r.extraField === null ? [] : [{ name: r.extraField[0], body: Buffer.from(r.extraField[1], 'utf8') }];
        const parts =
          r.order === 'json-first'
            ? [jsonPart, ...fileParts, ...extra]
            : r.order === 'json-last'
              ? [...fileParts, ...extra, jsonPart]
              : r.order === 'json-twice'
                ? [jsonPart, jsonPart, ...fileParts]
                : [...fileParts, ...extra];
        const encoded = encode(parts, r.boundary, r.lineEnd);
        const contentType =
          r.headerBoundary === 'same'
            ? `multipart/form-data; boundary=${r.boundary}`
            : r.headerBoundary === 'quoted'
              ? `multipart/form-data; boundary="${r.boundary}"`
              : r.headerBoundary === 'other'
                ? 'multipart/form-data; boundary=somethingelse'
                : 'multipart/form-data';
        // Only what is certainly acceptable counts as valid (2xx due); anything else must merely not be a 5xx.
        const valid =
          r.json.valid &&
          !r.jsonAsFile &&
          r.jsonType !== 'text/plain' &&
          r.order === 'json-first' &&
          r.extraField === null &&
          r.files.length <= shape.maxFiles &&
          r.files.every((f) => f.file.valid && PLAIN_NAMES.includes(f.filename)) &&
          (shape.filesField === null || r.filesName === shape.filesField) &&
          (r.headerBoundary === 'same' || r.headerBoundary === 'quoted') &&
          r.lineEnd === '\r\n' &&
          r.damage === null;
        const payload = r.damage === null ? fc.constant(encoded) : damagedBytes(encoded);
        return payload.map((bytes): MultipartInput => ({ payload: bytes, contentType, valid }));
      }),
    );
}
