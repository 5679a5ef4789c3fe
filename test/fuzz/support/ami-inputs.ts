// AMI wire text for the AMI targets: well-formed messages (Asterisk's events and responses, a client's actions)
// made with the project's own formatter, then broken the ways a desynchronised or hostile peer breaks them.

import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { formatAmiMessage } from '../../../src/adapters/ami/ami-codec.js';
import type { AmiHeaderInput } from '../../../src/adapters/ami/ami-codec.js';
import { nastyString, textMutations } from './arbitraries.js';

/** What breaks line protocols: bare CR and LF, a lost blank line, a colon-less line, NUL, overlong pieces. */
export const AMI_SNIPPETS: readonly string[] = [
  '\r\n', '\n', '\r', '\r\n\r\n', ':', ': ', 'Key', 'Key:', ':value', ' : ', 'Response: Success\r\n', 'Event: FullyBooted\r\n', 'ActionID: x\r\n',
  'EventList: start\r\n', 'EventList: Complete\r\n', 'Asterisk Call Manager/11.0.0\r\n', 'Message: Authentication accepted\r\n', '\u0000', '\u007f', '\t',
  'A'.repeat(1100), 'Variable: a=b\r\n', 'Action: Logoff\r\n\r\n', 'Output: ', '--END COMMAND--',
];

const HEADER_NAMES = ['Event', 'Privilege', 'Channel', 'ChannelState', 'CallerIDNum', 'Uniqueid', 'Linkedid', 'Context', 'Exten', 'Cause-txt', 'ChanVariable(PJSIP/x)', 'ActionID', 'Response', 'Message'];

/** A message as Asterisk writes it: known and generated header names, ordinary and hostile (single-line) values. */
export function amiMessage(): Arbitrary<string> {
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HEADER_NAMES) }, { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x39\x3b-\x7e]{1,30}$/) });
  const value = fc.oneof(fc.constantFrom('Newchannel', 'Hangup', 'PJSIP/psap-police-00000001', '13800138000', 'Up', 'Success', '6', 'ivr-fallback'), nastyString(30).map((v) => v.replace(/[\r\n]/g, ' ')));
  return fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 12 }).map((headers) => {
    try {
      return formatAmiMessage(headers as AmiHeaderInput[]);
    } catch {
      return 'Event: Formatted\r\n\r\n';
    }
  });
}

/** A stream of messages, mostly well formed, often broken, sometimes random bytes. */
export function amiStream(): Arbitrary<string> {
  const messages = fc.array(amiMessage(), { minLength: 1, maxLength: 6 }).map((list) => list.join(''));
  return fc.oneof(
    { weight: 2, arbitrary: messages },
    { weight: 5, arbitrary: messages.chain((text) => textMutations(text, AMI_SNIPPETS)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => `Event: Long\r\nValue: ${'x'.repeat(n)}\r\n\r\n`) },
  );
}

/** Where a stream is cut into the chunks the socket delivers. */
export function chunked(text: string): Arbitrary<string[]> {
  return fc.array(fc.nat(text.length), { maxLength: 6 }).map((cuts) => {
    const points = [...new Set([0, ...cuts, text.length])].sort((a, b) => a - b);
    return points.slice(1).map((end, i) => text.slice(points[i], end));
  });
}
