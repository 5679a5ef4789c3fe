// Turns a node's prompt references into ARI media URIs.

import type { Flow, PromptRef } from '../flow/types.js';

const DIGITS = /^[0-9]+$/;

/**
 * `sound:` URIs carry no language folder: the `play` command's `lang` makes Asterisk pick `sounds/<lang>/<audio>`.
 * Unknown prompt ids (a flow-checker error) and variables that hold no digits are skipped rather than failing the
 * call: a caller who hears one prompt less is better off than one whose call breaks.
 * Every ref stays its own item of the playlist: Asterisk 22 tries each item of a `play` in turn and a sound it cannot
 * open fails that item only (PlaybackContinuing, on to the next), so a ticket read as `digits:` (said by Asterisk
 * from its own core sounds) is heard even when the hotline's prompts were never rendered.
 */
export function resolveMedia(
  flow: Flow,
  refs: readonly PromptRef[],
  variables: Readonly<Record<string, string>>,
): string[] {
  const media: string[] = [];
  for (const ref of refs) {
    if (typeof ref === 'string') {
      const prompt = Object.hasOwn(flow.prompts, ref) ? flow.prompts[ref] : undefined;
      if (prompt !== undefined) media.push(`sound:${prompt.audio}`);
    } else {
      const value = Object.hasOwn(variables, ref.digits) ? variables[ref.digits] : undefined;
      if (value !== undefined && DIGITS.test(value)) media.push(`digits:${value}`);
    }
  }
  return media;
}
