import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmiProtocolError } from '../../../src/adapters/ami/ami-codec.js';
import { managerRecordProblem, toAmiMessage, toManagerAction } from '../../../src/adapters/ami/ami-manager-records.js';

function refusal(run: () => unknown): AmiProtocolError {
  try {
    run();
  } catch (error) {
    if (error instanceof AmiProtocolError) return error;
    throw error;
  }
  throw new Error('expected an AmiProtocolError');
}

describe('toManagerAction', () => {
  it('builds the action object with our ActionID, lower-cased keys and no undefined headers', () => {
    expect(toManagerAction('Redirect', 'abc-1', [['Channel', 'PJSIP/x'], ['Context', 'ivr-fallback'], ['Priority', 1], ['Cause', undefined]])).toEqual({
      action: 'Redirect',
      actionid: 'abc-1',
      channel: 'PJSIP/x',
      context: 'ivr-fallback',
      priority: '1',
    });
  });

  it('passes variables as an object, which the package writes as one Variable line each', () => {
    expect(toManagerAction('Originate', 'o-1', [['Channel', 'PJSIP/110@psap']], { CASE: '12345', EMPTY: '' })).toMatchObject({ variable: { CASE: '12345', EMPTY: '' } });
    expect(toManagerAction('Originate', 'o-2', [])).not.toHaveProperty('variable');
  });

  it('refuses CR or LF anywhere a value goes, naming the header', () => {
    expect(refusal(() => toManagerAction('Setvar', 'a', [['Value', 'x\r\nAction: Hangup']]))).toMatchObject({ code: 'AMI_BAD_VALUE', message: expect.stringContaining('Value') });
    expect(refusal(() => toManagerAction('Ping\r\nAction: Hangup', 'a', [])).message).toMatch(/Action contains a line break/);
    expect(refusal(() => toManagerAction('Originate', 'a', [], { NOTE: 'a\nb' })).message).toMatch(/Variable contains a line break/);
  });

  it('refuses header names that are not tokens, and variable names that are empty or hold "="', () => {
    expect(refusal(() => toManagerAction('Ping', 'a', [['Bad Key', 'v']])).message).toMatch(/"Bad Key" is not a token/);
    expect(refusal(() => toManagerAction('Ping', 'a', [['Key:', 'v']])).message).toMatch(/is not a token/);
    expect(refusal(() => toManagerAction('Originate', 'a', [], { 'A=B': 'c' })).message).toMatch(/variable name "A=B"/);
    expect(refusal(() => toManagerAction('Originate', 'a', [], { '': 'c' })).message).toMatch(/variable name ""/);
  });

  it('refuses headers the client sets itself and headers given twice in different case', () => {
    expect(refusal(() => toManagerAction('Ping', 'a', [['ActionID', 'mine']])).message).toMatch(/ActionID is set by the client/);
    expect(refusal(() => toManagerAction('Ping', 'a', [['action', 'Hangup']])).message).toMatch(/action is set by the client/);
    expect(refusal(() => toManagerAction('Ping', 'a', [['Channel', 'x'], ['CHANNEL', 'y']])).message).toMatch(/CHANNEL is given more than once/);
    expect(refusal(() => toManagerAction('Originate', 'a', [['Variable', 'A=1']], { B: '2' })).message).toMatch(/both as a header and as variables/);
  });

  it('keeps a header named like an Object.prototype member as a plain header', () => {
    const action = toManagerAction('Ping', 'a', [['__proto__', 'x'], ['constructor', 'y']]);
    expect(Object.keys(action)).toEqual(['action', 'actionid', '__proto__', 'constructor']);
    expect(Object.getPrototypeOf(action)).toBe(Object.prototype);
  });
});

describe('toAmiMessage', () => {
  it('reads lower-cased keys case-insensitively and flattens repeated headers in order', () => {
    const message = toAmiMessage({ event: 'Newexten', channel: 'PJSIP/x', output: ['one', 'two'], chanvariable: { A: '1', B: '' }, variable: { QUEUEWAIT: '' } });
    expect(message.get('Event')).toBe('Newexten');
    expect(message.get('CHANNEL')).toBe('PJSIP/x');
    expect(message.getAll('Output')).toEqual(['one', 'two']);
    expect(message.getAll('ChanVariable')).toEqual(['A=1', 'B=']);
    expect(message.get('Variable')).toBe('QUEUEWAIT');
    expect(message.toRecord()).toEqual({ event: 'Newexten', channel: 'PJSIP/x', output: 'one', chanvariable: 'A=1', variable: 'QUEUEWAIT' });
  });
});

describe('managerRecordProblem', () => {
  it('accepts every record made of token keys and printable values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.stringMatching(/^[\x20-\x7e\t]{0,40}$/)), (record) => {
        expect(managerRecordProblem(record)).toBeUndefined();
      }),
    );
  });

  it('names what is wrong', () => {
    expect(managerRecordProblem({ 'get / http/1.1': '' })).toBe('a line that is not "Key: Value": "get / http/1.1"');
    expect(managerRecordProblem({ '': 'Ping' })).toBe('an empty header name');
    expect(managerRecordProblem({ event: 'X', note: ['ok', 'b\u0000d'] })).toBe('control characters in the value of "note"');
    expect(managerRecordProblem({ chanvariable: { A: 'x\u001b' } })).toBe('control characters in the value of "chanvariable"');
  });

  it('lets Asterisk 13 "Response: Follows" command output through', () => {
    expect(managerRecordProblem({ response: 'follows', content: 'Privilege: Command\nline 1\n--END COMMAND--', actionid: '1' })).toBeUndefined();
  });
});
