// Figures, ratios and verdicts of the channels benchmark. A report, not a test: a missed target is printed as FAIL
// but does not change the exit code.

import { ms, perSecond, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import { machineNote } from '../shared/machine.js';
import type { MachineInfo } from '../shared/machine.js';
import type { WindowResult } from '../shared/measured-window.js';
import type { BaselineResult } from '../shared/raw-queue-baseline.js';
import type { ChannelsBenchOptions } from './options.js';

export const TARGETS = { wechatRatio: 0.5, smtpRatio: 0.5 } as const;

export interface WechatResult extends WindowResult {
  /** Replies decrypted and checked for a ticket over the whole run (one in 50). */
  readonly verifiedReplies: number;
}

export interface ChannelsReport {
  readonly options: ChannelsBenchOptions;
  readonly machine: MachineInfo;
  readonly wechat: WechatResult;
  readonly smtp: WindowResult;
  readonly baseline: BaselineResult;
  /** A bare smtp-server doing queue.add only, under the same SMTP client and connections (see smtp-floor-subject.ts). */
  readonly smtpFloor: WindowResult;
  readonly wechatRatio: number;
  readonly smtpRatio: number;
  /** The gateway's SMTP rate over the floor's: its own cost, with SMTP's cost on these cores taken out. */
  readonly smtpFloorRatio: number;
  readonly verdicts: readonly Verdict[];
  readonly notes: readonly string[];
}

export function buildReport(
  options: ChannelsBenchOptions,
  machine: MachineInfo,
  wechat: WechatResult,
  smtp: WindowResult,
  baseline: BaselineResult,
  smtpFloor: WindowResult,
): ChannelsReport {
  const of = (channel: WindowResult): number => (baseline.perSecond === 0 ? 0 : channel.perSecond / baseline.perSecond);
  const wechatRatio = of(wechat);
  const smtpRatio = of(smtp);
  const smtpFloorRatio = smtpFloor.perSecond === 0 ? 0 : smtp.perSecond / smtpFloor.perSecond;
  const failures = (w: WindowResult): string => `${w.failed} failed${w.errors[0] === undefined ? '' : ` (first: ${w.errors[0]})`}`;
  const verdicts: Verdict[] = [
    {
      target: `WeChat messages/s (safe mode, ${options.concurrency} in flight) >= ${TARGETS.wechatRatio} x raw queue.add/s`,
      measured: `${wechatRatio.toFixed(2)} x (${perSecond(wechat.perSecond)} vs ${perSecond(baseline.perSecond)})`,
      pass: wechatRatio >= TARGETS.wechatRatio,
    },
    {
      target: `SMTP messages/s (${options.smtpConnections} connections) >= ${TARGETS.smtpRatio} x raw queue.add/s`,
      measured: `${smtpRatio.toFixed(2)} x (${perSecond(smtp.perSecond)} vs ${perSecond(baseline.perSecond)})`,
      pass: smtpRatio >= TARGETS.smtpRatio,
    },
    {
      target: 'every message taken (WeChat 200 with an encrypted reply, SMTP 250 with a ticket)',
      measured: `WeChat ${failures(wechat)}, SMTP ${failures(smtp)}, ${wechat.verifiedReplies} replies decrypted and checked`,
      pass: wechat.failed === 0 && smtp.failed === 0 && baseline.failed === 0,
    },
  ];
  const notes = [
    machineNote(machine),
    'One gateway process runs both channels over one intake (as src/main.ts wires them); the channels are loaded one after the other. No merge window (each message is its own submission) and no media worker; otherwise production defaults.',
    'WeChat: POST /wechat in safe mode, each push a text message (Mandarin or English) from its own openid with its own MsgId, encrypted and signed with the project\'s WechatCipher and wechatSignature, over a keep-alive undici Pool; done = 200 with an encrypted passive reply (one in 50 decrypted: its signature checked and a ticket in it).',
    'SMTP: nodemailer pooled transport, plain-text mails from distinct senders with distinct Message-IDs to the hotline address; done = 250 with the ticket, which the gateway sends only after the raw mail is fsynced and the submission is queued. No relay, so no acknowledgements.',
    'messages/s: done messages in the measured window divided by the window from its first request to its last answer; each window follows an unmeasured warm-up.',
    'raw queue.add: BullMQ Queue.add of WeChat and e-mail jobs the gateway itself produced in this run (read back from its queue), each under a new job id, with intake\'s job options, to the same Redis under another prefix, with --concurrency adds in flight.',
    `SMTP floor: a bare smtp-server in its own process, set up like the gateway's (same size limit and sessions, no AUTH or STARTTLS), driven by the same SMTP client over the same ${options.smtpConnections} connections; it takes any recipient, collects the message into one buffer, adds it as the job with intake's job options and answers 250 with a ticket once the add resolved; no parsing, raw-mail file, fsync, records or logging. It reached ${ratio(smtpFloor.perSecond, baseline.perSecond)} of the raw rate: that much of queue.add survives SMTP alone (and the client's ${options.smtpConnections} connections, one mail in flight each) on these cores, whatever the gateway does. "SMTP/floor" is the gateway's share of that.`,
    'CPU per message: process CPU (user + system) during the window divided by the messages it ran; Redis CPU and commands from INFO (the commands inside Lua scripts included). "client" is the load generator (WeChat, SMTP) or the caller of queue.add (raw).',
  ];
  return { options, machine, wechat, smtp, baseline, smtpFloor, wechatRatio, smtpRatio, smtpFloorRatio, verdicts, notes };
}

export function formatReport(report: ChannelsReport): string {
  const { wechat: w, smtp: s, baseline: b, smtpFloor: f } = report;
  const rows = [
    ['', 'WeChat (safe mode)', 'SMTP', 'raw queue.add', 'SMTP floor', 'SMTP/floor'],
    ['in flight', String(w.concurrency), String(s.concurrency), String(b.concurrency), String(f.concurrency), ''],
    ['messages per second', w.perSecond.toFixed(1), s.perSecond.toFixed(1), b.perSecond.toFixed(1), f.perSecond.toFixed(1), ratio(s.perSecond, f.perSecond)],
    ['x raw queue.add', ratio(w.perSecond, b.perSecond), ratio(s.perSecond, b.perSecond), '', ratio(f.perSecond, b.perSecond), ''],
    ['in the window', String(w.operations), String(s.operations), String(b.operations), String(f.operations), ''],
    ['latency p50', ms(w.p50Ms), ms(s.p50Ms), ms(b.p50Ms), ms(f.p50Ms), ratio(s.p50Ms, f.p50Ms)],
    ['latency p99', ms(w.p99Ms), ms(s.p99Ms), ms(b.p99Ms), ms(f.p99Ms), ratio(s.p99Ms, f.p99Ms)],
    ['latency max', ms(w.maxMs), ms(s.maxMs), ms(b.maxMs), ms(f.maxMs), ''],
    ['gateway CPU per message', ms(w.subjectCpuMs), ms(s.subjectCpuMs), '', ms(f.subjectCpuMs), ratio(s.subjectCpuMs, f.subjectCpuMs)],
    ['client CPU per message', ms(w.clientCpuMs), ms(s.clientCpuMs), ms(b.clientCpuMs), ms(f.clientCpuMs), ''],
    ['Redis CPU per message', ms(w.redisCpuMs), ms(s.redisCpuMs), ms(b.redisCpuMs), ms(f.redisCpuMs), ratio(s.redisCpuMs, f.redisCpuMs)],
    ['Redis commands per message', w.redisCommands.toFixed(1), s.redisCommands.toFixed(1), b.redisCommands.toFixed(1), f.redisCommands.toFixed(1), ratio(s.redisCommands, f.redisCommands)],
    ['failed', String(w.failed), String(s.failed), String(b.failed), String(f.failed), ''],
  ];
  const o = report.options;
  const heading = `Channels benchmark: WeChat safe mode at ${o.concurrency} in flight, SMTP and the SMTP floor over ${o.smtpConnections} connections, raw queue.add at ${o.concurrency} in flight; ${o.warmupMs} ms warm-up + ${o.durationMs} ms measured each; LOG_LEVEL=${o.logLevel}`;
  return reportText([heading], rows, report.verdicts, report.notes);
}
