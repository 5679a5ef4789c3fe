// The real SMTP intake server (smtp-server, the email channel as src/main.ts starts it, real intake) over a socket:
// each input is one session of command lines, well formed or not (unknown verbs, broken addresses, NUL bytes,
// invalid UTF-8, bare LF, 5,000-character lines, everything pipelined at once), with a DATA body that is a MIME
// target input. Every reply is a proper SMTP reply; a DATA the server took ends in 250 (never 451: Redis is up);
// the session ends on QUIT; nothing is logged at error level; and the server keeps taking new sessions.

import { testCaseAccess } from '../../support/case-access.js';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { startEmailChannel } from '../../../src/adapters/email/start-email-channel.js';
import { ContentStore } from '../../../src/adapters/attachments/content-store.js';
import { createIntake } from '../../../src/adapters/intake/create-intake.js';
import type { Log } from '../../../src/app/app-ports.js';
import { FuzzViolation } from '../fuzz-target.js';
import type { FuzzSession } from '../fuzz-target.js';
import { damagedBytes, edgeCharacter, nastyString } from '../support/arbitraries.js';
import { ErrorTally } from '../support/error-tally.js';
import { FUZZ_REDIS_URL, fuzzScratch } from '../support/scratch.js';
import { mimeInputs } from './mime.js';
import { join } from 'node:path';
import { singleRedis } from '../../support/redis.js';

const MAILBOX = '12345@hotline.example';
/** SMTP_MAX_BYTES of the fuzzed server: a larger mail is rightly refused (552), so it need not be filed. */
const MAX_BYTES = 256 * 1024;

interface Session {
  /** The bytes the client sends, in the chunks it sends them. */
  readonly chunks: readonly Buffer[];
  /** Whether the DATA body is well framed (ends in CRLF.CRLF after a 354). */
  readonly framedData: boolean;
}

function command(): Arbitrary<string> {
  const verb = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('EHLO fuzz.example', 'HELO fuzz', `MAIL FROM:<citizen@example.cn>`, `RCPT TO:<${MAILBOX}>`, 'RSET', 'NOOP', 'VRFY x', 'HELP', 'STARTTLS', 'AUTH PLAIN AGZ1enoAeA==', 'BDAT 10', 'EXPN x') },
    { weight: 2, arbitrary: fc.constantFrom('MAIL FROM:<', 'MAIL FROM:<>', 'MAIL FROM:<a@b> SIZE=99999999999', 'MAIL FROM:<a@b> BODY=8BITMIME SMTPUTF8', `RCPT TO:<${MAILBOX}> NOTIFY=NEVER`, 'RCPT TO:<someone@elsewhere.example>', 'RCPT TO:<"\\"@hotline.example>', 'RCPT TO:<@hotline.example>', 'MAIL FROM: <a@b>') },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('EHLO ', 'MAIL FROM:<', 'RCPT TO:<', 'VRFY ', ''), nastyString(60)).map(([v, s]) => v + s.replace(/[\r\n]/g, '')) },
    { weight: 1, arbitrary: fc.integer({ min: 600, max: 6000 }).map((n) => `EHLO ${'a'.repeat(n)}`) },
    { weight: 1, arbitrary: edgeCharacter().map((c) => `NOOP ${c}`) },
  );
  return verb;
}

function sessions(): Arbitrary<Session> {
  const lineEnd = fc.constantFrom('\r\n', '\r\n', '\r\n', '\n');
  // Before a mail that must be filed, only commands that leave the session usable.
  const harmless = fc.constantFrom('NOOP', 'RSET', 'HELP', 'VRFY postmaster', 'HELO fuzz', 'RCPT TO:<someone@elsewhere.example>');
  const proper = fc.record({ mail: mimeInputs(), before: fc.array(harmless, { maxLength: 3 }), end: lineEnd }).map(({ mail, before, end }) => {
    // Dot-stuffing, as a client must; the body ends with CRLF before the final dot.
    const body = mail.toString('latin1').replace(/(^|\n)\./g, '$1..');
    const text = [...before, 'EHLO fuzz.example', 'MAIL FROM:<citizen@example.cn>', `RCPT TO:<${MAILBOX}>`, 'DATA'].join(end) + end;
    return { text, data: `${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, framed: true };
  });
  const garbage = fc.record({ commands: fc.array(command(), { minLength: 1, maxLength: 12 }), end: lineEnd, data: fc.option(nastyString(200), { freq: 2 }) }).map(({ commands, end, data }) => ({
    text: commands.join(end) + end,
    data: data === null ? '' : `DATA\r\n${data}\r\n.\r\n`,
    framed: false,
  }));
  const raw = fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ text: Buffer.from(bytes).toString('latin1'), data: '\r\n', framed: false }));
  return fc
    .oneof({ weight: 3, arbitrary: proper }, { weight: 3, arbitrary: garbage }, { weight: 1, arbitrary: raw })
    .chain((s) => {
      const bytes = Buffer.concat([Buffer.from(s.text, 'latin1'), Buffer.from(s.data, 'latin1'), Buffer.from('QUIT\r\n')]);
      const sent = s.framed ? fc.constant(bytes) : fc.oneof(fc.constant(bytes), damagedBytes(bytes).map((b) => Buffer.concat([b, Buffer.from('\r\n.\r\nQUIT\r\n')])));
      return sent.chain((all) =>
        fc.array(fc.nat(all.length), { maxLength: 4 }).map((cuts): Session => {
          const points = [...new Set([0, ...cuts, all.length])].sort((a, b) => a - b);
          const session = { chunks: points.slice(1).map((end, i) => all.subarray(points[i], end)), framedData: s.framed && all.length < MAX_BYTES };
          return Object.assign(session, { [fc.toStringMethod]: () => `framed=${s.framed} ${JSON.stringify(all.toString('latin1').slice(0, 1500))} (${all.length} bytes in ${session.chunks.length} chunks)` });
        }),
      );
    });
}

/**
 * Plays a session and resolves with the server's replies once it closes the connection. A session whose damage
 * left DATA open would wait for the rest until the socket timeout: after a quiet spell the client ends its side.
 * Not at once, because smtp-server drops a half-closed session even while it is still filing its mail.
 */
function converse(port: number, session: Session): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    // A framed mail's session ends with QUIT: the long wait only matters on a machine too loaded to file it in time.
    const quietMs = session.framedData ? 20_000 : 100;
    let replies = '';
    let quiet: NodeJS.Timeout | undefined;
    const wait = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => socket.end(), quietMs);
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      replies += chunk;
      wait();
    });
    socket.on('close', () => {
      clearTimeout(quiet);
      resolve(replies);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    socket.once('data', () => {
      for (const chunk of session.chunks) if (!socket.destroyed) socket.write(chunk);
    });
  });
}

export async function start(): Promise<FuzzSession<Session>> {
  const scratch = await fuzzScratch('smtp');
  const errors = new ErrorTally();
  const log = errors.log as Log;
  const created = await createIntake({ redis: singleRedis(FUZZ_REDIS_URL), prefix: scratch.prefix, dataDir: scratch.dataDir, log });
  const channel = await startEmailChannel({
    intake: created.intake,
    access: testCaseAccess(created.intake, { keys: created.caseKeys, log }),
    attachments: new ContentStore({ dir: join(scratch.dataDir, 'attachments'), maxBytes: 1024 * 1024 }),
    redis: singleRedis(FUZZ_REDIS_URL),
    prefix: scratch.prefix,
    dataDir: scratch.dataDir,
    log,
    port: 0,
    host: '127.0.0.1',
    serverName: 'fuzz.hotline.example',
    accept: MAILBOX,
    maxBytes: MAX_BYTES,
    closeTimeoutMs: 1_000,
  });
  return {
    arbitrary: sessions(),
    check: async (session) => {
      const logged = errors.count;
      const replies = await converse(channel.port, session);
      const lines = replies.split('\r\n').filter((line) => line !== '');
      const bad = lines.find((line) => !/^[2-5][0-9]{2}[ -]/.test(line));
      if (bad !== undefined) throw new FuzzViolation(`not an SMTP reply: ${JSON.stringify(bad.slice(0, 200))} in ${JSON.stringify(replies.slice(0, 1500))}`);
      // A client gone in the middle of DATA is rightly told 451 (incomplete); a complete, framed mail never is.
      if (session.framedData && lines.some((line) => line.startsWith('451'))) throw new FuzzViolation(`the server asked to retry later with Redis up: ${JSON.stringify(replies.slice(0, 1500))}`);
      if (session.framedData && !lines.some((line) => /^250 .*ticket/i.test(line))) {
        throw new FuzzViolation(`a well-framed mail was not filed: ${JSON.stringify(replies.slice(0, 1500))}`);
      }
      errors.assertNoneSince(logged, 'SMTP session');
    },
    async close() {
      await channel.close();
      await created.close();
      await scratch.remove();
    },
  };
}
