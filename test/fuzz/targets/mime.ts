// The mail-to-draft path: the raw message through mailparser (with the project's charset relabelling and decoder),
// src/domain/email (auto-reply detection, threading by Message-ID and subject ticket, the draft, salvage) and the
// real intake, exactly as EmailIntake runs it after SMTP DATA. Every mail must be filed (unreadable ones as raw
// mail): no exception, no refusal, no error logged. Inputs: the MIME fixtures, damaged in their headers, boundaries,
// encodings and charsets, plus generated and random messages.

import { testCaseAccess } from '../../support/case-access.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { MailparserMailParser } from '../../../src/adapters/email/mail-parser.js';
import { RedisThreadIndex } from '../../../src/adapters/email/thread-index.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import { closeRedis, failFastRedis, untilReady } from '../../../src/adapters/redis/fail-fast-redis.js';
import type { Log } from '../../../src/app/app-ports.js';
import { EmailIntake } from '../../../src/app/email/email-intake.js';
import { isAcceptedRecipient, parseAcceptList } from '../../../src/domain/email/accept-list.js';
import type { Envelope } from '../../../src/domain/email/parsed-mail.js';
import { FuzzViolation } from '../fuzz-target.js';
import type { FuzzSession } from '../fuzz-target.js';
import { damagedBytes, nastyString, textMutations } from '../support/arbitraries.js';
import { ErrorTally } from '../support/error-tally.js';
import { fixtureFiles } from '../support/fixtures.js';
import { FUZZ_REDIS_URL, fuzzScratch } from '../support/scratch.js';
import { singleRedis } from '../../support/redis.js';

/** What MIME parsers trip on: boundaries, encodings, charsets, encoded words, folding, header injection. */
export const MIME_SNIPPETS: readonly string[] = [
  '\r\n', '\n', '\r\n\r\n', '\r\n ', '\r\n\t', '--', '--mix-1', '--mix-1--', '--alt-1--', 'boundary=""', 'boundary=mix-1', 'Content-Type: multipart/mixed; boundary=x\r\n',
  'Content-Type: text/plain; charset=gb2312\r\n', 'charset=utf-7', 'charset="unknown-8bit"', 'charset=', 'Content-Transfer-Encoding: base64\r\n',
  'Content-Transfer-Encoding: quoted-printable\r\n', '=?utf-8?B?', '=?gbk?Q?=D6=D0?=', '=?utf-8?B?5YyX5Lqs?=', '=?x?Q?', '?=', '=\r\n', '=ZZ', '=C3=28',
  'Content-Disposition: attachment; filename="../../a.exe"\r\n', "filename*=utf-8''%E4%B8%AD.png", 'Message-ID: <a@b>\r\n', 'In-Reply-To: <x@y>\r\n',
  'References: <1@a> <2@b>\r\n', 'From: "a" <>\r\n', 'From: <@>\r\n', 'Subject: [12345-1234567890] re\r\n', 'Auto-Submitted: auto-replied\r\n',
  'Content-Type: message/rfc822\r\n\r\n', '\u0000', '\u00ff\u00fe', '\xe4\xb8', 'begin 644 a.txt\r\n', '<html><body>', '<script>', '&#0;',
];

function generatedMail(): Arbitrary<string> {
  const header = fc.tuple(
    fc.constantFrom('From', 'To', 'Subject', 'Message-ID', 'In-Reply-To', 'References', 'Content-Type', 'Content-Transfer-Encoding', 'Reply-To', 'Date', 'X-Loop', 'Precedence'),
    nastyString(60),
  );
  return fc
    .record({ headers: fc.array(header, { maxLength: 10 }), body: nastyString(400), lineEnd: fc.constantFrom('\r\n', '\n') })
    .map(({ headers, body, lineEnd }) => `${headers.map(([k, v]) => `${k}: ${v}`).join(lineEnd)}${lineEnd}${lineEnd}${body}`);
}

export function mimeInputs(): Arbitrary<Buffer> {
  const fixtures = [...fixtureFiles('mime/good', '.eml'), ...fixtureFiles('mime/bad', '.eml')];
  const fixture = fc.constantFrom(...fixtures);
  return fc.oneof(
    { weight: 1, arbitrary: fixture },
    { weight: 6, arbitrary: fixture.chain((bytes) => textMutations(bytes.toString('latin1'), MIME_SNIPPETS)).map((text) => Buffer.from(text, 'latin1')) },
    { weight: 2, arbitrary: fixture.chain((bytes) => damagedBytes(bytes)) },
    { weight: 2, arbitrary: generatedMail().map((text) => Buffer.from(text, 'utf8')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10, max: 400 }).map((depth) => {
        let body = 'Content-Type: text/plain\r\n\r\nhello';
        for (let i = 0; i < depth; i += 1) body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--`;
        return Buffer.from(`From: a@example.com\r\nSubject: deep\r\n${body}`, 'latin1');
      }),
    },
  );
}

export async function start(): Promise<FuzzSession<{ raw: Buffer; mailFrom: string }>> {
  const scratch = await fuzzScratch('mime');
  const errors = new ErrorTally();
  const log = errors.log as Log;
  const created = await createIntake({ redis: singleRedis(FUZZ_REDIS_URL), prefix: scratch.prefix, dataDir: scratch.dataDir, log });
  const redis = failFastRedis(singleRedis(FUZZ_REDIS_URL), { name: 'thread index', log });
  await untilReady(redis, 3000);
  const accept = parseAcceptList('12345@hotline.example,@hotline.example');
  const mailIntake = new EmailIntake({
    intake: created.intake,
    access: testCaseAccess(created.intake, { keys: created.caseKeys, log }),
    attachments: new ContentStore({ dir: join(scratch.dataDir, 'attachments'), maxBytes: 1024 * 1024 }),
    parser: new MailparserMailParser({ timeoutMs: 5_000 }),
    threads: new RedisThreadIndex(redis, scratch.prefix),
    acknowledgements: null,
    isOwnAddress: (address) => isAcceptedRecipient(address, accept),
    newMessageId: () => `${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 16)}@hotline.example`,
  });
  return {
    arbitrary: fc.record({ raw: mimeInputs(), mailFrom: fc.oneof({ weight: 6, arbitrary: fc.constant('citizen@example.cn') }, { weight: 1, arbitrary: nastyString(40) }) }),
    check: async ({ raw, mailFrom }) => {
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const envelope: Envelope = { mailFrom, rcptTo: ['12345@hotline.example'] };
      const logged = errors.count;
      try {
        await mailIntake.receive(envelope, { id: `sha256:${sha256}`, sha256, size: raw.length, bytes: raw }, log);
      } catch (err) {
        throw new FuzzViolation(`a mail was not filed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
      errors.assertNoneSince(logged, 'mail intake');
    },
    async close() {
      await created.close();
      await closeRedis(redis);
      await scratch.remove();
    },
  };
}
