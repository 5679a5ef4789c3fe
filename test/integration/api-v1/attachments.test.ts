import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import type { AttachmentRef } from '../../../src/domain/intake/submission.js';
import { auth, JPEG_BYTES, PNG_BYTES, startApiV1 } from './api-v1-harness.js';
import type { Harness } from './api-v1-harness.js';

const FILE_BYTES = 16 * 1024;
let h: Harness<'integrator'>;

beforeAll(async () => {
  h = await startApiV1({ integrator: { scopes: ['submit', 'read'] } }, { limits: { bodyBytes: 8 * 1024, fileBytes: FILE_BYTES, files: 2 } });
});
afterAll(async () => {
  await h?.close();
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function form(submission: unknown, files: { name: string; bytes: Uint8Array; type?: string; field?: string }[] = []): FormData {
  const data = new FormData();
  data.append('submission', typeof submission === 'string' ? submission : JSON.stringify(submission));
  for (const file of files) data.append(file.field ?? 'attachments', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  return data;
}

async function post(body: FormData, headers: Record<string, string> = {}) {
  const response = await fetch(`${h.url}/v1/submissions`, { method: 'POST', headers: auth(h.keys.integrator, headers), body });
  return { response, body: (await response.json()) as Record<string, unknown> };
}

async function attachmentsOf(id: string): Promise<AttachmentRef[]> {
  const response = await fetch(`${h.url}/v1/submissions/${id}`, { headers: auth(h.keys.integrator) });
  return ((await response.json()) as { submission: { attachments: AttachmentRef[] } }).submission.attachments;
}

async function storedBlobs(): Promise<number> {
  const walk = async (dir: string): Promise<number> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    let count = 0;
    for (const entry of entries) count += entry.isDirectory() ? await walk(join(dir, entry.name)) : entry.name.endsWith('.tmp') ? 0 : 1;
    return count;
  };
  return walk(join(h.dataDir, 'attachments'));
}

describe('POST /v1/submissions (multipart)', () => {
  it('stores a PNG and a JPEG by content, references them in the queued submission, and keeps their bytes', async () => {
    const { response, body } = await post(
      form({ text: '路面塌陷，附照片', location: { address: '朝阳区建国路88号' } }, [
        { name: 'hole.png', bytes: PNG_BYTES, type: 'image/png' },
        { name: 'street.jpg', bytes: JPEG_BYTES, type: 'image/jpeg' },
      ]),
    );
    expect(response.status).toBe(201);
    const id = String(body['id']);
    const expected = [
      { sha256: sha256(PNG_BYTES), mimeType: 'image/png', mediaKind: 'image', size: PNG_BYTES.length, originalName: 'hole.png' },
      { sha256: sha256(JPEG_BYTES), mimeType: 'image/jpeg', mediaKind: 'image', size: JPEG_BYTES.length, originalName: 'street.jpg' },
    ];
    expect(await attachmentsOf(id)).toMatchObject(expected);
    expect((await h.jobFor(id))?.data.attachments).toMatchObject(expected);

    const store = new ContentStore({ dir: join(h.dataDir, 'attachments'), maxBytes: FILE_BYTES });
    expect(Buffer.from((await store.read(sha256(PNG_BYTES)))!)).toEqual(PNG_BYTES);
    expect(Buffer.from((await store.read(sha256(JPEG_BYTES)))!)).toEqual(JPEG_BYTES);
  });

  it('accepts the submission JSON as a JSON-typed part and files before it', async () => {
    const data = new FormData();
    data.append('photo', new Blob([PNG_BYTES], { type: 'image/png' }), 'a.png');
    data.append('submission', new Blob([JSON.stringify({ text: 'JSON part after the file', language: 'en' })], { type: 'application/json' }), 'submission.json');
    const { response, body } = await post(data);
    expect(response.status).toBe(201);
    expect((await attachmentsOf(String(body['id']))).map((a) => a.sha256)).toEqual([sha256(PNG_BYTES)]);
  });

  it('keeps only the safe base name of a path-traversal file name, and Chinese names intact', async () => {
    const { response, body } = await post(
      form({ text: '违章建筑' }, [
        { name: '../../etc/passwd.png', bytes: PNG_BYTES, type: 'image/png' },
        { name: '现场\u202E照片.jpg', bytes: JPEG_BYTES, type: 'image/jpeg' },
      ]),
    );
    expect(response.status).toBe(201);
    const [attachment, chinese] = await attachmentsOf(String(body['id']));
    expect(attachment?.originalName).toBe('passwd.png');
    expect(chinese?.originalName).toBe('现场照片.jpg');
    // Nothing was written outside the store.
    expect(await readdir(h.dataDir)).not.toContain('etc');
  });

  it('refuses HTML or an executable disguised as a PNG with 415, naming the file, and makes no submission', async () => {
    const before = await storedBlobs();
    const html = Buffer.from('<!doctype html><script>alert(1)</script>');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
    for (const [name, bytes, shown] of [
      ['photo.png', html, 'photo.png'],
      ['..\\..\\set\u202Eup.png', exe, 'setup.png'],
    ] as const) {
      const { response, body } = await post(form({ text: '看附件' }, [{ name: 'ok.png', bytes: PNG_BYTES, type: 'image/png' }, { name, bytes, type: 'image/png' }]), {
        'idempotency-key': `disguised-${shown}`,
      });
      expect(response.status, name).toBe(415);
      // Named by its safe base name: the error text may end up in an integrator's UI.
      expect(body).toMatchObject({ code: 'ATTACHMENT_TYPE_NOT_ALLOWED', file: shown });
      expect(body['error']).toContain(`"${shown}"`);
    }
    // The rejected bytes were not stored (the PNG may have been: content-addressed, harmless).
    expect(await storedBlobs()).toBeLessThanOrEqual(before + 1);
    // No submission was made: the same Idempotency-Key with a valid request is a new submission, not a conflict.
    const retry = await post(form({ text: '看附件' }, [{ name: 'ok.png', bytes: PNG_BYTES, type: 'image/png' }]), { 'idempotency-key': 'disguised-photo.png' });
    expect(retry.response.status).toBe(201);
  });

  it('refuses an oversized file with 413, naming it', async () => {
    const big = Buffer.concat([PNG_BYTES, Buffer.alloc(FILE_BYTES, 7)]);
    const { response, body } = await post(form({ text: '大文件' }, [{ name: 'huge.png', bytes: big, type: 'image/png' }]));
    expect(response.status).toBe(413);
    expect(body).toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', file: 'huge.png', error: `attachment "huge.png" is larger than ${FILE_BYTES} bytes` });
  });

  it('refuses more files than allowed with 413', async () => {
    const files = [1, 2, 3].map((n) => ({ name: `p${n}.png`, bytes: PNG_BYTES, type: 'image/png' }));
    const { response, body } = await post(form({ text: '三张照片' }, files));
    expect(response.status).toBe(413);
    expect(body).toMatchObject({ code: 'TOO_MANY_FILES', error: 'at most 2 attachments per submission' });
  });

  it('names problems in the submission field, and a missing or unexpected field', async () => {
    const invalid = await post(form({ text: '路灯', contact: { phone: 1 } }, [{ name: 'a.png', bytes: PNG_BYTES, type: 'image/png' }]));
    expect(invalid.response.status).toBe(400);
    expect(invalid.body['problems']).toEqual([{ field: 'contact.phone', message: 'must be string' }]);

    const malformed = await post(form('{"text": '));
    expect(malformed.response.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'MALFORMED_JSON', error: expect.stringMatching(/^form field "submission" is not valid JSON: /) });

    const missing = new FormData();
    missing.append('attachments', new Blob([PNG_BYTES], { type: 'image/png' }), 'a.png');
    const noSubmission = await post(missing);
    expect(noSubmission.response.status).toBe(400);
    expect(noSubmission.body['problems']).toEqual([{ field: 'submission', message: 'is required: the submission JSON as a form field' }]);

    const extra = form({ text: '路灯' });
    extra.append('text', 'also here');
    const unexpected = await post(extra);
    expect(unexpected.response.status).toBe(400);
    expect(unexpected.body['problems']).toEqual([{ field: 'text', message: 'is not an allowed field' }]);
  });

  it('replays a multipart retry with the same files and refuses the same key with different files', async () => {
    const key = `mp-${Date.now()}`;
    const first = await post(form({ text: '垃圾堆' }, [{ name: 'a.png', bytes: PNG_BYTES, type: 'image/png' }]), { 'idempotency-key': key });
    const again = await post(form({ text: '垃圾堆' }, [{ name: 'a.png', bytes: PNG_BYTES, type: 'image/png' }]), { 'idempotency-key': key });
    expect([first.response.status, again.response.status]).toEqual([201, 200]);
    expect(again.body['id']).toBe(first.body['id']);
    const different = await post(form({ text: '垃圾堆' }, [{ name: 'a.jpg', bytes: JPEG_BYTES, type: 'image/jpeg' }]), { 'idempotency-key': key });
    expect(different.response.status).toBe(422);
  });
});
