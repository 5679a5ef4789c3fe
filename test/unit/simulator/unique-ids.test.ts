// Channel unique ids as Asterisk makes them: `<epoch>.<n>`, or `<systemname>-<epoch>.<n>` with asterisk.conf's
// `systemname`, which is what keeps the ids of several Asterisks of one hotline apart.

import { describe, expect, it } from 'vitest';
import { AsteriskEngine } from '../../../src/simulator/engine/asterisk-engine.js';
import { UniformSoundCatalog } from '../../../src/simulator/sounds/sound-catalog.js';

function engine(systemName?: string): AsteriskEngine {
  return new AsteriskEngine({
    sounds: new UniformSoundCatalog(10),
    msPerDigit: 5,
    asteriskId: '02:fc:00:00:00:01',
    ...(systemName === undefined ? {} : { systemName }),
    inboundApp: 'ivr-12345',
    inboundContext: 'from-carrier',
    inboundNumber: '12345',
    carrierEndpoint: 'carrier',
    stasisFailedFallback: { context: 'ivr-fallback', extension: 'menu', priority: 1 },
    defaultDialBehaviour: { result: 'answer', afterMs: 5 },
    recordingMsPerSecond: 10,
    now: () => 1_796_649_212_345,
  });
}

describe('simulated channel unique ids', () => {
  it('are <epoch>.<n> without a system name, so two Asterisks started together give the same ids', () => {
    const [a, b] = [engine(), engine()];
    const ids = [a.placeInboundCall('13800138000'), b.placeInboundCall('13800138001')];
    expect(ids).toEqual(['1796649212.0', '1796649212.0']);
    a.close();
    b.close();
  });

  it('start with the system name when one is set, so they differ between Asterisks', () => {
    const [a, b] = [engine('pbx-1'), engine('pbx-2')];
    const ids = [a.placeInboundCall('13800138000'), a.placeInboundCall('13800138002'), b.placeInboundCall('13800138001')];
    expect(ids).toEqual(['pbx-1-1796649212.0', 'pbx-1-1796649212.1', 'pbx-2-1796649212.0']);
    a.close();
    b.close();
  });
});
