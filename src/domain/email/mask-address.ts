// E-mail addresses are personal data: logs keep the domain (which provider a problem is with) and the first
// character of the mailbox, enough to tell two senders apart in one transaction's log lines.

export function maskEmail(address: string | null | undefined): string {
  if (address === null || address === undefined || address === '') return '';
  const at = address.lastIndexOf('@');
  if (at === -1) return '***';
  const local = [...address.slice(0, at)];
  const domain = address.slice(at + 1);
  return `${local.length > 0 ? local[0] : ''}***@${domain}`;
}
