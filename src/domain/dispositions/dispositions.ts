// Where to go instead. The regulations send some matters to other channels: those for the courts, arbitration or
// administrative reconsideration (legal procedure), those for discipline inspection or government information
// disclosure (out of scope), and anything touching state secrets. The hotline still records the request, and the
// reply tells the citizen, in their language, where such a matter is handled. The texts are data
// (`ivr-flows/dispositions.yaml`), checked at start like the flow prompts.

import type { Hints, Language } from '../intake/submission.js';

export const DISPOSITION_KINDS = ['legalProcedure', 'outOfScope', 'stateSecret'] as const;
export type DispositionKind = (typeof DISPOSITION_KINDS)[number];

export type DispositionTexts = Readonly<Record<DispositionKind, Readonly<Record<Language, string>>>>;

export interface Disposition {
  readonly kind: DispositionKind;
  readonly message: string;
}

/**
 * The dispositions a submission's hints call for, in the order of `DISPOSITION_KINDS` (state secrets are told
 * last but never dropped: a text may hit several classes, and each has its own place to go).
 */
export function dispositionsOf(hints: Hints, language: Language, texts: DispositionTexts): Disposition[] {
  return DISPOSITION_KINDS.filter((kind) => hints[kind] !== undefined).map((kind) => ({ kind, message: texts[kind][language] }));
}

/** The dispositions as one reply paragraph, or `undefined` when there are none. */
export function dispositionNotice(hints: Hints, language: Language, texts: DispositionTexts): string | undefined {
  const messages = dispositionsOf(hints, language, texts).map((d) => d.message);
  return messages.length === 0 ? undefined : messages.join(language === 'zh' ? '' : ' ');
}
