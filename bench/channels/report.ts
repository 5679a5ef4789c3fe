// Figures, ratios and verdicts of the channels benchmark: WeChat against a WeChat floor that also checks
// signatures and decrypts and encrypts, SMTP against the SMTP floor, both measured in the same run (issue 14's
// targets). A missed target is a FAIL line and exit code 1; with --smoke nothing is judged, only failed messages
// fail the run.

import { ms, perSecond, ratio, reportText } from '../shared/format.js';
import type { Verdict } from '../shared/format.js';
import { machineNote } from '../shared/machine.js';
import type { MachineInfo } from '../shared/machine.js';
import type { WindowResult } from '../shared/measured-window.js';
import type { BaselineResult } from '../shared/raw-queue-baseline.js';
import type { ChannelsBenchOptions } from './options.js';
import type { WechatFloorResult } from './wechat-floor.js';

export const TARGETS = { wechatFloorRatio: 0.6, smtpFloorRatio: 0.8 } as const;

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
  /** A bare fastify route that checks signatures, decrypts, adds and answers an encrypted signed reply (wechat-floor-subject.ts). */
  readonly wechatFloor: WechatFloorResult;
  /** A bare smtp-server doing queue.add only, under the same SMTP client and connections (see smtp-floor-subject.ts). */
  readonly smtpFloor: WindowResult;
  readonly wechatFloorRatio: number;
  readonly smtpFloorRatio: number;
  /** Judged (false with --smoke). */
  readonly judged: boolean;
  readonly verdicts: readonly Verdict[];
  readonly notes: readonly string[];
}

export function buildReport(
  options: ChannelsBenchOptions,
  machine: MachineInfo,
  wechat: WechatResult,
  smtp: WindowResult,
  baseline: BaselineResult,
  wechatFloor: WechatFloorResult,
  smtpFloor: WindowResult,
): ChannelsReport {
  const over = (x: WindowResult, floor: WindowResult): number => (floor.perSecond === 0 ? 0 : x.perSecond / floor.perSecond);
  const wechatFloorRatio = over(wechat, wechatFloor);
  const smtpFloorRatio = over(smtp, smtpFloor);
  const failures = (w: WindowResult): string => `${w.failed} failed${w.errors[0] === undefined ? '' : ` (first: ${w.errors[0]})`}`;
  const verdicts: Verdict[] = [
    {
      target: `WeChat messages/s (safe mode with reply, ${options.concurrency} in flight) >= ${TARGETS.wechatFloorRatio} x the WeChat floor's (signatures, AES both ways, queue.add)`,
      measured: `${wechatFloorRatio.toFixed(2)} x (${perSecond(wechat.perSecond)} vs ${perSecond(wechatFloor.perSecond)})`,
      pass: wechatFloorRatio >= TARGETS.wechatFloorRatio,
    },
    {
      target: `SMTP messages/s (${options.smtpConnections} connections, fsync before 250) >= ${TARGETS.smtpFloorRatio} x the SMTP floor's`,
      measured: `${smtpFloorRatio.toFixed(2)} x (${perSecond(smtp.perSecond)} vs ${perSecond(smtpFloor.perSecond)})`,
      pass: smtpFloorRatio >= TARGETS.smtpFloorRatio,
    },
    {
      target: 'every message taken (WeChat 200 with an encrypted reply, SMTP 250 with a ticket), by the gateway and the floors',
      measured: `WeChat ${failures(wechat)}, SMTP ${failures(smtp)}, WeChat floor ${failures(wechatFloor)}, SMTP floor ${failures(smtpFloor)}; ${wechat.verifiedReplies} gateway and ${wechatFloor.verifiedReplies} floor replies decrypted and checked`,
      pass: wechat.failed === 0 && smtp.failed === 0 && baseline.failed === 0 && wechatFloor.failed === 0 && smtpFloor.failed === 0,
    },
  ];
  const notes = [
    machineNote(machine),
    ...(options.smoke ? [`--smoke: ${options.warmupMs} ms warm-ups and ${options.durationMs} ms windows show that every part of the bench works; no target is judged on them.`] : []),
    'One gateway process runs both channels over one intake (as src/main.ts wires them); the channels are loaded one after the other. No merge window (each message is its own submission) and no media worker; otherwise production defaults.',
    'WeChat: POST /wechat in safe mode, each push a text message (Mandarin or English) from its own openid with its own MsgId, encrypted and signed with the project\'s WechatCipher and wechatSignature, over a keep-alive undici Pool; done = 200 with an encrypted passive reply (one in 50 decrypted: its signature checked and a ticket in it). The same client drives the WeChat floor.',
    'WeChat floor: a bare fastify POST /wechat in its own process that checks signature and msg_signature (sha1), AES-256-CBC-decrypts the push with WeChat\'s framing, takes FromUserName, MsgId and Content out with a regular expression, adds them as the job with intake\'s job options (job id from the MsgId) and, once the add resolved, answers a passive text reply with a ticket, AES-encrypted and signed. Its crypto is src/adapters/wechat/wechat-crypto.ts, which is node:crypto\'s sha1 and AES and WeChat\'s framing only, and its reply XML src/domain/wechat/reply.ts (CDATA sections), what a minimal implementation calls. It does not parse XML, check the clock skew or replays, merge messages, keep records, make a ticket or PIN, apply fair-use limits or log.',
    'SMTP: nodemailer pooled transport, plain-text mails from distinct senders with distinct Message-IDs to the hotline address; done = 250 with the ticket, which the gateway sends only after the raw mail is fsynced and the submission is queued. No relay, so no acknowledgements.',
    `SMTP floor (unchanged, "the existing SMTP floor" of issue 14): a bare smtp-server in its own process, set up like the gateway's (same size limit and sessions, no AUTH or STARTTLS), driven by the same SMTP client over the same ${options.smtpConnections} connections; it takes any recipient, collects the message into one buffer, adds it as the job with intake's job options and answers 250 with a ticket once the add resolved. It does NOT write the raw mail to a file nor fsync it before 250 (the gateway does both: the target asks the gateway to keep its fsync and still reach ${TARGETS.smtpFloorRatio} x, group commit allowed), and does no parsing, records or logging.`,
    'messages/s: done messages in the measured window divided by the window from its first request to its last answer; each window follows an unmeasured warm-up.',
    `raw queue.add: BullMQ Queue.add of WeChat and e-mail jobs the gateway itself produced in this run (read back from its queue), each under a new job id, with intake's job options, to the same Redis under another prefix, with --concurrency adds in flight. The WeChat floor reached ${ratio(wechatFloor.perSecond, baseline.perSecond)} and the SMTP floor ${ratio(smtpFloor.perSecond, baseline.perSecond)} of it.`,
    'CPU per message: process CPU (user + system) during the window divided by the messages it ran; Redis CPU and commands from INFO (the commands inside Lua scripts included), summed over every master of a cluster. "client" is the load generator (WeChat, SMTP) or the caller of queue.add (raw).',
  ];
  return { options, machine, wechat, smtp, baseline, wechatFloor, smtpFloor, wechatFloorRatio, smtpFloorRatio, judged: !options.smoke, verdicts, notes };
}

/** Exit code 1 when a judged target failed, or (smoke) when any message failed or none was taken. */
export function failed(report: ChannelsReport): boolean {
  if (report.judged) return report.verdicts.some((v) => !v.pass);
  const windows = [report.wechat, report.smtp, report.wechatFloor, report.smtpFloor];
  return windows.some((w) => w.failed > 0 || w.operations === 0);
}

export function formatReport(report: ChannelsReport): string {
  const { wechat: w, smtp: s, baseline: b, wechatFloor: wf, smtpFloor: f } = report;
  const rows = [
    ['', 'WeChat (safe mode)', 'WeChat floor', 'WeChat/floor', 'SMTP', 'SMTP floor', 'SMTP/floor', 'raw queue.add'],
    ['in flight', String(w.concurrency), String(wf.concurrency), '', String(s.concurrency), String(f.concurrency), '', String(b.concurrency)],
    ['messages per second', w.perSecond.toFixed(1), wf.perSecond.toFixed(1), ratio(w.perSecond, wf.perSecond), s.perSecond.toFixed(1), f.perSecond.toFixed(1), ratio(s.perSecond, f.perSecond), b.perSecond.toFixed(1)],
    ['in the window', String(w.operations), String(wf.operations), '', String(s.operations), String(f.operations), '', String(b.operations)],
    ['latency p50', ms(w.p50Ms), ms(wf.p50Ms), ratio(w.p50Ms, wf.p50Ms), ms(s.p50Ms), ms(f.p50Ms), ratio(s.p50Ms, f.p50Ms), ms(b.p50Ms)],
    ['latency p99', ms(w.p99Ms), ms(wf.p99Ms), ratio(w.p99Ms, wf.p99Ms), ms(s.p99Ms), ms(f.p99Ms), ratio(s.p99Ms, f.p99Ms), ms(b.p99Ms)],
    ['latency max', ms(w.maxMs), ms(wf.maxMs), '', ms(s.maxMs), ms(f.maxMs), '', ms(b.maxMs)],
    ['gateway CPU per message', ms(w.subjectCpuMs), ms(wf.subjectCpuMs), ratio(w.subjectCpuMs, wf.subjectCpuMs), ms(s.subjectCpuMs), ms(f.subjectCpuMs), ratio(s.subjectCpuMs, f.subjectCpuMs), ''],
    ['client CPU per message', ms(w.clientCpuMs), ms(wf.clientCpuMs), '', ms(s.clientCpuMs), ms(f.clientCpuMs), '', ms(b.clientCpuMs)],
    ['Redis CPU per message', ms(w.redisCpuMs), ms(wf.redisCpuMs), ratio(w.redisCpuMs, wf.redisCpuMs), ms(s.redisCpuMs), ms(f.redisCpuMs), ratio(s.redisCpuMs, f.redisCpuMs), ms(b.redisCpuMs)],
    ['Redis commands per message', w.redisCommands.toFixed(1), wf.redisCommands.toFixed(1), ratio(w.redisCommands, wf.redisCommands), s.redisCommands.toFixed(1), f.redisCommands.toFixed(1), ratio(s.redisCommands, f.redisCommands), b.redisCommands.toFixed(1)],
    ['failed', String(w.failed), String(wf.failed), '', String(s.failed), String(f.failed), '', String(b.failed)],
  ];
  const o = report.options;
  const heading = `Channels benchmark${o.smoke ? ' (smoke: targets not judged)' : ''}: WeChat safe mode and its floor at ${o.concurrency} in flight, SMTP and the SMTP floor over ${o.smtpConnections} connections, raw queue.add at ${o.concurrency} in flight; ${o.warmupMs} ms warm-up + ${o.durationMs} ms measured each; LOG_LEVEL=${o.logLevel}`;
  return reportText([heading], rows, report.judged ? report.verdicts : [], report.notes);
}
