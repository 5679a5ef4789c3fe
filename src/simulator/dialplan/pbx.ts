// The simulated PBX core (__ast_pbx_run) for channels outside Stasis: runs the loaded dialplan step by step with
// the applications the hotline's extensions.conf uses. What it does not simulate it refuses loudly (an error
// naming the file and line) and hangs the channel up, as Asterisk does for an application it has not loaded.

import type { Dialplan, DialplanExtension, DialplanStep } from './extensions-conf.js';
import { findExtension } from './extensions-conf.js';
import { ExpressionError, filterChars, isTrue, splitArgs, substitute } from './expressions.js';
import type { Scope } from './expressions.js';
import type { QueueConfig, QueueMember } from './queues-conf.js';

export interface PbxLocation {
  readonly context: string;
  readonly extension: string;
  readonly priority: number;
}

/** How a dialled queue member's channel ended its ringing. */
export type RingOutcome = 'answer' | 'noanswer' | 'busy' | 'congestion' | 'chanunavail';

/** What the PBX needs from the channel model (the engine implements it). `C` is the engine's channel. */
export interface PbxHost<C> {
  location(ch: C): PbxLocation;
  setLocation(ch: C, location: PbxLocation, app: string, data: string): void;
  isGone(ch: C): boolean;
  variable(ch: C, name: string): string | undefined;
  setVariable(ch: C, name: string, value: string): void;
  answer(ch: C): void;
  hangup(ch: C, cause: number): void;
  /** `Stasis(app)`: false when no such application is registered (STASISSTATUS=FAILED). */
  enterStasis(ch: C, app: string, args: string[]): boolean;
  /** Plays media in order; `done` gets false when an item could not be played. Returns a stop function. */
  play(ch: C, media: readonly string[], done: (ok: boolean) => void): () => void;
  /** Dials a queue member for the caller; `outcome` gets the member's channel once it is answered. */
  ring(caller: C, member: QueueMember, queue: string, timeoutMs: number, outcome: (result: RingOutcome, memberChannel: C | null) => void): () => void;
  /** Dial(): calls `endpoint` (`PJSIP/110@psap-police`) for the caller, as app_dial does. */
  dial(caller: C, endpoint: string, timeoutMs: number | null, outcome: (result: RingOutcome, callee: C | null) => void): () => void;
  /** Caller and answered member talk until one hangs up, which hangs up the other. */
  connect(caller: C, member: C): void;
  deviceState(device: string): string | undefined;
  event(event: PbxEvent<C>): void;
  setTimer(ms: number, fn: () => void): () => void;
}

export type PbxEvent<C> =
  | { readonly type: 'step'; readonly channel: C; readonly step: DialplanStep; readonly data: string }
  | { readonly type: 'error'; readonly channel: C; readonly message: string }
  | { readonly type: 'queueCallerJoin'; readonly channel: C; readonly queue: string; readonly position: number; readonly count: number }
  | { readonly type: 'queueCallerLeave'; readonly channel: C; readonly queue: string; readonly position: number; readonly count: number }
  | { readonly type: 'queueCallerAbandon'; readonly channel: C; readonly queue: string; readonly position: number }
  | { readonly type: 'agentCalled'; readonly channel: C; readonly member: C; readonly queue: string; readonly iface: QueueMember }
  | { readonly type: 'agentRingNoAnswer'; readonly channel: C; readonly member: C | null; readonly queue: string; readonly iface: QueueMember; readonly ringMs: number }
  | { readonly type: 'agentConnect'; readonly channel: C; readonly member: C; readonly queue: string; readonly iface: QueueMember; readonly holdMs: number; readonly ringMs: number };

export interface PbxOptions {
  /** Real milliseconds per dialplan second (WaitExten, MusicOnHold, queue timeouts); 1000 is real time. */
  readonly msPerSecond: number;
}

interface Run {
  /** Stops whatever the channel waits for (a playback, a timer, a queue). */
  cancel: (() => void) | null;
  /** Set while Background()/WaitExten() take keys. */
  onDigit: ((digit: string) => void) | null;
  readonly gosub: PbxLocation[];
  readonly locals: Array<Map<string, string>>;
  /** One application run outside the dialplan (AMI Originate's Application): the channel hangs up after it. */
  readonly single?: boolean;
}

const MAX_STEPS_AT_ONCE = 10_000;
const CAUSE_NORMAL = 16;

export class Pbx<C> {
  private readonly runs = new Map<C, Run>();
  private readonly queueCallers = new Map<string, C[]>();
  private readonly memberStats = new Map<string, { calls: number; lastCallAt: number }>();

  constructor(
    readonly dialplan: Dialplan,
    readonly queues: ReadonlyMap<string, QueueConfig>,
    private readonly host: PbxHost<C>,
    private readonly options: PbxOptions,
  ) {}

  /** Whether `exten` exists in `context` (or its includes) at priority 1: what ShowDialPlan and continue look at. */
  hasExtension(context: string, exten: string): boolean {
    return findExtension(this.dialplan, context, exten) !== undefined;
  }

  /** The channel (re)enters the dialplan at `location`: whatever it waited for before is dropped. */
  start(ch: C, location: PbxLocation): void {
    this.stop(ch);
    const run: Run = { cancel: null, onDigit: null, gosub: [], locals: [] };
    this.runs.set(ch, run);
    this.host.setLocation(ch, location, '', '');
    this.loop(ch, run);
  }

  /**
   * Runs one application on the channel outside the dialplan, as pbx_outgoing_exec does for AMI Originate's
   * Application/Data: when the application returns the channel is hung up.
   */
  exec(ch: C, app: string, data: string): void {
    this.stop(ch);
    const run: Run = { cancel: null, onDigit: null, gosub: [], locals: [], single: true };
    this.runs.set(ch, run);
    const step: DialplanStep = { priority: 1, label: null, app, data, source: 'AMI Originate' };
    const next = this.execute(ch, run, step, data);
    if (next !== 'wait' && next !== 'stop') this.endSingle(ch, run);
  }

  private endSingle(ch: C, run: Run): void {
    if (this.runs.get(ch) !== run) return;
    this.runs.delete(ch);
    this.host.hangup(ch, CAUSE_NORMAL);
  }

  /** The channel hung up or entered Stasis: drop its dialplan state. */
  stop(ch: C): void {
    const run = this.runs.get(ch);
    if (run === undefined) return;
    this.runs.delete(ch);
    const cancel = run.cancel;
    run.cancel = null;
    run.onDigit = null;
    cancel?.();
  }

  /** Forgets every channel, waiting caller and member statistic (the simulator's reset). */
  reset(): void {
    for (const ch of [...this.runs.keys()]) this.stop(ch);
    this.queueCallers.clear();
    this.memberStats.clear();
  }

  dtmf(ch: C, digit: string): void {
    this.runs.get(ch)?.onDigit?.(digit);
  }

  private loop(ch: C, run: Run): void {
    for (let n = 0; n < MAX_STEPS_AT_ONCE; n += 1) {
      if (this.runs.get(ch) !== run || this.host.isGone(ch)) return;
      const here = this.host.location(ch);
      const ext = findExtension(this.dialplan, here.context, here.extension);
      const step = ext?.steps.get(here.priority);
      if (ext === undefined || step === undefined) {
        if (!this.invalid(ch, here, ext)) return;
        continue;
      }
      this.host.setLocation(ch, here, step.app, step.data);
      let data: string;
      try {
        data = substitute(step.data, this.scope(ch, run));
      } catch (err) {
        this.fail(ch, `${step.source}: ${err instanceof ExpressionError ? err.message : String(err)}`);
        return;
      }
      this.host.event({ type: 'step', channel: ch, step, data });
      const next = this.execute(ch, run, step, data);
      if (next === 'wait') return;
      if (next === 'stop') {
        this.runs.delete(ch);
        return;
      }
      if (next === 'next') this.host.setLocation(ch, { ...here, priority: here.priority + 1 }, '', '');
    }
    this.fail(ch, `dialplan loops without waiting at ${JSON.stringify(this.host.location(ch))}`);
  }

  /**
   * pbx.c after an extension that does not exist (or ran out of priorities): an unknown extension goes to `i` in
   * its context, else the channel is hung up ("sent to invalid extension but no invalid handler"); a known
   * extension that simply ends falls through and hangs up (autofallthrough).
   */
  private invalid(ch: C, here: PbxLocation, ext: DialplanExtension | undefined): boolean {
    const exists = ext?.steps.has(1) === true;
    if (!exists && here.extension !== 'i' && this.hasExtension(here.context, 'i')) {
      this.host.setVariable(ch, 'INVALID_EXTEN', here.extension);
      this.host.setLocation(ch, { context: here.context, extension: 'i', priority: 1 }, '', '');
      return true;
    }
    if (!exists) {
      this.host.event({
        type: 'error',
        channel: ch,
        message: `sent to invalid extension but no invalid handler: context,exten,priority=${here.context},${here.extension},${here.priority}`,
      });
    }
    this.runs.delete(ch);
    this.host.hangup(ch, CAUSE_NORMAL);
    return false;
  }

  private fail(ch: C, message: string): void {
    this.host.event({ type: 'error', channel: ch, message });
    this.runs.delete(ch);
    this.host.hangup(ch, CAUSE_NORMAL);
  }

  private scope(ch: C, run: Run): Scope {
    return {
      variable: (name) => {
        const local = run.locals.at(-1)?.get(name);
        if (local !== undefined) return local;
        const here = this.host.location(ch);
        if (name === 'EXTEN') return here.extension;
        if (name === 'CONTEXT') return here.context;
        if (name === 'PRIORITY') return String(here.priority);
        return this.host.variable(ch, name) ?? this.dialplan.globals.get(name);
      },
      func: (name, args) => {
        const [first = '', ...rest] = splitArgs(args);
        switch (name) {
          case 'FILTER':
            return filterChars(first, rest.join(','));
          case 'QUEUE_EXISTS':
            return this.queues.has(first) ? '1' : '0';
          case 'IF': {
            const q = args.indexOf('?');
            const cond = q < 0 ? args : args.slice(0, q);
            const [yes = '', no = ''] = q < 0 ? [] : splitArgs(args.slice(q + 1), ':');
            return isTrue(cond) ? yes : no;
          }
          case 'LOCAL':
            return run.locals.at(-1)?.get(first) ?? '';
          case 'CHANNEL':
          case 'CALLERID':
            return this.host.variable(ch, `${name}(${first})`) ?? '';
          default:
            return undefined;
        }
      },
    };
  }

  /** Runs one application. 'next' goes on at the next priority, 'jumped' where it set, 'wait' later. */
  private execute(ch: C, run: Run, step: DialplanStep, data: string): 'next' | 'jumped' | 'wait' | 'stop' {
    const app = step.app.toLowerCase();
    const args = splitArgs(data);
    switch (app) {
      case 'noop':
      case 'log':
      case 'verbose':
        return 'next';
      case 'set': {
        const eq = data.indexOf('=');
        if (eq <= 0) return this.refuse(ch, step, `Set needs NAME=value, got "${data}"`);
        const name = data.slice(0, eq).trim();
        const local = /^LOCAL\((.+)\)$/.exec(name);
        if (local) (run.locals.at(-1) ?? this.pushLocals(run)).set(local[1] as string, data.slice(eq + 1));
        else this.host.setVariable(ch, name, data.slice(eq + 1));
        return 'next';
      }
      case 'execif': {
        const q = data.indexOf('?');
        if (q < 0) return this.refuse(ch, step, `ExecIf needs <expr>?<app>(<data>), got "${data}"`);
        const [yes = '', no = ''] = splitArgs(data.slice(q + 1), ':');
        const chosen = isTrue(data.slice(0, q)) ? yes : no;
        if (chosen.trim() === '') return 'next';
        const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/s.exec(chosen);
        if (!m) return this.refuse(ch, step, `ExecIf cannot read the application "${chosen}"`);
        const inner: DialplanStep = { ...step, app: m[1] as string, data: m[2] ?? '' };
        return this.execute(ch, run, inner, inner.data);
      }
      case 'goto':
        return this.jump(ch, step, data) ? 'jumped' : 'stop';
      case 'gotoif': {
        const q = data.indexOf('?');
        if (q < 0) return this.refuse(ch, step, `GotoIf needs <expr>?<label1>[:<label2>], got "${data}"`);
        const [yes = '', no = ''] = splitArgs(data.slice(q + 1), ':');
        const target = isTrue(data.slice(0, q)) ? yes : no;
        if (target.trim() === '') return 'next';
        return this.jump(ch, step, target) ? 'jumped' : 'stop';
      }
      case 'gosub': {
        const open = data.indexOf('(');
        const where = open < 0 ? data : data.slice(0, open);
        const gosubArgs = open < 0 ? [] : splitArgs(data.slice(open + 1, data.lastIndexOf(')')));
        const back = this.host.location(ch);
        if (!this.jump(ch, step, where)) return 'stop';
        run.gosub.push({ ...back, priority: back.priority + 1 });
        const locals = this.pushLocals(run);
        gosubArgs.forEach((value, i) => locals.set(`ARG${i + 1}`, value));
        return 'jumped';
      }
      case 'return': {
        const back = run.gosub.pop();
        if (back === undefined) return this.refuse(ch, step, 'Return without Gosub');
        run.locals.pop();
        this.host.setLocation(ch, back, '', '');
        return 'jumped';
      }
      case 'answer':
        this.host.answer(ch);
        return 'next';
      case 'hangup': {
        const cause = Number(args[0]);
        this.runs.delete(ch);
        this.host.hangup(ch, Number.isInteger(cause) && cause > 0 ? cause : CAUSE_NORMAL);
        return 'stop';
      }
      case 'stasis': {
        const [appName = '', ...appArgs] = args;
        if (this.host.enterStasis(ch, appName, appArgs)) {
          this.runs.delete(ch);
          return 'stop';
        }
        this.host.setVariable(ch, 'STASISSTATUS', 'FAILED');
        return 'next';
      }
      case 'playback':
      case 'background':
      case 'saydigits': {
        const media =
          app === 'saydigits' ? [`digits:${args[0] ?? ''}`] : (args[0] ?? '').split('&').filter((f) => f !== '').map((f) => `sound:${f}`);
        if (app === 'background') run.onDigit = (digit) => this.keyPressed(ch, run, digit);
        run.cancel = this.host.play(ch, media, (ok) => {
          run.cancel = null;
          run.onDigit = null;
          if (app === 'playback') this.host.setVariable(ch, 'PLAYBACKSTATUS', ok ? 'SUCCESS' : 'FAILED');
          this.resume(ch, run);
        });
        return 'wait';
      }
      case 'waitexten': {
        const seconds = Number(args[0] || '10');
        run.onDigit = (digit) => this.keyPressed(ch, run, digit);
        run.cancel = this.host.setTimer(seconds * this.options.msPerSecond, () => {
          run.cancel = null;
          run.onDigit = null;
          this.timeout(ch, run);
        });
        return 'wait';
      }
      case 'musiconhold': {
        const seconds = Number(args[1] || '0');
        if (!(seconds > 0)) {
          run.cancel = () => undefined;
          return 'wait';
        }
        run.cancel = this.host.setTimer(seconds * this.options.msPerSecond, () => {
          run.cancel = null;
          this.resume(ch, run);
        });
        return 'wait';
      }
      case 'queue':
        return this.queue(ch, run, step, args);
      case 'dial':
        return this.dialApp(ch, run, args);
      default:
        return this.refuse(ch, step, `application ${step.app} is not simulated`);
    }
  }

  private pushLocals(run: Run): Map<string, string> {
    const locals = new Map<string, string>();
    run.locals.push(locals);
    return locals;
  }

  private refuse(ch: C, step: DialplanStep, detail: string): 'stop' {
    this.fail(ch, `${step.source}: ${detail}`);
    return 'stop';
  }

  /** After an application that waited: on at the next priority. */
  private resume(ch: C, run: Run): void {
    if (this.runs.get(ch) !== run) return;
    if (run.single === true) {
      this.endSingle(ch, run);
      return;
    }
    const here = this.host.location(ch);
    this.host.setLocation(ch, { ...here, priority: here.priority + 1 }, '', '');
    this.loop(ch, run);
  }

  /** A key during Background()/WaitExten(): that extension of the current context, or `i`. */
  private keyPressed(ch: C, run: Run, digit: string): void {
    const cancel = run.cancel;
    run.cancel = null;
    run.onDigit = null;
    cancel?.();
    const { context } = this.host.location(ch);
    this.host.setLocation(ch, { context, extension: digit, priority: 1 }, '', '');
    this.loop(ch, run);
  }

  /** WaitExten() ran out: `t` of the context, else the channel is hung up. */
  private timeout(ch: C, run: Run): void {
    const { context } = this.host.location(ch);
    if (!this.hasExtension(context, 't')) {
      this.host.event({ type: 'error', channel: ch, message: `Timeout, but no rule 't' or 'e' in context '${context}'` });
      this.runs.delete(ch);
      this.host.hangup(ch, CAUSE_NORMAL);
      return;
    }
    this.host.setLocation(ch, { context, extension: 't', priority: 1 }, '', '');
    this.loop(ch, run);
  }

  /** `[[context,]extension,]priority-or-label`, as Goto/GotoIf take it. */
  private jump(ch: C, step: DialplanStep, target: string): boolean {
    const parts = target.split(',').map((p) => p.trim());
    const here = this.host.location(ch);
    const [context, extension, where] =
      parts.length >= 3 ? [parts[0] as string, parts[1] as string, parts[2] as string]
      : parts.length === 2 ? [here.context, parts[0] as string, parts[1] as string]
      : [here.context, here.extension, parts[0] as string];
    let priority = Number(where);
    if (!Number.isInteger(priority) || priority < 1) {
      const label = findExtension(this.dialplan, context, extension)?.labels.get(where);
      if (label === undefined) {
        this.fail(ch, `${step.source}: Priority '${where}' must be a number > 0, or valid label`);
        return false;
      }
      priority = label;
    }
    this.host.setLocation(ch, { context, extension, priority }, '', '');
    return true;
  }

  /**
   * Queue(name,options,URL,announceoverride,timeout): joins the caller, rings static members (all at once for
   * ringall, otherwise one at a time in the strategy's order, `retry` seconds apart), connects the first who
   * answers. Without members able to take calls and with joinempty set, the caller does not join (JOINEMPTY);
   * when `timeout` seconds pass, QUEUESTATUS=TIMEOUT and the dialplan goes on.
   */
  private queue(ch: C, run: Run, step: DialplanStep, args: string[]): 'next' | 'wait' | 'stop' {
    const name = (args[0] ?? '').trim();
    const config = this.queues.get(name);
    if (config === undefined) {
      this.host.event({ type: 'error', channel: ch, message: `${step.source}: Unable to join caller to queue ${name}: no such queue` });
      this.host.setVariable(ch, 'QUEUESTATUS', 'UNKNOWN');
      return 'next';
    }
    const usable = config.members.filter((m) => !['UNAVAILABLE', 'INVALID'].includes(this.host.deviceState(m.stateInterface) ?? 'NOT_INUSE'));
    if (usable.length === 0 && config.joinEmpty.length > 0) {
      this.host.setVariable(ch, 'QUEUESTATUS', 'JOINEMPTY');
      return 'next';
    }
    const waiting = this.queueCallers.get(name) ?? [];
    waiting.push(ch);
    this.queueCallers.set(name, waiting);
    const joinedAt = Date.now();
    this.host.event({ type: 'queueCallerJoin', channel: ch, queue: name, position: waiting.length, count: waiting.length });
    const leave = (): number => {
      const position = waiting.indexOf(ch) + 1;
      if (position > 0) waiting.splice(position - 1, 1);
      return position;
    };
    const cancels: Array<() => void> = [];
    const stopAll = (): void => {
      for (const c of cancels.splice(0)) c();
    };
    let over = false;
    const end = (status: string): void => {
      over = true;
      stopAll();
      const position = leave();
      this.host.event({ type: 'queueCallerLeave', channel: ch, queue: name, position, count: waiting.length });
      this.host.setVariable(ch, 'QUEUESTATUS', status);
      run.cancel = null;
      this.resume(ch, run);
    };
    const order = this.memberOrder(config, usable);
    let next = 0;
    const ringRound = (): void => {
      if (over) return;
      const batch = config.strategy === 'ringall' ? order : [order[next % order.length] as QueueMember];
      next += 1;
      let pending = batch.length;
      for (const member of batch) {
        const ringStart = Date.now();
        cancels.push(
          this.host.ring(ch, member, name, config.timeoutSeconds * this.options.msPerSecond, (result, memberChannel) => {
            if (over) return;
            if (result === 'answer' && memberChannel !== null) {
              over = true;
              stopAll();
              const position = leave();
              this.runs.delete(ch);
              this.host.event({ type: 'agentConnect', channel: ch, member: memberChannel, queue: name, iface: member, holdMs: Date.now() - joinedAt, ringMs: Date.now() - ringStart });
              this.host.event({ type: 'queueCallerLeave', channel: ch, queue: name, position, count: waiting.length });
              this.host.setVariable(ch, 'MEMBERINTERFACE', member.interface);
              const stats = this.memberStats.get(member.interface) ?? { calls: 0, lastCallAt: 0 };
              this.memberStats.set(member.interface, { calls: stats.calls + 1, lastCallAt: Date.now() });
              this.host.connect(ch, memberChannel);
              return;
            }
            if (result === 'noanswer') this.host.event({ type: 'agentRingNoAnswer', channel: ch, member: memberChannel, queue: name, iface: member, ringMs: Date.now() - ringStart });
            pending -= 1;
            if (pending === 0 && order.length > 0) cancels.push(this.host.setTimer(config.retrySeconds * this.options.msPerSecond, ringRound));
          }),
        );
      }
    };
    const timeoutSeconds = Number(args[4]);
    if (timeoutSeconds > 0) cancels.push(this.host.setTimer(timeoutSeconds * this.options.msPerSecond, () => end('TIMEOUT')));
    run.cancel = () => {
      if (over) return;
      over = true;
      stopAll();
      const position = leave();
      if (this.host.isGone(ch)) this.host.event({ type: 'queueCallerAbandon', channel: ch, queue: name, position });
      else this.host.event({ type: 'queueCallerLeave', channel: ch, queue: name, position, count: waiting.length });
    };
    if (order.length > 0) ringRound();
    return 'wait';
  }

  /**
   * Dial(Tech/resource[&Tech/resource...][,timeout]): rings every destination at once; the first to answer is
   * connected (ANSWER: the caller's call is over when either hangs up, as without the `g` option); otherwise
   * DIALSTATUS says why (the best of the failures, as app_dial ranks them) and the dialplan goes on.
   */
  private dialApp(ch: C, run: Run, args: string[]): 'wait' {
    const targets = (args[0] ?? '').split('&').map((t) => t.trim()).filter((t) => t !== '');
    const seconds = Number(args[1]);
    const timeoutMs = seconds > 0 ? seconds * this.options.msPerSecond : null;
    const cancels: Array<() => void> = [];
    const failures: RingOutcome[] = [];
    let over = false;
    const finish = (status: string): void => {
      over = true;
      for (const cancel of cancels.splice(0)) cancel();
      this.host.setVariable(ch, 'DIALSTATUS', status);
      run.cancel = null;
      this.resume(ch, run);
    };
    run.cancel = () => {
      over = true;
      for (const cancel of cancels.splice(0)) cancel();
    };
    if (targets.length === 0) {
      cancels.push(this.host.setTimer(0, () => finish('CHANUNAVAIL')));
      return 'wait';
    }
    for (const target of targets) {
      cancels.push(
        this.host.dial(ch, target, timeoutMs, (result, callee) => {
          if (over) return;
          if (result === 'answer' && callee !== null) {
            over = true;
            for (const cancel of cancels.splice(0)) cancel();
            this.runs.delete(ch);
            this.host.setVariable(ch, 'DIALSTATUS', 'ANSWER');
            this.host.connect(ch, callee);
            return;
          }
          failures.push(result);
          if (failures.length < targets.length) return;
          const rank: RingOutcome[] = ['noanswer', 'busy', 'congestion', 'chanunavail'];
          const best = rank.find((r) => failures.includes(r)) ?? 'chanunavail';
          finish(best.toUpperCase());
        }),
      );
    }
    return 'wait';
  }

  /** Members in the order the strategy offers calls: by penalty, then leastrecent / fewestcalls / as listed. */
  private memberOrder(config: QueueConfig, members: readonly QueueMember[]): QueueMember[] {
    const stats = (m: QueueMember): { calls: number; lastCallAt: number } => this.memberStats.get(m.interface) ?? { calls: 0, lastCallAt: 0 };
    return [...members].sort((a, b) => {
      if (a.penalty !== b.penalty) return a.penalty - b.penalty;
      if (config.strategy === 'leastrecent') return stats(a).lastCallAt - stats(b).lastCallAt;
      if (config.strategy === 'fewestcalls') return stats(a).calls - stats(b).calls;
      return 0;
    });
  }
}
