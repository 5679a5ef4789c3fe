// Linking a script with only the Lua library definitions it needs: what its body names, what those name in turn,
// in the library's order, with comments going along with their definition and names in strings or comments ignored.

import { describe, expect, it } from 'vitest';
import { LuaLibrary } from '../../../src/adapters/redis/lua-library.js';

const LIBRARY = `
local B = ARGV[1]
local NOW, LATER = 1, 2
-- keys under the base
local function key(id) return B .. id end

-- reads one record
local function load(id)
  -- a comment naming unused() is no use of it
  return redis.call('GET', key(id))
end
local function unused() return 'load' end
local function twice(id)
  return load(id) .. load(id)
end
`;

describe('LuaLibrary', () => {
  const library = new LuaLibrary(LIBRARY);

  it('links the definitions a body uses, through the ones they use, in the library order', () => {
    expect(library.link('return twice(KEYS[1])')).toBe(
      [
        '',
        'local B = ARGV[1]',
        '-- keys under the base',
        'local function key(id) return B .. id end',
        '',
        '-- reads one record',
        'local function load(id)',
        '  -- a comment naming unused() is no use of it',
        "  return redis.call('GET', key(id))",
        'end',
        'local function twice(id)',
        '  return load(id) .. load(id)',
        'end',
        'return twice(KEYS[1])',
      ].join('\n'),
    );
  });

  it('takes a definition of several names when the body uses any of them, and nothing for a body using none', () => {
    expect(library.link('return LATER')).toBe('local NOW, LATER = 1, 2\nreturn LATER');
    expect(library.link("return 'twice'")).toBe("return 'twice'");
  });

  it('refuses a library without definitions', () => {
    expect(() => new LuaLibrary('return 1')).toThrow(/at least one top-level local definition/);
  });
});
