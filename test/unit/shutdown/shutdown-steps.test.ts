import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/app/ports.js';
import { runShutdown } from '../../../src/app/shutdown-steps.js';
import { RecordingLog } from '../../support/logs.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('runShutdown', () => {
  it('given steps, when it runs, then each is awaited in order before the next starts', async () => {
    const order: string[] = [];
    const step = (name: string, ms: number) => ({
      name,
      close: async () => {
        order.push(`${name} start`);
        await sleep(ms);
        order.push(`${name} end`);
      },
    });
    const { log } = new RecordingLog();
    const failed = await runShutdown([step('a', 20), step('b', 0), { name: 'sync', close: () => void order.push('sync') }], { clock: systemClock, log, slowMs: 1_000 });
    expect(failed).toEqual([]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'sync']);
  });

  it('given a step that throws or rejects, when it runs, then the failure is logged with the step and the rest still close', async () => {
    const closed: string[] = [];
    const logs = new RecordingLog();
    const failed = await runShutdown(
      [
        { name: 'throws', close: () => { throw new Error('boom'); } },
        { name: 'rejects', close: () => Promise.reject(new Error('bang')) },
        { name: 'redis', close: () => void closed.push('redis') },
      ],
      { clock: systemClock, log: logs.log, slowMs: 1_000 },
    );
    expect(failed).toEqual(['throws', 'rejects']);
    expect(closed).toEqual(['redis']);
    const errors = logs.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => [l.msg, l.fields['step'], (l.fields['err'] as Error).message])).toEqual([
      ['shutdown: a step failed; closing the rest', 'throws', 'boom'],
      ['shutdown: a step failed; closing the rest', 'rejects', 'bang'],
    ]);
  });

  it('given a step slower than slowMs, when it runs, then it is named once as still waiting and still awaited; a quick one, or one within its allowance, is not named', async () => {
    const logs = new RecordingLog();
    let slowDone = false;
    const failed = await runShutdown(
      [
        { name: 'quick', close: () => sleep(0) },
        { name: 'calls', close: () => sleep(60), allowMs: 100 },
        { name: 'http', close: () => sleep(120).then(() => { slowDone = true; }) },
      ],
      { clock: systemClock, log: logs.log, slowMs: 40 },
    );
    expect(failed).toEqual([]);
    expect(slowDone).toBe(true);
    const warnings = logs.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((l) => [l.msg, l.fields['step']])).toEqual([['shutdown: still waiting for a step', 'http']]);
    expect(warnings[0]?.fields['waitedMs']).toBeGreaterThanOrEqual(35);
  });
});
