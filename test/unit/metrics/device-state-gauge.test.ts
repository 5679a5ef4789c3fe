import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';
import type { DeviceState } from '../../../src/domain/telephony/device-state.js';

function samples(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const space = line.lastIndexOf(' ');
    out[line.slice(name.length, space)] = Number(line.slice(space + 1));
  }
  return out;
}

describe('hotline_device_state', () => {
  it('has no series until devices are watched', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    expect(samples(await metrics.render(), 'hotline_device_state')).toEqual({});
  });

  it('reads 1 for the current state of each watched device at every scrape, 0 for the other states', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    const states = new Map<string, DeviceState>([['PJSIP/psap-police', 'UNAVAILABLE']]);
    metrics.watchDevices(['PJSIP/psap-police', 'PJSIP/psap-police-backup', 'PJSIP/psap-police'], (d) => states.get(d) ?? null);
    let series = samples(await metrics.render(), 'hotline_device_state');
    // Two devices (the duplicate counted once), nine states each.
    expect(Object.keys(series)).toHaveLength(18);
    expect(series['{device="PJSIP/psap-police",state="UNAVAILABLE"}']).toBe(1);
    expect(series['{device="PJSIP/psap-police",state="NOT_INUSE"}']).toBe(0);
    // A device Asterisk reports nothing for reads UNKNOWN.
    expect(series['{device="PJSIP/psap-police-backup",state="UNKNOWN"}']).toBe(1);
    expect(Object.entries(series).filter(([, v]) => v === 1)).toHaveLength(2);

    states.set('PJSIP/psap-police', 'NOT_INUSE');
    series = samples(await metrics.render(), 'hotline_device_state');
    expect(series['{device="PJSIP/psap-police",state="UNAVAILABLE"}']).toBe(0);
    expect(series['{device="PJSIP/psap-police",state="NOT_INUSE"}']).toBe(1);
  });
});
