// Frames of the desk socket read as protocol messages: good ones pass as they are, bad ones are refused with each
// problem named by its field, and the request's id kept when it could be read.

import { describe, expect, it } from 'vitest';
import { DESK_MAX_FRAME_BYTES, readFrame } from '../../../src/app/desk/desk-frames.js';

const read = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return readFrame(text, Buffer.byteLength(text));
};

describe('reading a desk frame', () => {
  it('passes every message of the protocol', () => {
    const good = [
      { type: 'auth', token: 'hs1_abc' },
      { id: '1', type: 'login' },
      { id: '1', type: 'login', endpoint: 'PJSIP/1001', skills: 'zh:1', agentId: '1001' },
      { id: '1', type: 'logout' },
      { id: '1', type: 'ready' },
      { id: '1', type: 'pause', reason: 'lunch' },
      { id: '1', type: 'wrapUp', workOrder: { kind: 'consultation' }, callId: 'c1' },
      { id: '1', type: 'hangup' },
      { id: '1', type: 'transfer', skill: 'environment' },
      { id: '1', type: 'pauseAgent', agentId: '1001', reason: 'coaching' },
      { id: '1', type: 'logoutAgent', agentId: '1001' },
    ];
    for (const message of good) expect(read(message), JSON.stringify(message)).toEqual({ ok: true, message });
  });

  it('refuses the rest naming each problem, keeping the id it could read', () => {
    const bad: [unknown, string | null, string[]][] = [
      ['{"id":', null, ['(frame)']],
      ['"ready"', null, ['(frame)']],
      [null, null, ['(frame)']],
      [{ id: 'x' }, 'x', ['type']],
      [{ id: 'x', type: 'Ready' }, 'x', ['type']],
      [{ type: 'ready' }, null, ['id']],
      [{ id: 5, type: 'ready' }, null, ['id']],
      [{ id: 'x'.repeat(65), type: 'ready' }, null, ['id']],
      [{ id: 'x', type: 'pause' }, 'x', ['reason']],
      [{ id: 'x', type: 'pause', reason: 'r'.repeat(201) }, 'x', ['reason']],
      [{ id: 'x', type: 'wrapUp', workOrder: [] }, 'x', ['workOrder']],
      [{ id: 'x', type: 'pauseAgent', reason: 'lunch' }, 'x', ['agentId']],
      [{ id: 'x', type: 'ready', agentId: 1001, extra: true }, 'x', ['agentId', 'extra']],
      [{ type: 'auth' }, null, ['token']],
      [{ type: 'auth', token: 't', id: 'x' }, 'x', ['id']],
    ];
    for (const [frame, re, fields] of bad) {
      const result = read(frame);
      expect(result.ok, JSON.stringify(frame)).toBe(false);
      if (result.ok) continue;
      expect(result.re, JSON.stringify(frame)).toBe(re);
      expect(result.problems.map((p) => p.field), JSON.stringify(frame)).toEqual(fields);
    }
  });

  it('refuses a frame over the size bound before parsing it', () => {
    const text = JSON.stringify({ id: 'x', type: 'ready' });
    expect(readFrame(text, DESK_MAX_FRAME_BYTES + 1)).toEqual({ ok: false, re: null, problems: [{ field: '(frame)', message: expect.stringContaining(`at most ${DESK_MAX_FRAME_BYTES}`) }] });
  });
});
