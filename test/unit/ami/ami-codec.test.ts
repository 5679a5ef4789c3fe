import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmiParser, AmiProtocolError, formatAmiMessage, parseAmiLine, type AmiFrame, type AmiMessage } from '../../../src/adapters/ami/ami-codec.js';
import { toAmiEvent } from '../../../src/adapters/ami/ami-events.js';

const transcripts = fileURLToPath(new URL('../../../../shared/asterisk-ari/transcripts/', import.meta.url));
const raw = readFileSync(`${transcripts}ivr-call.ami.txt`, 'utf8');
const parsedByAsteriskManager = readFileSync(`${transcripts}ivr-call.ami-parsed.jsonl`, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, string>);

function parseAll(text: string, chunkSizes: readonly number[] = [text.length]): AmiFrame[] {
  const parser = new AmiParser({ expectBanner: true });
  const frames: AmiFrame[] = [];
  let offset = 0;
  let i = 0;
  while (offset < text.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length] ?? 1);
    frames.push(...parser.push(text.slice(offset, offset + size)));
    offset += size;
  }
  expect(parser.midMessage).toBe(false);
  return frames;
}

function messages(frames: readonly AmiFrame[]): AmiMessage[] {
  return frames.flatMap((f) => (f.kind === 'message' ? [f.message] : []));
}

describe('AmiParser on the raw AMI transcript of a real Asterisk 22', () => {
  const frames = parseAll(raw);
  const all = messages(frames);

  it('reads the greeting, the login response, every event and the Goodbye', () => {
    expect(frames[0]).toEqual({ kind: 'banner', version: '11.0.0' });
    expect(all[0]?.toRecord()).toEqual({ response: 'Success', actionid: 'rawtap-login', message: 'Authentication accepted' });
    expect(all.at(-1)?.toRecord()).toEqual({ response: 'Goodbye', message: 'Thanks for all the fish.' });
    const eventCount = (raw.match(/^Event: /gm) ?? []).length;
    expect(all.filter((m) => m.has('Event'))).toHaveLength(eventCount);
  });

  it('gives every event exactly the fields asterisk-manager gave them (per event name, in order)', () => {
    // The parsed file comes from a second session: it also holds a QueueStatus answer and one SuccessfulAuth fewer.
    const names = ['Newchannel', 'Newstate', 'Hangup', 'HangupRequest', 'DeviceStateChange', 'DTMFEnd', 'OriginateResponse', 'DialBegin', 'LocalBridge', 'QueueCallerJoin', 'AgentConnect'];
    for (const name of names) {
      const ours = all.filter((m) => m.get('Event') === name).map((m) => m.toRecord());
      const theirs = parsedByAsteriskManager.filter((r) => r.event === name);
      expect(ours.length, name).toBeGreaterThan(0);
      expect(ours, name).toEqual(theirs);
    }
  });

  it('is indifferent to how TCP splits the stream', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        const split = messages(parseAll(raw, sizes)).map((m) => m.headers);
        expect(split).toEqual(all.map((m) => m.headers));
      }),
      { numRuns: 30 },
    );
  });

  it('types channel events', () => {
    const hangups = all.filter((m) => m.get('Event') === 'Hangup').map(toAmiEvent);
    expect(hangups[0]).toMatchObject({
      kind: 'Hangup',
      channel: 'Local/12345@ivr-inbound-00000005;1',
      channelState: 6,
      channelStateDesc: 'Up',
      context: 'test-caller',
      priority: 3,
      cause: 16,
      causeText: 'Normal Clearing',
      uniqueid: '1795302976.10',
    });
    const device = all.map(toAmiEvent).find((e) => e.kind === 'DeviceStateChange');
    expect(device).toMatchObject({ device: 'Local/12345@ivr-inbound', state: 'INUSE' });
    const originate = all.map(toAmiEvent).find((e) => e.kind === 'OriginateResponse');
    expect(originate).toMatchObject({ actionId: 'orig-1', response: 'Success', reason: 4 });
    expect(all.map(toAmiEvent).find((e) => e.event === 'DTMFEnd')?.kind).toBe('other');
  });
});

describe('AmiParser rejects what is not AMI', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a line without a colon', 'Action Ping\r\n', /no "Key: Value" colon/],
    ['an empty key', ': Ping\r\n', /empty key/],
    ['a key with a space', 'Action ID: 1\r\n', /contains spaces/],
    ['a control character in a value', 'Action: Pi\x07ng\r\n', /control characters/],
  ];
  for (const [what, text, problem] of cases) {
    it(`rejects ${what}`, () => {
      const parser = new AmiParser({ expectBanner: false });
      expect(() => parser.push(text)).toThrow(problem);
      try {
        new AmiParser({ expectBanner: false }).push(text);
      } catch (error) {
        expect(error).toBeInstanceOf(AmiProtocolError);
        expect((error as AmiProtocolError).code).toBe('AMI_BAD_LINE');
      }
    });
  }

  it('rejects a stream that does not start with the Asterisk greeting', () => {
    expect(() => new AmiParser({ expectBanner: true }).push('HTTP/1.1 400 Bad Request\r\n')).toThrow(/Asterisk Call Manager/);
  });

  it('rejects an overlong line even before its end arrives', () => {
    const parser = new AmiParser({ expectBanner: false, maxLineLength: 1024 });
    expect(() => parser.push(`Action: ${'x'.repeat(2000)}`)).toThrow(/exceeds the limit of 1024/);
  });

  it('rejects a message with too many headers', () => {
    const parser = new AmiParser({ expectBanner: false, maxHeaders: 3 });
    expect(() => parser.push('A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n')).toThrow(/more than 3 headers/);
  });

  it('accepts the liberties Asterisk accepts from clients: bare LF, no space after the colon, blank lines between messages', () => {
    const parser = new AmiParser({ expectBanner: false });
    const frames = parser.push('\r\nAction:Ping\nActionID: 7\n\n\r\n');
    expect(messages(frames).map((m) => m.headers)).toEqual([
      [
        ['Action', 'Ping'],
        ['ActionID', '7'],
      ],
    ]);
  });

  it('parses values that contain colons and keeps empty values', () => {
    expect(parseAmiLine('Timestamp: 12:00:01')).toEqual(['Timestamp', '12:00:01']);
    expect(parseAmiLine('AccountCode: ')).toEqual(['AccountCode', '']);
  });
});

describe('formatAmiMessage', () => {
  it('writes CRLF lines ended by an empty line and leaves undefined headers out', () => {
    expect(formatAmiMessage([['Action', 'Hangup'], ['ActionID', 'a-1'], ['Channel', 'PJSIP/x'], ['Cause', undefined], ['Priority', 1]])).toBe(
      'Action: Hangup\r\nActionID: a-1\r\nChannel: PJSIP/x\r\nPriority: 1\r\n\r\n',
    );
  });

  it('refuses a value with a line break, which would inject AMI headers', () => {
    expect(() => formatAmiMessage([['Action', 'Setvar'], ['Value', 'x\r\nAction: Originate']])).toThrow(/line break/);
  });

  it('round-trips through the parser', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,30}$/)), { minLength: 1, maxLength: 10 }),
        (headers) => {
          const [frame] = new AmiParser({ expectBanner: false }).push(formatAmiMessage(headers));
          expect(frame?.kind === 'message' ? frame.message.headers : undefined).toEqual(headers);
        },
      ),
    );
  });
});
