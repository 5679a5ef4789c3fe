// `hotline-gateway prompts render`: placeholder audio for a flow's prompts, so a fresh checkout can take calls.

import { formatFlowError } from '../../domain/flow/flow-error.js';
import { FlowFileUnreadableError, InvalidFlowError, loadFlowFile } from '../flow/load-flow-file.js';
import { PromptRenderError, PromptToolMissingError, renderPrompts } from './render-prompts.js';

export const DEFAULT_SOUNDS_DIR = 'asterisk-config/sounds';

export interface PromptsRenderArgs {
  readonly flowFile: string;
  /** Default `asterisk-config/sounds`. */
  readonly soundsDir?: string;
  readonly force?: boolean;
}

/** Renders missing prompt audio; prints each file written and a summary. Returns the exit code. */
export async function runPromptsRender(args: PromptsRenderArgs, out: (line: string) => void): Promise<number> {
  const soundsDir = args.soundsDir ?? DEFAULT_SOUNDS_DIR;
  try {
    const flow = await loadFlowFile(args.flowFile);
    const { rendered, skipped } = await renderPrompts({ flow, soundsDir, force: args.force ?? false, log: out });
    out(`prompts of ${args.flowFile} in ${soundsDir}: ${rendered.length} rendered, ${skipped.length} already present`);
    return 0;
  } catch (error) {
    if (error instanceof InvalidFlowError) {
      error.errors.forEach((flowError) => out(formatFlowError(flowError)));
      out(`invalid ${args.flowFile}: nothing rendered`);
      return 1;
    }
    if (error instanceof FlowFileUnreadableError || error instanceof PromptToolMissingError || error instanceof PromptRenderError) {
      out(error.message);
      return 1;
    }
    throw error;
  }
}
