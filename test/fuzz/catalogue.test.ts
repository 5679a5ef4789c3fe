// The fuzz catalogue keeps its promise: at least 100,000 generated inputs in the fixed-seed CI runs, every target
// in one CI group, names unique (they are the bench's command-line names).
import { describe, expect, it } from 'vitest';
import { FUZZ_CI_TOTAL, FUZZ_TARGETS } from './targets/catalogue.js';

describe('fuzz catalogue', () => {
  it('runs at least 100,000 inputs in CI, over uniquely named targets', () => {
    expect(FUZZ_CI_TOTAL).toBeGreaterThanOrEqual(100_000);
    expect(new Set(FUZZ_TARGETS.map((t) => t.name)).size).toBe(FUZZ_TARGETS.length);
  });

  it('covers every parser the issue names', () => {
    const names = FUZZ_TARGETS.map((t) => t.name);
    for (const name of ['http-v1', 'http-form', 'http-open311', 'wechat-xml', 'wechat-route', 'mime', 'smtp', 'ami-codec', 'ami-simulator', 'ami-client', 'flow']) {
      expect(names).toContain(name);
    }
  });
});
