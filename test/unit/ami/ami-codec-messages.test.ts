// Regression (found by the simulator's AMI fuzz target): the codec's error messages quoted the offending text with
// JSON.stringify, which leaves DEL (0x7f) as it is. The simulator sends those messages back as a `Message:` header,
// so a client's DEL made the simulator write a header its own strict parser (and the gateway's client) refuses.
import { describe, expect, it } from 'vitest';
import { AmiParser, AmiProtocolError, amiHeaderProblem, parseAmiLine } from '../../../src/adapters/ami/ami-codec.js';

const hasControl = (text: string): boolean => [...text].some((c) => (c.charCodeAt(0) < 0x20 && c !== '\t') || c === '\x7f');

describe('AMI codec error messages', () => {
  it('escape DEL and every other control character of the text they quote', () => {
    for (const line of ['ction\x7f: Login', 'no colon \x7f here', '\x7f', 'Key\x01x: v']) {
      let message = '';
      try {
        parseAmiLine(line);
      } catch (err) {
        expect(err).toBeInstanceOf(AmiProtocolError);
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      expect(hasControl(message)).toBe(false);
    }
    expect(hasControl(amiHeaderProblem('Key\x7f', 'v') ?? '')).toBe(false);
  });

  it('can be sent back as a Message header that the strict parser reads', () => {
    let message = '';
    try {
      parseAmiLine('ction\x7f: Login');
    } catch (err) {
      message = (err as Error).message;
    }
    const frames = new AmiParser({ expectBanner: false }).push(`Response: Error\r\nMessage: ${message}\r\n\r\n`);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.kind === 'message' ? frames[0].message.get('Message') : undefined).toBe(message);
  });
});
