// The IVR benchmark's smoke run (`npm run bench -- ivr --smoke --json`), as CI runs it: both subjects (the raw
// ari-client baseline and the gateway, each in a process of its own beside the simulator's) take two small hold
// levels and a short throughput phase. The test sees that the bench works end to end, that every call walked the
// menu and that no process of the run outlived it; it does not judge speed.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseIvrOptions } from '../../../bench/ivr/options.js';
import { formatReport } from '../../../bench/ivr/report.js';
import type { IvrReport } from '../../../bench/ivr/report.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runBench(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'bench/run.ts', 'ivr', ...args], { cwd: ROOT, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

describe('npm run bench -- ivr --smoke', () => {
  it('runs both subjects through each hold level and the throughput phase, every call reaching the queue, targets not judged', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runBench(['--smoke', '--levels', '20,40', '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as IvrReport;

    expect(report.judged).toBe(false);
    expect(report.options).toMatchObject({ smoke: true, levels: [20, 40] });
    expect(report.levels.map((l) => l.calls)).toEqual([20, 40]);
    for (const level of report.levels) {
      for (const hold of [level.gateway, level.baseline]) {
        expect(hold).toMatchObject({ calls: level.calls, completed: level.calls, failed: 0, peakHeld: level.calls });
        // At least the answer and the greeting of every call were timed.
        expect(hold.latencySamples).toBeGreaterThanOrEqual(level.calls * 2);
        expect(hold.p99Ms).toBeGreaterThan(0);
      }
      expect(level.gatewayOwnBytesPerCall).toBe(level.gateway.bytesPerCall - level.baseline.bytesPerCall);
    }
    for (const t of [report.throughput.gateway, report.throughput.baseline]) {
      expect(t.completed).toBeGreaterThan(0);
      expect(t.failed).toBe(0);
      expect(t.cpuMsPerCall).toBeGreaterThan(0);
      expect(t.simulatorCpuMsPerCall).toBeGreaterThan(0);
    }
    // Four processes: an app and a simulator per subject, none of them this one, none left running.
    const pids = [report.pids.gateway.app, report.pids.gateway.simulator, report.pids.baseline.app, report.pids.baseline.simulator];
    expect(new Set([...pids, process.pid]).size).toBe(5);
    for (const pid of pids) expect(isRunning(pid), `process ${pid}`).toBe(false);
    // Only "the bench worked" is judged under --smoke: one verdict per subject, no performance target.
    expect(report.verdicts.map((v) => v.target)).toEqual(['gateway: every call walked the menu to the queue', 'baseline: every call walked the menu to the queue']);
    expect(report.pass).toBe(true);

    const table = formatReport(report);
    expect(table).toContain('IVR benchmark (--smoke, not judged): 20, 40 calls held in turn');
    for (const level of ['20', '40']) {
      expect(table).toMatch(new RegExp(`${level} held: event->command p99 +\\d+\\.\\d+ ms +\\d+\\.\\d+ ms`));
      expect(table).toContain(`${level} held: gateway own heap per call`);
      expect(table).toMatch(new RegExp(`${level} held: heap per call, app process +-?\\d+\\.\\d KB`));
    }
    expect(table).toMatch(/CPU per call, app process +\d+\.\d+ ms +\d+\.\d+ ms/);
    expect(table).toMatch(/CPU per call, simulator process +\d+\.\d+ ms +\d+\.\d+ ms/);
    expect(table).toMatch(/^PASS {2}gateway: every call walked the menu to the queue: 20\/20 held, 40\/40 held/m);
    expect(table).not.toMatch(/^FAIL/m);
  });

  it('refuses a bad option with the option named, and gives the full run the issue-14 levels', () => {
    expect(() => parseIvrOptions(['--levels', '100,x'])).toThrow(/--levels needs positive integers/);
    expect(() => parseIvrOptions(['--ramp', '0'])).toThrow(/--ramp needs a positive integer/);
    expect(parseIvrOptions([])).toMatchObject({ levels: [100, 1000, 5000], rampMs: 20000, smoke: false });
    expect(parseIvrOptions(['--smoke'])).toMatchObject({ levels: [50], smoke: true });
    expect(parseIvrOptions(['--smoke', '--duration', '3000'])).toMatchObject({ levels: [50], durationMs: 3000, smoke: true });
  });
});
