// The process that fuzzes: forked by run-fuzz.ts with --expose-gc, it starts each named target, runs a short
// warm-up (other seed) so lazily loaded tables and JIT code do not count as growth, reads the heap after a forced GC,
// runs the property for the requested inputs with fast-check's per-input timeout, reads the heap again, and reports.
// Progress goes to the parent at least every quarter second while inputs are answered: a parser stuck in a loop
// goes silent, and the parent kills the process and says which target hung.

import fc from 'fast-check';
import type { FuzzResult, ToParent, FuzzChildRequest } from './fuzz-protocol.js';
import { FUZZ_TARGETS } from './targets/catalogue.js';

const PROGRESS_EVERY_MS = 250;
const REPORT_MAX_CHARS = 3000;
/** Generous: on a loaded machine BullMQ and Redis clients can take seconds to close; a minute means stuck. */
const CLOSE_TIMEOUT_MS = 60_000;
const SHRINK_BUDGET_MS = 60_000;
/** Warm-up inputs: a twentieth of the run, at most this many. */
const WARM_UP_MAX = 500;
/** `FUZZ_TRACE=1` prints each input to stderr before it is fed: for finding what a hung run was given. */
const TRACE = process.env['FUZZ_TRACE'] !== undefined;

const request = JSON.parse(process.argv[2] ?? '{}') as FuzzChildRequest;
let unhandled: string[] = [];
// Recorded against the target, and written to stderr too: one thrown inside fast-check's own loop (a generator that
// throws) leaves the run waiting for ever, and the parent then shows stderr with its "hung" verdict.
const record = (what: string): void => {
  unhandled.push(what);
  process.stderr.write(`${what}\n`);
};
// An uncaught exception may have left fast-check's loop waiting for ever: report it at once and stop.
let current = { name: '', parser: '', runs: 0, counted: () => 0 };
process.on('uncaughtException', (err) => {
  record(`uncaught exception: ${describe(err)}`);
  const failure = `uncaught exception after ${current.counted()} inputs (seed ${request.seed}): ${describe(err)}`;
  const result: FuzzResult = { target: current.name, parser: current.parser, seed: request.seed, requestedRuns: current.runs, runs: current.counted(), ms: 0, cpuMs: 0, heapBeforeBytes: 0, heapAfterBytes: 0, failure, unhandled };
  void send({ kind: 'result', result }).then(() => process.exit(1));
});
process.on('unhandledRejection', (reason) => record(`unhandled rejection: ${describe(reason)}`));

// Work that waits on a promise no handle will ever settle (a stream nobody ends) must not let the process slip away
// with exit code 0: this timer keeps it alive until the parent's watchdog or the run's end.
setInterval(() => undefined, 1000);

const send = (message: ToParent): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) throw new Error('fuzz-child.ts runs forked by run-fuzz.ts (it needs the IPC channel)');
    process.send(message, () => resolve());
  });

for (const name of request.targets) {
  const target = FUZZ_TARGETS.find((t) => t.name === name);
  if (target === undefined) throw new Error(`no fuzz target named ${name}`);
  await send({ kind: 'result', result: await fuzz(target.name, target.parser, target.inputTimeoutMs, target.load, request.runs[name] ?? target.ciRuns) });
}
await send({ kind: 'done' });
process.exit(0);

async function fuzz(
  name: string,
  parser: string,
  inputTimeoutMs: number,
  load: (typeof FUZZ_TARGETS)[number]['load'],
  runs: number,
): Promise<FuzzResult> {
  unhandled = [];
  const base = { target: name, parser, seed: request.seed, requestedRuns: runs };
  let session;
  try {
    session = await (await load()).start();
  } catch (err) {
    return { ...base, runs: 0, ms: 0, cpuMs: 0, heapBeforeBytes: 0, heapAfterBytes: 0, failure: `could not start: ${describe(err)}`, unhandled };
  }
  let counted = 0;
  let lastProgress = 0;
  current = { name, parser, runs, counted: () => counted };
  const property = fc.asyncProperty(session.arbitrary, async (input) => {
    counted += 1;
    const now = Date.now();
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      await send({ kind: 'progress', target: name, runs: counted });
    }
    if (TRACE) process.stderr.write(`#${counted} ${fc.stringify(input).slice(0, 800)}\n`);
    await session.check(input);
  });
  const parameters = { timeout: inputTimeoutMs, includeErrorInReport: true };
  try {
    const warmUp = await fc.check(property, { ...parameters, seed: request.seed + 1, numRuns: Math.min(WARM_UP_MAX, Math.ceil(runs / 20)) });
    const heapBeforeBytes = heapAfterGc();
    counted = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const found = warmUp.failed ? warmUp : await fc.check(property, { ...parameters, seed: request.seed, numRuns: runs, endOnFailure: true });
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    const details = found.failed ? await shrunk(property, parameters, found) : found;
    // Replies still in flight (an input given up on by its timeout) settle before the heap is read.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const heapAfterBytes = heapAfterGc();
    const report = details.failed ? failureReport(details) : null;
    return {
      ...base,
      runs: details.numRuns,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      heapBeforeBytes,
      heapAfterBytes,
      failure: report === null ? null : `${warmUp.failed ? '(in the warm-up, seed + 1) ' : ''}${report}`,
      unhandled,
    };
  } finally {
    // Closing answers no input: keep the parent's silence watchdog informed meanwhile.
    const heartbeat = setInterval(() => void send({ kind: 'progress', target: name, runs: counted }), 5_000);
    const closing = session.close().then(() => 'closed' as const);
    const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CLOSE_TIMEOUT_MS).unref());
    if ((await Promise.race([closing, late])) === 'late') record(`the target did not close within ${CLOSE_TIMEOUT_MS} ms (a request or connection still open)`);
    clearInterval(heartbeat);
  }
}

/**
 * The failure shrunk for at most SHRINK_BUDGET_MS: the run stops at its first failure, then fast-check replays it
 * from its path and shrinks until the budget is spent (a socket target's input can take seconds, and shrinking
 * tries hundreds), reporting the smallest failing input found by then.
 */
async function shrunk(
  property: fc.IAsyncPropertyWithHooks<[unknown]>,
  parameters: { readonly timeout: number; readonly includeErrorInReport: boolean },
  found: fc.RunDetails<[unknown]>,
): Promise<fc.RunDetails<[unknown]>> {
  const replay = await fc.check(property, {
    ...parameters,
    seed: found.seed,
    path: found.counterexamplePath ?? undefined,
    numRuns: found.numRuns,
    interruptAfterTimeLimit: SHRINK_BUDGET_MS,
  });
  return replay.failed ? replay : found;
}

/** The shrunk input and the error, each cut short (an input may be 70,000 characters), with what replays it. */
function failureReport(details: fc.RunDetails<[unknown]>): string {
  const input = details.counterexample === null ? '(none)' : fc.stringify(details.counterexample[0]);
  const cut = (text: string): string => (text.length > REPORT_MAX_CHARS ? `${text.slice(0, REPORT_MAX_CHARS)}... (${text.length} characters)` : text);
  return [
    `failed after ${details.numRuns} inputs, shrunk ${details.numShrinks} times; replay with seed ${details.seed}, path "${details.counterexamplePath ?? ''}"`,
    `input: ${cut(input)}`,
    `error: ${cut(describe(details.errorInstance))}`,
  ].join('\n');
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('fuzz-child.ts needs --expose-gc (run-fuzz.ts passes it)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`).slice(0, 2000) : String(err);
}
