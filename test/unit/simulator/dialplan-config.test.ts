// The simulator's readers of extensions.conf / queues.conf and its dialplan expressions: the shipped files load,
// and what the simulator cannot read is refused with the file and line.

import { describe, expect, it } from 'vitest';
import { ConfigSyntaxError } from '../../../src/simulator/dialplan/config-lines.js';
import { extensionMatches, findExtension, parseExtensionsConf } from '../../../src/simulator/dialplan/extensions-conf.js';
import { evaluate, filterChars, substitute } from '../../../src/simulator/dialplan/expressions.js';
import { loadDialplan } from '../../../src/simulator/dialplan/load-dialplan.js';
import { parseQueuesConf } from '../../../src/simulator/dialplan/queues-conf.js';

describe('the shipped asterisk-config', () => {
  it('loads: every hand-over point the gateway uses exists, and every queue has its static members', () => {
    const { dialplan, queues } = loadDialplan();
    for (const [context, exten] of [['ivr-fallback', 'queue'], ['ivr-fallback', 'menu'], ['emergency-fallback', '110'], ['emergency-fallback', '122'], ['from-carrier', '12345']]) {
      expect(findExtension(dialplan, context as string, exten as string), `${context},${exten}`).toBeDefined();
    }
    expect([...queues.keys()].sort()).toEqual(['hotline-case-status', 'hotline-complaint', 'hotline-consultation', 'hotline-general']);
    expect(queues.get('hotline-complaint')?.members.map((m) => [m.interface, m.penalty])).toEqual([
      ['PJSIP/agent-1002', 0],
      ['PJSIP/agent-1001', 1],
    ]);
    expect(queues.get('hotline-complaint')).toMatchObject({ strategy: 'leastrecent', timeoutSeconds: 15, retrySeconds: 2 });
  });

  it('labels and `n` priorities number as pbx_config does', () => {
    const { dialplan } = loadDialplan();
    const queue = findExtension(dialplan, 'ivr-fallback', 'queue');
    expect(queue?.labels.get('queue')).toBe(9);
    expect(queue?.steps.get(10)?.app).toBe('Queue');
    expect(queue?.steps.get(10)?.source).toMatch(/extensions\.conf:\d+$/);
  });
});

describe('what the simulator cannot read is an error naming file and line', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['a line that is no entry', '[ctx]\nexten => 1,1,NoOp()\nthis is wrong\n', /^x\.conf:3: expected "key = value"/],
    ['an unknown keyword', '[ctx]\nswitch => Realtime/foo\n', /^x\.conf:2: "switch" is not simulated/],
    ['a step without an application', '[ctx]\nexten => 1,1\n', /^x\.conf:2: expected "<priority>\[\(<label>\)\],<Application>/],
    ['`same` first', '[ctx]\n same => n,NoOp()\n', /^x\.conf:2: "same =>" with no extension before it/],
    ['a priority twice', '[ctx]\nexten => 1,1,NoOp()\nexten => 1,1,NoOp()\n', /^x\.conf:3: priority 1 of 1 in \[ctx\] given twice/],
    ['an #include', '#include other.conf\n', /^x\.conf:1: directive not simulated/],
    ['a template context', '[tpl](!)\n', /^x\.conf:1: context templates are not simulated/],
  ];
  it.each(bad)('%s', (_what, text, message) => {
    expect(() => parseExtensionsConf(text, 'x.conf')).toThrow(ConfigSyntaxError);
    expect(() => parseExtensionsConf(text, 'x.conf')).toThrow(message);
  });

  it('queues.conf: a member with no interface, an unknown base', () => {
    expect(() => parseQueuesConf('[q]\nmember => nothing\n', 'q.conf')).toThrow(/^q\.conf:2: bad member interface/);
    expect(() => parseQueuesConf('[q](missing)\n', 'q.conf')).toThrow(/^q\.conf:1: \[q\] inherits from unknown \[missing\]/);
  });
});

describe('patterns and expressions', () => {
  it('matches extension patterns as ast_extension_match', () => {
    expect(extensionMatches('_[05-8#]', '6')).toBe(true);
    expect(extensionMatches('_[05-8#]', '4')).toBe(false);
    expect(extensionMatches('_1XXX', '1001')).toBe(true);
    expect(extensionMatches('_1XXX', '10011')).toBe(false);
    expect(extensionMatches('_X.', '110')).toBe(true);
    expect(extensionMatches('queue', 'queue')).toBe(true);
  });

  it('substitutes variables and functions innermost first, and evaluates conditions', () => {
    const vars: Record<string, string> = { SKILL: 'Compl,aint!', N: '2', STATUS: 'FAILED' };
    const scope = {
      variable: (n: string) => vars[n],
      func: (n: string, a: string) => (n === 'FILTER' ? filterChars(a.slice(0, a.indexOf(',')), a.slice(a.indexOf(',') + 1)) : undefined),
    };
    expect(substitute('hotline-${FILTER(-a-z0-9,${SKILL})}', scope)).toBe('hotline-omplaint');
    expect(substitute('$[${N} + 1]', scope)).toBe('3');
    expect(substitute('$["${STATUS}" = "FAILED"]', scope)).toBe('1');
    expect(substitute('$[${N} >= 3]', scope)).toBe('0');
    expect(evaluate('!0')).toBe('1');
    expect(() => substitute('${UNKNOWNFN(x)}', scope)).toThrow(/UNKNOWNFN\(\) is not simulated/);
  });
});
