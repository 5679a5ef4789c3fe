// Case access as the gateway builds it, for the composition root, the benchmarks and the tests alike: the intake's
// case keys, constant-time comparison, and the limiter every replica shares.

import type { Log } from '../../app/app-ports.js';
import { ProvenCaseAccess } from '../../app/access/case-access.js';
import type { ProofLimits } from '../../app/access/case-access.js';
import type { CaseKeySource } from '../../app/access/case-keys.js';
import type { Intake } from '../../app/intake/intake-ports.js';
import type { Limiter } from '../../app/limits/limiter-ports.js';
import type { Clock } from '../../app/ports.js';
import { systemClock } from '../../app/ports.js';
import { constantTimeEqual } from './constant-time-equal.js';

export interface CaseAccessOptions {
  readonly intake: Intake;
  readonly keys: CaseKeySource;
  readonly limiter: Limiter;
  readonly log: Log;
  readonly clock?: Clock;
  readonly limits?: ProofLimits;
}

export function createCaseAccess(options: CaseAccessOptions): ProvenCaseAccess {
  return new ProvenCaseAccess({
    intake: options.intake,
    keys: options.keys,
    limiter: options.limiter,
    sameSecret: constantTimeEqual,
    clock: options.clock ?? systemClock,
    log: options.log.child({ component: 'case-access' }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
}
