// The dialplan extensions the gateway hands calls to. Asterisk 22 accepts `continue` to any context/extension
// (204, then StasisEnd) and only afterwards finds nothing there: with no `i` extension it hangs the caller up and
// logs a WARNING on its own console. The gateway cannot see that over ARI, so it asks the dialplan itself
// (AMI ShowDialPlan) when the AMI link comes up and before a hand-over to an extension not yet seen present, and
// never sends a caller into nothing.

import type { Log } from './app-ports.js';

export interface DialplanDirectory {
  /** true or false as Asterisk answers; rejects when it cannot tell (AMI down, ShowDialPlan not permitted). */
  extensionExists(context: string, exten: string): Promise<boolean>;
}

/**
 * Remembers the extensions found present, so that the usual hand-over costs no AMI round trip; one not found (or
 * never asked for) is asked for again each time, so a dialplan reload that adds it is seen at the next call.
 * `forget()` at each AMI login: the Asterisk behind it may have a different dialplan now.
 */
export class CachedDialplanDirectory implements DialplanDirectory {
  private readonly present = new Set<string>();

  constructor(private readonly directory: DialplanDirectory) {}

  async extensionExists(context: string, exten: string): Promise<boolean> {
    const key = `${context}\u0000${exten}`;
    if (this.present.has(key)) return true;
    const exists = await this.directory.extensionExists(context, exten);
    if (exists) this.present.add(key);
    return exists;
  }

  forget(): void {
    this.present.clear();
  }
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
