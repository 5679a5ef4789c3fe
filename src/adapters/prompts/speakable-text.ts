// Prompt texts are written for people ("欢迎致电12345"); a synthesiser would read 12345 as a quantity
// ("一万两千三百四十五"). Callers hear numbers like hotlines and case numbers digit by digit.

import type { Lang } from '../../domain/flow/types.js';

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/** Runs of 3+ digits are read one digit at a time; shorter numbers ("6到20位") stay quantities. */
export function speakableText(text: string, lang: Lang): string {
  return text.replace(/\d{3,}/g, (run) => {
    const digits = [...run];
    return lang === 'zh' ? digits.map((d) => ZH_DIGITS[Number(d)]).join('') : digits.join(' ');
  });
}
