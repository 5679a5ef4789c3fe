// Given the one status table, when each channel says where a case stands, then every status reads the same on the
// web form, in the API, on WeChat and by mail, in Mandarin and English (the IVR's prompts are held to the same table
// by the flow's own test): no channel can call a case "being handled" that has only been received.

import { describe, expect, it } from 'vitest';
import { caseView } from '../../../src/adapters/http/api-v1/submission-replies.js';
import { FORM_TEXTS } from '../../../src/adapters/http/web-form/form-texts.js';
import { buildCaseReply } from '../../../src/domain/email/case-reply.js';
import { STATUS_WORDING } from '../../../src/domain/intake/status-names.js';
import { LANGUAGES, STATUSES } from '../../../src/domain/intake/submission.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { statusText } from '../../../src/domain/wechat/reply-texts.js';

const TICKET = '100000000008';
const submission = { ticket: TICKET, receivedAt: '2026-12-01T00:00:00.000Z' } as Submission;

describe('the status wording on every channel', () => {
  it('keeps the sentences apart: no two statuses share words, and "received" never says it is being handled', () => {
    for (const language of LANGUAGES) {
      const sentences = STATUSES.map((status) => STATUS_WORDING[status][language].sentence);
      expect(new Set(sentences).size).toBe(STATUSES.length);
    }
    expect(STATUS_WORDING.received.zh.sentence).not.toMatch(/办理中|已受理/);
    expect(STATUS_WORDING.received.en.sentence).not.toMatch(/being handled|accepted and/);
  });

  for (const status of STATUSES) {
    it(`says "${status}" the same way on the web, in the API, on WeChat and by mail`, () => {
      const at = '2026-12-02T00:00:00.000Z';
      const view = caseView({ submission, history: [{ status, at }] });
      expect(view.statusText).toEqual({ zh: STATUS_WORDING[status].zh.sentence, en: STATUS_WORDING[status].en.sentence });
      const mail = buildCaseReply('查询', TICKET, { kind: 'status', ticket: TICKET, status, at, rateable: false }).text;
      for (const language of LANGUAGES) {
        const { name, sentence } = STATUS_WORDING[status][language];
        expect(FORM_TEXTS[language][`status.value.${status}`].toLowerCase(), `${status} ${language} form`).toBe(name.toLowerCase());
        expect(statusText(language, { ticket: TICKET, status, at }), `${status} ${language} wechat`).toContain(sentence);
        expect(mail, `${status} ${language} mail`).toContain(sentence);
      }
    });
  }
});
