import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseFuzzOptions } from '../../../bench/fuzz/options.js';
import { BenchUsageError } from '../../../bench/shared/parse-args.js';

describe('npm run bench -- fuzz options', () => {
  it('defaults to every target, ten times its CI inputs, a random seed', () => {
    expect(parseFuzzOptions([])).toEqual(DEFAULTS);
    expect(DEFAULTS).toMatchObject({ runs: null, seed: null, target: null });
  });

  it('takes --runs, --seed and --target, and names what is wrong', () => {
    expect(parseFuzzOptions(['--runs', '500', '--seed=7', '--target', 'wechat-xml', '--json'])).toEqual({ runs: 500, seed: 7, target: 'wechat-xml', json: true, smoke: false });
    expect(() => parseFuzzOptions(['--target', 'nope'])).toThrow(BenchUsageError);
    expect(() => parseFuzzOptions(['--seed', '4294967296'])).toThrow(/at most 2147483647/);
    expect(() => parseFuzzOptions(['--runs', '0'])).toThrow(/positive integer/);
  });
});
