export { GatewayMetrics } from './gateway-metrics.js';
export type { EmergencyForwardResult, GatewayMetricsOptions, IvrInputProblem } from './gateway-metrics.js';
