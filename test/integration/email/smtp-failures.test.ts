// What the sender hears when something on our side is wrong (451: try again later, and nothing was promised), and
// the channel's configurations: no relay (nothing acknowledged), STARTTLS with a certificate, a Redis the thread
// index cannot reach.

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmailChannel } from '../../../src/adapters/email/start-email-channel.js';
import { silentLog } from '../../../src/app/app-ports.js';
import { HOTLINE, PNG, smtpDialog, startEmailHarness } from './email-harness.js';
import { singleRedis } from '../../support/redis.js';

const run = promisify(execFile);

interface SendError {
  readonly responseCode?: number;
  readonly response?: string;
}

async function sendExpectingError(send: () => Promise<unknown>): Promise<SendError> {
  try {
    await send();
  } catch (err) {
    return err as SendError;
  }
  throw new Error('the send was accepted');
}

describe('e-mail channel: temporary failures answer 451', () => {
  it('when intake can neither reach Redis nor write its spool', async () => {
    const h = await startEmailHarness({ intake: { redis: singleRedis('redis://127.0.0.1:1'), connectWaitMs: 100 } });
    try {
      const spool = join(h.dataDir, 'spool');
      await rm(spool, { recursive: true, force: true });
      await writeFile(spool, 'not a directory');
      const error = await sendExpectingError(() =>
        h.client.sendMail({ from: 'retry@citizen.example.cn', to: HOTLINE, subject: 'retry me', text: 'please file this', messageId: '<retry-1@citizen.example.cn>' }),
      );
      expect(error.responseCode).toBe(451);
      expect(error.response).toBe('451 4.3.0 Temporary local problem, please try again later');
      expect(h.created.spooled()).toBe(0);
      expect(h.logLines.some((l) => l.msg === 'mail not filed: sender asked to retry')).toBe(true);
      // Nothing was promised, so nothing is acknowledged.
      expect(h.sink.received).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  it('when the raw message cannot be stored', async () => {
    const h = await startEmailHarness();
    try {
      const tmp = join(h.dataDir, 'mail', 'tmp');
      await rm(tmp, { recursive: true, force: true });
      await writeFile(tmp, 'not a directory');
      const error = await sendExpectingError(() =>
        h.client.sendMail({ from: 'disk@citizen.example.cn', to: HOTLINE, subject: 'disk', text: 'disk trouble', messageId: '<disk-1@citizen.example.cn>' }),
      );
      expect(error.responseCode).toBe(451);
      expect(await h.job('email:disk-1@citizen.example.cn')).toBeUndefined();
      expect(h.logLines.some((l) => l.msg === 'raw mail could not be stored: sender asked to retry')).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('when the attachment store cannot write (a refused file type, by contrast, never refuses the mail)', async () => {
    const h = await startEmailHarness();
    try {
      const attachments = join(h.dataDir, 'attachments');
      await rm(attachments, { recursive: true, force: true });
      await writeFile(attachments, 'not a directory');
      const error = await sendExpectingError(() =>
        h.client.sendMail({
          from: 'photo@citizen.example.cn',
          to: HOTLINE,
          subject: 'photo',
          text: 'see photo',
          messageId: '<store-1@citizen.example.cn>',
          attachments: [{ filename: 'p.png', content: PNG }],
        }),
      );
      expect(error.responseCode).toBe(451);
      expect(await h.job('email:store-1@citizen.example.cn')).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});

describe('e-mail channel without a relay', () => {
  it('files mail and sends no acknowledgement, saying so once at start-up', async () => {
    const h = await startEmailHarness({ noRelay: true });
    try {
      const info = await h.client.sendMail({ from: 'quiet@citizen.example.cn', to: HOTLINE, subject: 'quiet', text: 'no answer expected', messageId: '<quiet-1@citizen.example.cn>' });
      expect(info.response).toMatch(/^250 /);
      expect((await h.job('email:quiet-1@citizen.example.cn'))?.data.text).toContain('no answer expected');
      expect(h.logLines.filter((l) => l.msg.startsWith('SMTP_RELAY_URL is not set'))).toHaveLength(1);
      expect(h.logLines.find((l) => l.msg === 'mail filed')?.fields['acknowledgement']).toBe('no-relay');
      expect(h.sink.received).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});

describe('e-mail channel whose thread index cannot reach Redis', () => {
  it('still files mail (threading by subject ticket only) and acknowledges it', async () => {
    const h = await startEmailHarness({ channel: { redis: singleRedis('redis://127.0.0.1:1'), connectWaitMs: 100 } });
    try {
      const info = await h.client.sendMail({
        from: 'nothread@citizen.example.cn',
        to: HOTLINE,
        subject: 'reply without index',
        text: 'a reply',
        messageId: '<nothread-1@citizen.example.cn>',
        inReplyTo: '<some-ack@hotline.example>',
      });
      expect(info.response).toMatch(/^250 /);
      expect((await h.job('email:nothread-1@citizen.example.cn'))?.data.refs.followUpOf).toBeUndefined();
      expect(h.logLines.some((l) => l.msg === 'thread index unavailable: linking by subject ticket only')).toBe(true);
      const ack = await h.sink.nextTo('nothread@citizen.example.cn');
      expect(ack.parsed.subject).toMatch(/^Re: reply without index \[12345-\d+\]$/);
    } finally {
      await h.close();
    }
  });
});

describe('e-mail channel with a certificate', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtp-tls-'));
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=mx.hotline.example', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('offers STARTTLS and takes mail over it', async () => {
    const h = await startEmailHarness({ channel: { tlsCertPath: join(dir, 'cert.pem'), tlsKeyPath: join(dir, 'key.pem') } });
    try {
      const ehlo = await smtpDialog(h.port, ['EHLO client.example']);
      expect(ehlo[1]).toContain('250-STARTTLS');
      expect(ehlo[1]).not.toContain('AUTH');
      const client = nodemailer.createTransport({ host: '127.0.0.1', port: h.port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
      try {
        const info = await client.sendMail({ from: 'tls@citizen.example.cn', to: HOTLINE, subject: 'over TLS', text: 'encrypted', messageId: '<tls-1@citizen.example.cn>' });
        expect(info.response).toMatch(/^250 /);
      } finally {
        client.close();
      }
      expect((await h.job('email:tls-1@citizen.example.cn'))?.data.text).toContain('encrypted');
    } finally {
      await h.close();
    }
  });

  it('refuses to start with only one of certificate and key, or an unreadable file', async () => {
    const common = {
      intake: {} as never,
      access: {} as never,
      attachments: {} as never,
      redis: singleRedis('redis://127.0.0.1:1'),
      prefix: 'unused',
      dataDir: dir,
      log: silentLog,
      port: 0,
      accept: HOTLINE,
    };
    await expect(startEmailChannel({ ...common, tlsCertPath: join(dir, 'cert.pem') })).rejects.toThrow(/SMTP_TLS_CERT and SMTP_TLS_KEY go together/);
    await expect(startEmailChannel({ ...common, tlsCertPath: join(dir, 'nope.pem'), tlsKeyPath: join(dir, 'key.pem') })).rejects.toThrow(/SMTP_TLS_CERT: cannot read/);
    await expect(startEmailChannel({ ...common, relayUrl: 'smtp://127.0.0.1:25' })).rejects.toThrow(/MAIL_FROM is required/);
    await expect(startEmailChannel({ ...common, accept: 'not a domain' })).rejects.toThrow(/SMTP_ACCEPT/);
    // Nothing was left behind by the refused starts.
    expect((await readdir(dir)).sort()).toEqual(['cert.pem', 'key.pem']);
  });
});

describe('e-mail channel when the client goes away mid-message', () => {
  it('keeps nothing and logs it as a disconnect', async () => {
    const h = await startEmailHarness();
    try {
      const socket = connect(h.port, '127.0.0.1');
      socket.setEncoding('utf8');
      let received = '';
      const waitFor = (pattern: RegExp) =>
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (pattern.test(received)) {
              socket.off('data', onData);
              resolve();
            }
          };
          const onData = (d: string): void => {
            received += d;
            check();
          };
          socket.on('data', onData);
          check();
        });
      await waitFor(/^220 /m);
      socket.write('EHLO client.example\r\nMAIL FROM:<gone@citizen.example.cn>\r\nRCPT TO:<12345@hotline.example>\r\nDATA\r\n');
      await waitFor(/^354 /m);
      const disconnected = new Promise<void>((resolve) => {
        const check = (): void => {
          if (h.logLines.some((l) => l.msg === 'SMTP client disconnected during DATA')) resolve();
          else setImmediate(check);
        };
        check();
      });
      socket.write('Subject: half\r\n\r\nthe first half of a messa');
      socket.destroy();
      await disconnected;
      expect(h.logLines.some((l) => l.level === 'error')).toBe(false);
      expect(await readdir(join(h.dataDir, 'mail', 'tmp'))).toEqual([]);
      expect(await h.jobCount()).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('e-mail channel with an attachment over the store limit', () => {
  it('files the mail without the file, and says so in the text and the acknowledgement', async () => {
    const h = await startEmailHarness({ channel: { maxBytes: 4 * 1024 * 1024 } });
    try {
      const big = Buffer.concat([PNG, Buffer.alloc(1536 * 1024)]);
      const info = await h.client.sendMail({
        from: 'bigphoto@citizen.example.cn',
        to: HOTLINE,
        subject: 'big photo',
        text: 'the photo is large',
        messageId: '<bigphoto-1@citizen.example.cn>',
        attachments: [
          { filename: 'huge.png', content: big, contentType: 'image/png' },
          { filename: 'small.png', content: PNG, contentType: 'image/png' },
        ],
      });
      expect(info.response).toMatch(/^250 /);
      const job = (await h.job('email:bigphoto-1@citizen.example.cn'))?.data;
      expect(job?.attachments.map((a) => a.originalName)).toEqual(['small.png']);
      expect(job?.text).toContain('huge.png（文件过大 / too large）');
      const ack = await h.sink.nextTo('bigphoto@citizen.example.cn');
      expect(ack.parsed.text).toContain('- huge.png：文件过大');
    } finally {
      await h.close();
    }
  });
});
