// AmiClient reads what asterisk-manager parses. These tests put real Asterisk 22 AMI text through the package
// over loopback TCP and check that, mapped at our edge, callers read exactly what our strict parser reads.

import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Manager, { type ManagerMessage } from 'asterisk-manager';
import { describe, expect, it } from 'vitest';
import { AmiParser, type AmiMessage } from '../../../src/adapters/ami/ami-codec.js';
import { channelOf, toAmiEvent } from '../../../src/adapters/ami/ami-events.js';
import { managerRecordProblem, toAmiMessage } from '../../../src/adapters/ami/ami-manager-records.js';

const transcripts = fileURLToPath(new URL('../../../../shared/asterisk-ari/transcripts/', import.meta.url));
const raw = readFileSync(`${transcripts}ivr-call.ami.txt`, 'utf8');

/** Serves `text` in pieces of the given sizes to one asterisk-manager connection and returns every message it parsed. */
async function parsedByAsteriskManager(text: string, pieceSizes: readonly number[]): Promise<ManagerMessage[]> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let offset = 0;
    for (let i = 0; offset < text.length; i++) {
      const size = pieceSizes[i % pieceSizes.length] ?? text.length;
      socket.write(text.slice(offset, offset + size));
      offset += size;
    }
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const manager = Manager(undefined, '127.0.0.1', '', '', true);
  try {
    const records: ManagerMessage[] = [];
    manager.on('rawevent', (record) => records.push(record));
    const closed = new Promise<void>((resolve) => manager.on('close', () => resolve()));
    manager.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await closed;
    return records;
  } finally {
    manager.disconnect();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function strictlyParsed(text: string): AmiMessage[] {
  return new AmiParser({ expectBanner: true }).push(text).flatMap((frame) => (frame.kind === 'message' ? [frame.message] : []));
}

describe('asterisk-manager 0.2.0 parsing, mapped by toAmiMessage', () => {
  it('reads the real Asterisk 22 transcript header for header like our strict parser, keys lower-cased', async () => {
    const ours = strictlyParsed(raw);
    const records = await parsedByAsteriskManager(raw, [raw.length]);
    expect(records).toHaveLength(ours.length);
    expect(records.map(managerRecordProblem).filter((p) => p !== undefined)).toEqual([]);
    const theirs = records.map(toAmiMessage);
    expect(theirs.map((m) => m.headers)).toEqual(ours.map((m) => m.headers.map(([k, v]) => [k.toLowerCase(), v])));
  });

  it('gives callers the same typed events and channels (Channel, Uniqueid, Application, BridgeId ...)', async () => {
    const ours = strictlyParsed(raw);
    const theirs = (await parsedByAsteriskManager(raw, [raw.length])).map(toAmiMessage);
    const events = ours.flatMap((m, i) => (m.has('Event') ? [i] : []));
    expect(events.length).toBeGreaterThan(100);
    for (const i of events) {
      const [a, b] = [ours[i], theirs[i]] as [AmiMessage, AmiMessage];
      expect(toAmiEvent(b), `${a.get('Event')} #${i}`).toEqual(toAmiEvent(a));
      expect(channelOf(b)).toEqual(channelOf(a));
    }
    const hangup = theirs.map(toAmiEvent).find((e) => e.kind === 'Hangup');
    expect(hangup).toMatchObject({ channel: 'Local/12345@ivr-inbound-00000005;1', uniqueid: '1795302976.10', cause: 16 });
  });

  it('is indifferent to how TCP splits the stream', async () => {
    const whole = await parsedByAsteriskManager(raw, [raw.length]);
    const split = await parsedByAsteriskManager(raw, [1, 7, 150, 3, 1024, 2]);
    expect(split).toEqual(whole);
  });

  it('keeps repeated headers and ChanVariable/Variable lines readable', async () => {
    const text = [
      'Asterisk Call Manager/11.0.0',
      'Event: Newexten',
      'Channel: PJSIP/carrier-00000001',
      'ChanVariable: HOTLINE_SKILL=complaint',
      'ChanVariable: EMPTY=',
      'Uniqueid: 1.1',
      '',
      'Event: VarSet',
      'Variable: QUEUEWAIT',
      'Value: 12',
      '',
      'Response: Success',
      'ActionID: a-1',
      'Output: line one',
      'Output: line two',
      '',
      '',
    ].join('\r\n');
    const [newexten, varset, command] = (await parsedByAsteriskManager(text, [text.length])).map(toAmiMessage);
    expect(newexten?.getAll('ChanVariable')).toEqual(['HOTLINE_SKILL=complaint', 'EMPTY=']);
    expect(newexten?.get('Uniqueid')).toBe('1.1');
    expect(varset?.get('Variable')).toBe('QUEUEWAIT');
    expect(varset?.get('Value')).toBe('12');
    expect(command?.getAll('Output')).toEqual(['line one', 'line two']);
  });

  it('flags lines that are not AMI, which the package itself accepts silently', async () => {
    const text = 'Asterisk Call Manager/11.0.0\r\nHTTP/1.1 400 Bad Request\r\n\r\nResponse:Success\r\n\r\nEvent: X\r\n: empty\r\n\r\nEvent: Y\r\nNote: a\u0007bell\r\n\r\n';
    const problems = (await parsedByAsteriskManager(text, [text.length])).map(managerRecordProblem);
    expect(problems).toEqual([
      'a line that is not "Key: Value": "http/1.1 400 bad request"',
      'a line that is not "Key: Value": "response:success"',
      'an empty header name',
      'control characters in the value of "note"',
    ]);
  });
});
