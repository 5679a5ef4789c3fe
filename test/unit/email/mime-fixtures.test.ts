// Every fixture in test/fixtures/mime/{good,bad} is parsed by the real mailparser adapter and mapped to a draft
// that intake's own validation accepts; the sidecar JSON says what the parser must make of it.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MailparserMailParser } from '../../../src/adapters/email/mail-parser.js';
import { detectAutoReply } from '../../../src/domain/email/auto-reply.js';
import { mailToDraft } from '../../../src/domain/email/mail-to-draft.js';
import type { Envelope } from '../../../src/domain/email/parsed-mail.js';
import { ticketFromSubject } from '../../../src/domain/email/ticket-in-subject.js';
import { normaliseSubmission } from '../../../src/domain/intake/normalise.js';
import { normaliseText } from '../../../src/domain/intake/normalise-text.js';

interface Expectation {
  readonly subject?: string;
  readonly from?: string | null;
  readonly fromName?: string;
  readonly messageId?: string | null;
  readonly inReplyTo?: string[];
  readonly references?: string[];
  readonly textIncludes?: string[];
  readonly textExcludes?: string[];
  readonly followUpTextExcludes?: string[];
  readonly autoReply?: string | null;
  readonly autoReplyWithSender?: string;
  readonly envelopeFrom?: string;
  readonly ticketInSubject?: string | null;
  readonly attachmentTypes?: string[];
  readonly attachmentNames?: string[];
  readonly contactAnonymous?: boolean;
  readonly contactFromEnvelope?: boolean;
  readonly noCrash?: boolean;
}

const ROOT = join(import.meta.dirname, '../../fixtures/mime');
const ENVELOPE_SENDER = 'envelope.sender@example.org';
const parser = new MailparserMailParser();

function fixtures(folder: 'good' | 'bad'): [string, Buffer, Expectation][] {
  const dir = join(ROOT, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.eml'.length);
      return [name, readFileSync(join(dir, f)), JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Expectation];
    });
}

const CONTEXT = { id: '01HXZ5K3M8Q9R2S4T6V7W8X9YZ', ticket: '000000018', receivedAt: '2024-05-06T01:30:00.000Z' };

describe.each(['good', 'bad'] as const)('MIME fixtures: %s', (folder) => {
  const cases = fixtures(folder);

  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThan(8);
  });

  it.each(cases)('%s', async (_name, raw, expected) => {
    const mail = await parser.parse(raw);
    const envelope: Envelope = { mailFrom: expected.envelopeFrom ?? ENVELOPE_SENDER, rcptTo: ['12345@hotline.example'] };

    if (expected.subject !== undefined) expect(mail.subject).toBe(expected.subject);
    if (expected.from !== undefined) expect(mail.from?.address ?? null).toBe(expected.from);
    if (expected.fromName !== undefined) expect(mail.from?.name).toBe(expected.fromName);
    if (expected.messageId !== undefined) expect(mail.messageId ?? null).toBe(expected.messageId);
    if (expected.inReplyTo !== undefined) expect(mail.inReplyTo).toEqual(expected.inReplyTo);
    if (expected.references !== undefined) expect(mail.references).toEqual(expected.references);
    const text = normaliseText(mail.text);
    for (const fragment of expected.textIncludes ?? []) expect(text).toContain(fragment);
    for (const fragment of expected.textExcludes ?? []) expect(text).not.toContain(fragment);
    if (!expected.noCrash) {
      expect(mail.text).not.toContain('\uFFFD');
      expect(mail.subject).not.toContain('\uFFFD');
    }
    if (expected.attachmentTypes !== undefined) expect(mail.attachments.map((a) => a.contentType)).toEqual(expected.attachmentTypes);
    if (expected.attachmentNames !== undefined) expect(mail.attachments.map((a) => a.filename)).toEqual(expected.attachmentNames);
    if (expected.ticketInSubject !== undefined) expect(ticketFromSubject(mail.subject)).toBe(expected.ticketInSubject);

    const autoReply = detectAutoReply({
      headers: mail.headers,
      envelopeSender: envelope.mailFrom,
      ...(mail.from !== undefined ? { fromAddress: mail.from.address } : {}),
      subject: mail.subject,
    });
    if (expected.autoReply !== undefined) expect(autoReply).toBe(expected.autoReply);
    if (expected.autoReplyWithSender !== undefined) {
      expect(detectAutoReply({ headers: mail.headers, envelopeSender: ENVELOPE_SENDER, ...(mail.from ? { fromAddress: mail.from.address } : {}), subject: mail.subject })).toBe(
        expected.autoReplyWithSender,
      );
    }

    // Whatever arrived, the draft is one intake accepts.
    const draft = mailToDraft({ mail, envelope, rawId: 'sha256:' + 'a'.repeat(64), attachments: [], dropped: [], autoReply });
    const result = normaliseSubmission(draft, CONTEXT);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    if (expected.autoReply) expect(result.submission.hints.autoReply).toEqual({ reason: expected.autoReply });
    if (expected.contactAnonymous) expect(result.submission.contact).toEqual({ anonymous: true });
    if (expected.contactFromEnvelope) expect(result.submission.contact.email).toBe(ENVELOPE_SENDER);
    if (expected.from && !expected.contactAnonymous) expect(result.submission.contact.email).toBe(expected.from.toLowerCase());

    if (expected.followUpTextExcludes !== undefined) {
      const followUp = mailToDraft({ mail, envelope, rawId: 'sha256:' + 'a'.repeat(64), attachments: [], dropped: [], autoReply, followUpOf: CONTEXT.id });
      for (const fragment of expected.followUpTextExcludes) expect(followUp.text).not.toContain(fragment);
      for (const fragment of expected.textIncludes ?? []) expect(followUp.text).toContain(fragment);
      expect(followUp.refs?.followUpOf).toBe(CONTEXT.id);
    }
  });
});
