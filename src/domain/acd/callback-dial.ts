// Where a call-back dials its caller: a dial-string template with the caller's number in it, as the operator's
// trunk wants it (`PJSIP/{number}@carrier`, `Local/{number}@outbound`). Checked once at start, so a call-back
// never fails on a template the channel driver cannot read.

export const NUMBER_PLACEHOLDER = '{number}';

/** `TECH/resource` with the placeholder once in the resource; no spaces, commas or other braces. */
const TEMPLATE = /^[A-Za-z][A-Za-z0-9_]*\/[^\s,{}]*\{number\}[^\s,{}]*$/;
/** The number as the caller machine reads it back: digits, with the leading + dropped. */
const NUMBER = /^\+?([0-9]{3,20})$/;

/** What the template should be (to follow "expected"), or null when it can be used. */
export function dialTemplateProblem(template: string): string | null {
  if (!TEMPLATE.test(template)) {
    return `a dial string TECH/resource with ${NUMBER_PLACEHOLDER} once in the resource and no spaces, commas or other braces (e.g. PJSIP/${NUMBER_PLACEHOLDER}@carrier)`;
  }
  return null;
}

/** The dial string for `number`, or null when the number is not one to dial (withheld, a word, too short). */
export function callbackDialString(template: string, number: string): string | null {
  const match = NUMBER.exec(number);
  if (match === null) return null;
  return template.replace(NUMBER_PLACEHOLDER, match[1] as string);
}
