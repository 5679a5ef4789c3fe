// Regression (found by the web form fuzz target): a multipart body busboy cannot read (lines ended by a bare LF, a
// body cut short, no closing boundary) reached the form's error handler as an Error without a status, and the
// citizen got 500 "internal server error". It is the body that is wrong: 400 naming the payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebForm } from './web-form-harness.js';
import type { WebFormHarness } from './web-form-harness.js';

const BOUNDARY = '----hotlinefuzzboundary7MA4YWxk';
const PAYLOAD = JSON.stringify({ idempotencyKey: 'regression-bare-lf-0001', text: '我家楼下的垃圾桶已经一周没人清理了', language: 'zh', phone: '13800138000' });

describe('web form: a multipart body that cannot be read', () => {
  let h: WebFormHarness;
  beforeAll(async () => {
    h = await startWebForm();
  });
  afterAll(async () => {
    await h.close();
  });

  const bodies: Record<string, string> = {
    'lines ended by a bare LF': `--${BOUNDARY}\nContent-Disposition: form-data; name="payload"\n\n${PAYLOAD}\n--${BOUNDARY}--\n`,
    'cut short in the payload': `--${BOUNDARY}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${PAYLOAD.slice(0, 20)}`,
    'without its closing boundary': `--${BOUNDARY}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${PAYLOAD}\r\n`,
  };

  for (const [what, body] of Object.entries(bodies)) {
    it(`${what}: 400 naming the payload, not 500`, async () => {
      const response = await fetch(`${h.url}/form/submissions`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid', field: 'payload' });
      expect(h.logText()).not.toMatch(/web form request failed/);
    });
  }
});
