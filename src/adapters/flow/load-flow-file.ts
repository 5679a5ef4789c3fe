// Reads a flow file from disk. The gateway refuses to start on an invalid flow: better no IVR than one that
// strands callers, so every problem in the file is listed at once.

import { readFile } from 'node:fs/promises';
import { formatFlowError } from '../../domain/flow/flow-error.js';
import type { FlowError } from '../../domain/flow/flow-error.js';
import { parseFlow } from '../../domain/flow/parse-flow.js';
import type { Flow } from '../../domain/flow/types.js';

export class InvalidFlowError extends Error {
  readonly code = 'FLOW_INVALID';
  constructor(
    readonly file: string,
    readonly errors: readonly FlowError[],
  ) {
    const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
    super(`invalid IVR flow ${file} (${count}):\n${errors.map((e) => `  ${formatFlowError(e)}`).join('\n')}`);
    this.name = 'InvalidFlowError';
  }
}

export class FlowFileUnreadableError extends Error {
  readonly code = 'FLOW_FILE_UNREADABLE';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot read IVR flow file ${file}: ${reason}`, { cause });
    this.name = 'FlowFileUnreadableError';
  }
}

export interface LoadFlowOptions {
  /** Called for each warning (the flow still loads). */
  readonly onWarning?: (warning: FlowError) => void;
}

/** Reads and validates a flow; throws InvalidFlowError (code FLOW_INVALID) or FlowFileUnreadableError. */
export async function loadFlowFile(file: string, options: LoadFlowOptions = {}): Promise<Flow> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new FlowFileUnreadableError(file, error);
  }
  const result = parseFlow(source, file);
  result.warnings.forEach((warning) => options.onWarning?.(warning));
  if ('errors' in result) throw new InvalidFlowError(file, result.errors);
  return result.flow;
}
