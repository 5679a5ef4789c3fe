import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../../src/adapters/cli/command-line.js';
import type { CommandSpec } from '../../../src/adapters/cli/command-line.js';

const SPEC: CommandSpec = { usage: 'usage: x', values: ['name', 'file'], flags: ['force'], positionals: { min: 0, max: 1, name: 'FLOW' } };

function usageError(args: string[], spec: CommandSpec = SPEC): string {
  try {
    parseCommand(args, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${args.join(' ')} to be refused`);
}

describe('parseCommand', () => {
  it('reads values in both spellings, flags and positionals', () => {
    expect(parseCommand(['flow.yaml', '--name', 'A B', '--file=/k.json', '--force'], SPEC)).toEqual({
      help: false,
      values: { name: 'A B', file: '/k.json' },
      flags: new Set(['force']),
      positionals: ['flow.yaml'],
    });
    expect(parseCommand([], SPEC)).toEqual({ help: false, values: {}, flags: new Set(), positionals: [] });
  });

  it('answers --help or -h wherever it stands, even beside mistakes', () => {
    expect(parseCommand(['--help'], SPEC)).toEqual({ help: true });
    expect(parseCommand(['a', 'b', 'c', '--bogus', '-h'], SPEC)).toEqual({ help: true });
  });

  it('names each mistake', () => {
    expect(usageError(['--bogus'])).toBe('unknown option --bogus');
    expect(usageError(['-x'])).toBe('unknown option -x');
    expect(usageError(['--name'])).toBe('--name needs a value');
    expect(usageError(['--name', 'a', '--name=b'])).toBe('--name given twice');
    expect(usageError(['--force=yes'])).toBe('--force takes no value');
    expect(usageError(['a', 'b'])).toBe('unexpected argument "b"');
    expect(usageError([], { usage: '', positionals: { min: 1, max: 3, name: 'flow files' } })).toBe('missing flow files');
  });

  it('takes what follows -- as positionals', () => {
    expect(parseCommand(['--', '--name'], SPEC)).toMatchObject({ help: false, positionals: ['--name'], values: {} });
  });
});
