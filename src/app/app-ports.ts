// Logging and metrics as the application layer sees them. Structural types, so the pino logger and the
// prom-client metrics adapter satisfy them without the application importing either package.

import type { EmergencyService } from '../domain/flow/types.js';
import type { IvrOutcome } from '../domain/ivr/protocol.js';

export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Log;
}

export type EmergencyResult = 'answered' | 'failed_over' | 'all_routes_failed' | 'caller_hung_up';

export interface CallMetrics {
  callStarted(): void;
  callEnded(): void;
  ivrOutcome(outcome: IvrOutcome['kind']): void;
  ivrInputProblem(node: string, problem: 'timeout' | 'invalid'): void;
  emergencyForward(service: EmergencyService, result: EmergencyResult, seconds?: number): void;
  callHandedToDialplan(reason: string): void;
}

export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLog,
};
