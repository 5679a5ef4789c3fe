// The call-back's dial string: the operator's template with the caller's number in it, or nothing to dial.

import { describe, expect, it } from 'vitest';
import { callbackDialString, dialTemplateProblem } from '../../../src/domain/acd/callback-dial.js';

describe('call-back dial strings', () => {
  it('accepts TECH/resource templates with {number} once in the resource', () => {
    for (const template of ['PJSIP/{number}@carrier', 'Local/{number}@outbound', 'SIP/trunk/{number}', 'PJSIP/0{number}@gw']) {
      expect(dialTemplateProblem(template), template).toBeNull();
    }
    for (const template of ['PJSIP/carrier', '{number}', 'PJSIP/{number}@a,30', 'PJSIP/{number} x', 'PJSIP/{number}{number}', 'PJSIP/{num}']) {
      expect(dialTemplateProblem(template), template).not.toBeNull();
    }
  });

  it('puts the digits of the number in, a leading + dropped, and refuses what is not a number', () => {
    expect(callbackDialString('PJSIP/{number}@carrier', '13911112222')).toBe('PJSIP/13911112222@carrier');
    expect(callbackDialString('PJSIP/{number}@carrier', '+8613911112222')).toBe('PJSIP/8613911112222@carrier');
    for (const number of ['', 'anonymous', '12', '139 1111 2222', '139&1']) {
      expect(callbackDialString('PJSIP/{number}@carrier', number), number).toBeNull();
    }
  });
});
