// `hotline-gateway flow check FILE...`: validates flow files the way the gateway will at start-up.

import { formatFlowError } from '../../domain/flow/flow-error.js';
import { FlowFileUnreadableError, InvalidFlowError, loadFlowFile } from './load-flow-file.js';

/** Prints `ok <file>: N nodes` or every error of each file; returns the exit code (0 all valid, 1 otherwise). */
export async function runFlowCheck(files: readonly string[], out: (line: string) => void): Promise<number> {
  if (files.length === 0) {
    out('flow check: no flow files given (e.g. hotline-gateway flow check ivr-flows/12345.yaml)');
    return 1;
  }
  let exitCode = 0;
  for (const file of files) {
    try {
      const flow = await loadFlowFile(file, { onWarning: (warning) => out(formatFlowError(warning)) });
      const nodes = Object.keys(flow.nodes).length;
      out(`ok ${file}: ${nodes} ${nodes === 1 ? 'node' : 'nodes'}`);
    } catch (error) {
      if (error instanceof InvalidFlowError) {
        error.errors.forEach((flowError) => out(formatFlowError(flowError)));
        out(`invalid ${file}: ${error.errors.length} ${error.errors.length === 1 ? 'error' : 'errors'}`);
      } else if (error instanceof FlowFileUnreadableError) {
        out(error.message);
      } else {
        throw error;
      }
      exitCode = 1;
    }
  }
  return exitCode;
}
