import { describe, expect, it } from 'vitest';
import { Open311SetupError, open311Routes } from '../../../src/adapters/http/open311/index.js';
import type { Intake } from '../../../src/app/intake/intake-ports.js';

// Construction only checks settings; nothing here touches the intake or the guard.
const deps = { intake: {} as Intake, guard: {} as never, jurisdictionId: 'beijing.gov.cn' };

describe('open311Routes settings', () => {
  it('refuses an empty jurisdiction id', () => {
    expect(() => open311Routes({ ...deps, jurisdictionId: ' ' })).toThrow(Open311SetupError);
  });

  it('refuses rates that are not positive integers, naming the setting', () => {
    expect(() => open311Routes({ ...deps, readsPerMinute: 0 })).toThrow(/readsPerMinute must be a positive integer, got 0/);
    expect(() => open311Routes({ ...deps, unauthenticatedPerMinute: 1.5 })).toThrow(/unauthenticatedPerMinute/);
  });

  it('accepts sound settings', () => {
    expect(typeof open311Routes(deps)).toBe('function');
  });
});
