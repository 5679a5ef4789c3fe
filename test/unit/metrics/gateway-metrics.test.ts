import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/adapters/metrics/index.js';

/** The value of one sample line, e.g. `sample(text, 'hotline_ivr_calls_total')`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GatewayMetrics', () => {
  it('counts calls and keeps the active gauge', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.callStarted();
    metrics.callStarted();
    metrics.callEnded();
    const text = await metrics.render();
    expect(sample(text, 'hotline_ivr_calls_total')).toBe(2);
    expect(sample(text, 'hotline_ivr_calls_active')).toBe(1);
  });

  it('counts emergency forwards by service and result, timing the answered ones', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.emergencyForward('110', 'answered', 3.2);
    metrics.emergencyForward('110', 'failed_over', 25);
    metrics.emergencyForward('119', 'all_routes_failed', 70);
    metrics.emergencyForward('120', 'caller_hung_up');
    const text = await metrics.render();
    expect(sample(text, 'hotline_emergency_forwards_total{service="110",result="answered"}')).toBe(1);
    expect(sample(text, 'hotline_emergency_forwards_total{service="110",result="failed_over"}')).toBe(1);
    expect(sample(text, 'hotline_emergency_forwards_total{service="119",result="all_routes_failed"}')).toBe(1);
    expect(sample(text, 'hotline_emergency_forwards_total{service="120",result="caller_hung_up"}')).toBe(1);
    expect(sample(text, 'hotline_emergency_forward_seconds_count{service="110"}')).toBe(2);
    expect(sample(text, 'hotline_emergency_forward_seconds_sum{service="110"}')).toBeCloseTo(28.2);
    expect(sample(text, 'hotline_emergency_forward_seconds_bucket{le="5",service="110"}')).toBe(1);
    // A forward that was never answered has no time to answer.
    expect(sample(text, 'hotline_emergency_forward_seconds_count{service="119"}')).toBeUndefined();
  });

  it('tracks ARI and AMI connections, starting at 0', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    let text = await metrics.render();
    expect(sample(text, 'hotline_ari_connected')).toBe(0);
    expect(sample(text, 'hotline_ami_connected')).toBe(0);
    metrics.ariConnected(true);
    metrics.amiConnected(true);
    metrics.ariReconnected();
    metrics.ariReconnected();
    metrics.amiConnected(false);
    text = await metrics.render();
    expect(sample(text, 'hotline_ari_connected')).toBe(1);
    expect(sample(text, 'hotline_ami_connected')).toBe(0);
    expect(sample(text, 'hotline_ari_reconnects_total')).toBe(2);
  });

  it('counts IVR input problems, outcomes and dialplan hand-overs', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.ivrInputProblem('main', 'timeout');
    metrics.ivrInputProblem('main', 'timeout');
    metrics.ivrInputProblem('ticket', 'invalid');
    metrics.ivrOutcome('queue');
    metrics.ivrOutcome('emergency');
    metrics.callHandedToDialplan('ari_down');
    const text = await metrics.render();
    expect(sample(text, 'hotline_ivr_input_problems_total{node="main",problem="timeout"}')).toBe(2);
    expect(sample(text, 'hotline_ivr_input_problems_total{node="ticket",problem="invalid"}')).toBe(1);
    expect(sample(text, 'hotline_ivr_outcomes_total{outcome="queue"}')).toBe(1);
    expect(sample(text, 'hotline_ivr_outcomes_total{outcome="emergency"}')).toBe(1);
    expect(sample(text, 'hotline_calls_handed_to_dialplan_total{reason="ari_down"}')).toBe(1);
  });

  it('includes process metrics, and several instances do not collide', async () => {
    const a = new GatewayMetrics();
    const b = new GatewayMetrics();
    a.callStarted();
    const [textA, textB] = await Promise.all([a.render(), b.render()]);
    expect(textA).toContain('process_cpu_user_seconds_total');
    expect(textA).toContain('nodejs_heap_size_used_bytes');
    expect(sample(textA, 'hotline_ivr_calls_total')).toBe(1);
    expect(sample(textB, 'hotline_ivr_calls_total')).toBe(0);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('leaves metrics added to its registry in the output', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    const { Counter } = await import('prom-client');
    new Counter({ name: 'hotline_queue_jobs_total', help: 'x', registers: [metrics.registry] }).inc(4);
    expect(sample(await metrics.render(), 'hotline_queue_jobs_total')).toBe(4);
  });
});
