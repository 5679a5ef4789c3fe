// Given the e-mail channel on loopback with the real intake and a relay that collects acknowledgements, when the
// swaks lines of README's "Email from the command line (swaks)" run as printed (bash, in a temporary directory),
// then each is a canonical submission in the intake queue: GBK and GB18030 decoded, the photo attached, the reply
// to an acknowledgement a follow-up of its ticket, and the auto-replies flagged and never answered, so no loop.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketTag } from '../../../src/domain/email/ticket-in-subject.js';
import type { Submission } from '../../../src/domain/intake/submission.js';
import { validateSubmission } from '../../../src/domain/intake/validate-submission.js';
import { HOTLINE, PNG, startEmailHarness } from './email-harness.js';
import type { EmailHarness } from './email-harness.js';

const CITIZEN = 'li.lei@example.cn';

let h: EmailHarness;
let workDir: string;
let commands: string[];
const env: Record<string, string> = {};

beforeAll(async () => {
  h = await startEmailHarness();
  workDir = await mkdtemp(join(tmpdir(), 'swaks-readme-'));
  await writeFile(join(workDir, 'photo.png'), PNG);
  Object.assign(env, process.env, { SMTP: `127.0.0.1:${h.port}` });
  commands = readmeCommands('### Email from the command line (swaks)');
});
afterAll(async () => {
  await h?.close();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

/** The commands of the first `sh` block after `heading`, comments dropped and continuation lines joined. */
function readmeCommands(heading: string): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(heading)))?.[1];
  if (block === undefined) throw new Error(`README has no sh block after ${heading}`);
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

function bash(command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: workDir, env, timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Runs the README command that sends `messageId` (and the `iconv` line before it, if any); returns the ticket. */
async function send(messageId: string): Promise<string> {
  const index = commands.findIndex((c) => c.startsWith('swaks') && c.includes(`<${messageId}>'`));
  expect(index, `README sends <${messageId}>`).toBeGreaterThanOrEqual(0);
  const before = commands[index - 1];
  if (before !== undefined && !before.startsWith('swaks')) expect((await bash(before)).code).toBe(0);
  const result = await bash(commands[index]!);
  expect(result.code, result.output).toBe(0);
  const ticket = /<- +250 2\.0\.0 Accepted, ticket \[12345-(\d+)\]/.exec(result.output)?.[1];
  expect(ticket, result.output).toBeDefined();
  return ticket!;
}

/** The job intake queued for the mail, checked against the published schema. */
async function submissionOf(messageId: string): Promise<Submission> {
  const job = await h.job(`email:${messageId}`);
  expect(job, `job for <${messageId}>`).toBeDefined();
  const submission = job!.data;
  expect(validateSubmission(submission)).toEqual([]);
  expect(submission.channel).toBe('email');
  expect(submission.refs.emailMessageId).toBe(messageId);
  expect(submission.text).not.toContain('\uFFFD');
  return submission;
}

describe("README's swaks lines, end to end into the intake queue", () => {
  let first: Submission;
  let ackId: string;

  it('GBK: an 8-bit body and an encoded-word subject, decoded', async () => {
    const ticket = await send('gbk-1@example.cn');
    first = await submissionOf('gbk-1@example.cn');
    expect(first.ticket).toBe(ticket);
    expect(first.text).toContain('朝阳路井盖缺失');
    expect(first.text).toContain('朝阳路12号门前井盖缺失，夜里很危险。');
    expect(first.contact).toMatchObject({ anonymous: false, email: CITIZEN });

    const ack = await h.sink.nextTo(CITIZEN);
    expect(ack.parsed.subject).toBe(`Re: 朝阳路井盖缺失 ${ticketTag(ticket)}`);
    ackId = ack.parsed.messageId ?? '';
    expect(ackId).toMatch(/^<.+>$/);
    env['TICKET'] = ticket;
    env['ACK_ID'] = ackId;
  });

  it('GB18030 with a photo: base64 MIME parts, a character outside GBK, the picture attached', async () => {
    const ticket = await send('gb18030-1@example.cn');
    const submission = await submissionOf('gb18030-1@example.cn');
    expect(submission.ticket).toBe(ticket);
    expect(submission.text).toContain('小区垃圾三天无人清运𠀀');
    expect(submission.text).toContain('垃圾已经三天没有清运了，𠀀。');
    expect(submission.attachments).toHaveLength(1);
    expect(submission.attachments[0]).toMatchObject({ mimeType: 'image/png', mediaKind: 'image', originalName: 'photo.png', size: PNG.length });
    expect((await h.sink.nextTo('wang.fang@example.cn')).parsed.subject).toContain(ticketTag(ticket));
  });

  it('a reply to the acknowledgement (In-Reply-To, References) is a follow-up of the first ticket', async () => {
    const ticket = await send('gbk-2@example.cn');
    const reply = await submissionOf('gbk-2@example.cn');
    expect(reply.ticket).toBe(ticket);
    expect(reply.refs.followUpOf).toBe(first.id);
    expect(reply.refs.emailInReplyTo).toBe(ackId.slice(1, -1));
    expect(reply.refs.emailReferences).toEqual(['gbk-1@example.cn', ackId.slice(1, -1)]);
    expect(reply.text).toContain('补充：井盖旁边还有一个大坑。');
    expect(reply.hints.autoReply).toBeUndefined();
    const ack = await h.sink.nextTo(CITIZEN);
    expect(ack.parsed.subject).toBe(`Re: 朝阳路井盖缺失 ${ticketTag(first.ticket)}`);
    expect(ack.parsed.text).toContain(`已并入工单 ${first.ticket}`);
  });

  it('auto-replies to the acknowledgement are filed, flagged, and never answered: no loop', async () => {
    await send('vacation-1@example.cn');
    expect((await submissionOf('vacation-1@example.cn')).hints.autoReply).toEqual({ reason: 'auto-submitted' });
    await send('vacation-2@example.cn');
    const bySubject = await submissionOf('vacation-2@example.cn');
    expect(bySubject.hints.autoReply).toEqual({ reason: 'auto-reply-subject' });
    expect(bySubject.text).toContain('自动回复：Re: 朝阳路井盖缺失');

    // Acknowledgements leave in order: the next one to the citizen is for this later, ordinary mail, so neither
    // auto-reply drew one (which the responder would have answered again).
    const marker = await bash(
      `swaks --server "$SMTP" --from ${CITIZEN} --to ${HOTLINE} --header 'Subject: back from holiday' --header 'Message-ID: <after-vacation@example.cn>' --body 'The manhole is still open.'`,
    );
    expect(marker.code, marker.output).toBe(0);
    const markerTicket = (await submissionOf('after-vacation@example.cn')).ticket;
    expect((await h.sink.nextTo(CITIZEN)).parsed.subject).toContain(ticketTag(markerTicket));
    expect(h.sink.allTo(CITIZEN)).toHaveLength(3);
  });

  it('a line sent again is the same ticket, queued once', async () => {
    const before = await h.jobCount();
    expect(await send('gbk-1@example.cn')).toBe(first.ticket);
    expect(await h.jobCount()).toBe(before);
  });
});
