// Typed errors of the simulator. `AriError` is what an ARI handler throws to answer with Asterisk's status and
// `{"message": ...}` body (`{"error": ...}` where Asterisk answers so); the others are raised to test code that
// uses the control API.

export class AriError extends Error {
  readonly code = 'ARI_ERROR';
  constructor(
    readonly status: number,
    message: string,
    /** The body's key: `error` for res_ari's allocation failure and authentication errors, else `message`. */
    readonly bodyKey: 'message' | 'error' = 'message',
  ) {
    super(message);
    this.name = 'AriError';
  }
}

export class SimulatorWaitTimeoutError extends Error {
  readonly code = 'SIM_WAIT_TIMEOUT';
  constructor(
    readonly awaited: string,
    readonly timeoutMs: number,
  ) {
    super(`simulator: timed out after ${timeoutMs} ms waiting for ${awaited}`);
    this.name = 'SimulatorWaitTimeoutError';
  }
}

export class SimulatorControlError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'SimulatorControlError';
  }
}

export class SoundCatalogError extends Error {
  readonly code = 'SIM_SOUND_CATALOG';
  constructor(message: string) {
    super(message);
    this.name = 'SoundCatalogError';
  }
}
