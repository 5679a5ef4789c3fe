// A reply usually carries the whole earlier conversation below it, including our acknowledgement. For a follow-up
// only the new words matter (and the quoted acknowledgement, with its emergency-line advice, must not make the
// classifier see an emergency that is not there). The raw mail keeps everything.

/** Lines that open the quoted history in common clients (Gmail, Outlook, Foxmail, QQ Mail, NetEase, Apple Mail). */
const HISTORY_OPENERS: readonly RegExp[] = [
  /^-{2,}\s*(?:original message|forwarded message|原始邮件|原始郵件|原邮件|回复的原邮件|转发的邮件|轉寄的郵件)\s*-{2,}\s*$/i,
  /^On\s.{1,300}\swrote:\s*$/,
  /^在\s?.{1,300}(?:写道|寫道)\s*[:：]\s*$/,
  /^.{1,300}于\s?.{1,100}(?:写道|寫道)\s*[:：]\s*$/,
  /^_{8,}\s*$/,
];

/** Outlook/Foxmail quote a header block: `发件人:` / `From:` followed within a few lines by a date or subject line. */
const QUOTED_HEADER_START = /^\s*\**\s*(?:发件人|發件人|寄件者|from)\s*\**\s*[:：]/i;
const QUOTED_HEADER_NEXT = /^\s*\**\s*(?:发送时间|發送時間|时间|日期|sent|date|主题|主旨|subject|收件人|to)\s*\**\s*[:：]/i;

/** The text above the quoted history, without `>` quoted lines; the whole text when nothing new would remain. */
export function stripQuotedReply(text: string): string {
  const lines = text.split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (HISTORY_OPENERS.some((re) => re.test(line.trim())) || isQuotedHeader(lines, i)) {
      cut = i;
      break;
    }
  }
  const kept = lines
    .slice(0, cut)
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .trim();
  return kept === '' ? text : kept;
}

function isQuotedHeader(lines: readonly string[], i: number): boolean {
  if (!QUOTED_HEADER_START.test(lines[i] ?? '')) return false;
  for (let k = i + 1; k <= i + 3 && k < lines.length; k++) {
    if (QUOTED_HEADER_NEXT.test(lines[k] ?? '')) return true;
  }
  return false;
}
