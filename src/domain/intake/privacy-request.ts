// A citizen who cannot tick a box (WeChat, e-mail, a spoken request typed up by an agent) asks for privacy in words.
// Only explicit requests count: a complaint *about* a privacy leak (隐私泄露) is not a request to keep it private.

const PHRASES = [
  '请保密',
  '保密处理',
  '为我保密',
  '替我保密',
  '请勿公开',
  '不要公开',
  '不予公开',
  '不愿公开',
  '匿名处理',
  'keep this private',
  'keep it private',
  'keep my request private',
  'keep my name private',
  'please keep this confidential',
  'do not publish',
  "don't publish",
];

/** Whether the text asks for the request to be kept private (NFKC, case and spacing ignored). */
export function asksForPrivacy(text: string): boolean {
  const folded = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  return PHRASES.some((phrase) => folded.includes(phrase));
}
