// The dialplan extensions the gateway hands calls to. Asterisk 22 accepts `continue` to any context/extension
// (204, then StasisEnd) and only afterwards finds nothing there: with no `i` extension it hangs the caller up and
// logs a WARNING on its own console. The gateway cannot see that over ARI, so it asks the dialplan itself
// (AMI ShowDialPlan) when the AMI link comes up and before each hand-over, and never sends a caller into nothing.

import type { Log } from './app-ports.js';

export interface DialplanDirectory {
  /** true or false as Asterisk answers; rejects when it cannot tell (AMI down, ShowDialPlan not permitted). */
  extensionExists(context: string, exten: string): Promise<boolean>;
}

export interface HandOverPoint {
  readonly context: string;
  readonly exten: string;
  /** What the gateway uses it for, for the log line. */
  readonly purpose: string;
}

export type HandOverState = 'present' | 'missing' | 'unknown';

export async function handOverState(directory: DialplanDirectory | undefined, context: string, exten: string): Promise<HandOverState> {
  if (directory === undefined) return 'unknown';
  try {
    return (await directory.extensionExists(context, exten)) ? 'present' : 'missing';
  } catch {
    return 'unknown';
  }
}

/**
 * Checks every hand-over point once (at each AMI login): an operator sees at start-up, not at the first caller,
 * which extension their dialplan lacks. Returns the missing ones.
 */
export async function checkHandOverPoints(directory: DialplanDirectory, points: readonly HandOverPoint[], log: Log): Promise<HandOverPoint[]> {
  const missing: HandOverPoint[] = [];
  for (const point of points) {
    try {
      if (await directory.extensionExists(point.context, point.exten)) continue;
      missing.push(point);
      log.error(
        { context: point.context, exten: point.exten, purpose: point.purpose },
        `dialplan hand-over point ${point.context},${point.exten},1 does not exist: calls sent there would be hung up by Asterisk`,
      );
    } catch (err) {
      log.warn({ err }, 'cannot check the dialplan hand-over points over AMI (ShowDialPlan needs write = reporting in manager.conf)');
      return missing;
    }
  }
  if (missing.length === 0) log.info({ points: points.length }, 'dialplan hand-over points present');
  return missing;
}
