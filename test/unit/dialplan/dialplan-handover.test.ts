// The gateway's view of its dialplan hand-over points: what it caches, what it asks again, what it logs.

import { describe, expect, it } from 'vitest';
import type { Log } from '../../../src/app/app-ports.js';
import { CachedDialplanDirectory, checkHandOverPoints, handOverState } from '../../../src/app/dialplan-handover.js';
import type { DialplanDirectory } from '../../../src/app/dialplan-handover.js';

function directory(extensions: Set<string>): DialplanDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    extensionExists: (context, exten) => {
      asked.push(`${context},${exten}`);
      return Promise.resolve(extensions.has(`${context},${exten}`));
    },
  };
}

function recordingLog(): Log & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const log: Log & { lines: Array<[string, string]> } = {
    lines,
    debug: (_o, m) => lines.push(['debug', m ?? '']),
    info: (o, m) => lines.push(['info', m ?? String(o)]),
    warn: (o, m) => lines.push(['warn', m ?? String(o)]),
    error: (o, m) => lines.push(['error', m ?? String(o)]),
    child: () => log,
  };
  return log;
}

describe('CachedDialplanDirectory', () => {
  it('asks Asterisk once for an extension found present, every time for one not found, and again after forget()', async () => {
    const extensions = new Set(['ivr-fallback,queue']);
    const raw = directory(extensions);
    const cached = new CachedDialplanDirectory(raw);
    expect(await cached.extensionExists('ivr-fallback', 'queue')).toBe(true);
    expect(await cached.extensionExists('ivr-fallback', 'queue')).toBe(true);
    expect(await cached.extensionExists('ivr-fallback', 'menu')).toBe(false);
    extensions.add('ivr-fallback,menu');
    expect(await cached.extensionExists('ivr-fallback', 'menu')).toBe(true);
    expect(raw.asked).toEqual(['ivr-fallback,queue', 'ivr-fallback,menu', 'ivr-fallback,menu']);
    cached.forget();
    await cached.extensionExists('ivr-fallback', 'queue');
    expect(raw.asked).toHaveLength(4);
  });
});

describe('handOverState', () => {
  it('is unknown without a directory or when Asterisk cannot be asked', async () => {
    expect(await handOverState(undefined, 'c', 'e')).toBe('unknown');
    expect(await handOverState({ extensionExists: () => Promise.reject(new Error('AMI down')) }, 'c', 'e')).toBe('unknown');
    expect(await handOverState(directory(new Set(['c,e'])), 'c', 'e')).toBe('present');
    expect(await handOverState(directory(new Set()), 'c', 'e')).toBe('missing');
  });
});

describe('checkHandOverPoints', () => {
  const points = [
    { context: 'ivr-fallback', exten: 'queue', purpose: 'agent queue' },
    { context: 'ivr-fallback', exten: 'menu', purpose: 'dialplan menu' },
  ];

  it('logs one error per missing point and returns them', async () => {
    const log = recordingLog();
    const missing = await checkHandOverPoints(directory(new Set(['ivr-fallback,menu'])), points, log);
    expect(missing).toEqual([points[0]]);
    expect(log.lines).toEqual([
      ['error', 'dialplan hand-over point ivr-fallback,queue,1 does not exist: calls sent there would be hung up by Asterisk'],
    ]);
  });

  it('says so once when all are present, and warns when ShowDialPlan is refused', async () => {
    const ok = recordingLog();
    await checkHandOverPoints(directory(new Set(['ivr-fallback,menu', 'ivr-fallback,queue'])), points, ok);
    expect(ok.lines).toEqual([['info', 'dialplan hand-over points present']]);
    const refused = recordingLog();
    await checkHandOverPoints({ extensionExists: () => Promise.reject(new Error('Permission denied')) }, points, refused);
    expect(refused.lines).toEqual([
      ['warn', 'cannot check the dialplan hand-over points over AMI (ShowDialPlan needs write = reporting in manager.conf)'],
    ]);
  });
});
