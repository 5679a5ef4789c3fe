// The IVR flow both sides of the bench read (the simulator's callers to recognise prompts, the baseline app to play
// them): loaded as the gateway loads it, with a lookup of a prompt's audio that fails loudly on a missing prompt.

import { resolve } from 'node:path';
import { loadFlowFile } from '../../src/adapters/flow/load-flow-file.js';
import type { Flow } from '../../src/domain/flow/types.js';

export async function loadFlowAudio(flowFile: string): Promise<{ readonly flow: Flow; readonly audio: (prompt: string) => string }> {
  const flow = await loadFlowFile(resolve(flowFile));
  const audio = (prompt: string): string => {
    const p = flow.prompts[prompt];
    if (p === undefined) throw new Error(`prompt "${prompt}" is not in ${flowFile}`);
    return p.audio;
  };
  return { flow, audio };
}
