import { describe, expect, it } from 'vitest';
import { AcknowledgementDispatcher } from '../../../src/app/email/acknowledgement-dispatcher.js';
import type { AckLimiter, MailSender, OutgoingMail } from '../../../src/app/email/email-ports.js';
import { MailSendRejectedError } from '../../../src/app/email/email-ports.js';
import { RecordingLog } from '../../support/logs.js';

const MAIL: OutgoingMail = { to: 'citizen@example.cn', subject: 'Re: x [12345-000042424]', text: 't', messageId: 'ack@hotline.example', references: [] };
const CONTEXT = { submissionId: 'S', ticket: '000042424' };

/** A sender that fails the first `failures` attempts and resolves `done` when one succeeds. */
function flakySender(failures: number, error: () => Error = () => new Error('connection refused')) {
  let attempts = 0;
  let resolveDone!: (n: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const sender: MailSender = {
    send: async () => {
      attempts++;
      if (attempts <= failures) throw error();
      resolveDone(attempts);
    },
  };
  return { sender, done, attempts: () => attempts };
}

const allowAll: AckLimiter = { allow: async () => true };

describe('AcknowledgementDispatcher', () => {
  it('sends in the background and retries until the relay takes it', async () => {
    const { log, lines } = new RecordingLog();
    const flaky = flakySender(2);
    const dispatcher = new AcknowledgementDispatcher({ sender: flaky.sender, limiter: allowAll, log, retryDelaysMs: [1, 1, 1] });
    dispatcher.dispatch(MAIL, CONTEXT);
    expect(await flaky.done).toBe(3);
    await dispatcher.close();
    expect(lines.filter((l) => l.msg === 'acknowledgement not sent; will retry')).toHaveLength(2);
    expect(lines.find((l) => l.msg === 'acknowledgement sent')?.fields).toMatchObject({ attempt: 3, to: 'c***@example.cn', ticket: '000042424' });
  });

  it('gives up after the last retry', async () => {
    const recorded = new RecordingLog();
    const { log } = recorded;
    const flaky = flakySender(100);
    const dispatcher = new AcknowledgementDispatcher({ sender: flaky.sender, limiter: allowAll, log, retryDelaysMs: [1, 1] });
    dispatcher.dispatch(MAIL, CONTEXT);
    await recorded.waitFor((l) => l.msg === 'acknowledgement not sent: giving up');
    expect(flaky.attempts()).toBe(3);
    await dispatcher.close();
  });

  it('does not retry what the relay refused for good', async () => {
    const recorded = new RecordingLog();
    const { log } = recorded;
    const flaky = flakySender(100, () => new MailSendRejectedError('550 no such user', 550));
    const dispatcher = new AcknowledgementDispatcher({ sender: flaky.sender, limiter: allowAll, log, retryDelaysMs: [1, 1] });
    dispatcher.dispatch(MAIL, CONTEXT);
    await recorded.waitFor((l) => l.msg === 'acknowledgement refused by the relay; not retried');
    await dispatcher.close();
    expect(flaky.attempts()).toBe(1);
  });

  it('sends nothing over the per-address cap, and sends anyway when the cap cannot be checked', async () => {
    const { log, lines } = new RecordingLog();
    const flaky = flakySender(0);
    const capped = new AcknowledgementDispatcher({ sender: flaky.sender, limiter: { allow: async () => false }, log, retryDelaysMs: [] });
    capped.dispatch(MAIL, CONTEXT);
    await capped.close();
    expect(flaky.attempts()).toBe(0);
    expect(lines.some((l) => l.msg.startsWith('acknowledgement not sent: too many to this address'))).toBe(true);

    const unchecked = new AcknowledgementDispatcher({ sender: flaky.sender, limiter: { allow: async () => Promise.reject(new Error('Redis down')) }, log, retryDelaysMs: [] });
    unchecked.dispatch(MAIL, CONTEXT);
    await unchecked.close();
    expect(flaky.attempts()).toBe(1);
  });

  it('drops pending retries at close and sends nothing after', async () => {
    const recorded = new RecordingLog();
    const { log, lines } = recorded;
    const flaky = flakySender(100);
    const dispatcher = new AcknowledgementDispatcher({ sender: flaky.sender, limiter: allowAll, log, retryDelaysMs: [60_000] });
    dispatcher.dispatch(MAIL, CONTEXT);
    await recorded.waitFor((l) => l.msg === 'acknowledgement not sent; will retry');
    await dispatcher.close();
    expect(lines.some((l) => l.msg === 'acknowledgements waiting for a retry are dropped at shutdown')).toBe(true);
    dispatcher.dispatch(MAIL, CONTEXT);
    expect(flaky.attempts()).toBe(1);
  });
});
