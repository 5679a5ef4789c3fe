// The case access every channel is wired with, built the way the gateway builds it (real proofs, real constant-time
// comparison, real PRFs) over whichever intake a test uses, with the in-memory limiter.

import type { ProvenCaseAccess } from '../../src/app/access/case-access.js';
import type { ProofLimits } from '../../src/app/access/case-access.js';
import type { CaseKeySource } from '../../src/app/access/case-keys.js';
import type { Intake } from '../../src/app/intake/intake-ports.js';
import { MemoryLimiter } from '../../src/app/limits/memory-limiter.js';
import { silentLog } from '../../src/app/app-ports.js';
import type { Log } from '../../src/app/app-ports.js';
import { systemClock } from '../../src/app/ports.js';
import type { Clock } from '../../src/app/ports.js';
import { ConfiguredCaseSecret } from '../../src/adapters/intake/case-secret.js';
import { createCaseAccess } from '../../src/adapters/access/create-case-access.js';

export interface TestCaseAccessOptions {
  /** Default: a fixed test secret (what `CASE_SECRET` would give). */
  readonly keys?: CaseKeySource;
  readonly clock?: Clock;
  readonly log?: Log;
  readonly limits?: ProofLimits;
}

export function testCaseAccess(intake: Intake, options: TestCaseAccessOptions = {}): ProvenCaseAccess {
  const clock = options.clock ?? systemClock;
  return createCaseAccess({
    intake,
    keys: options.keys ?? new ConfiguredCaseSecret('test case secret'),
    limiter: new MemoryLimiter(clock),
    clock,
    log: options.log ?? silentLog,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
}
