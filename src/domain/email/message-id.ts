// Message-IDs identify a mail across retries and threads (`<local@domain>`). They are kept without the angle
// brackets and compared exactly; headers that hold several (`References`) are read in order.

/** Longer ids are not kept: RFC 5322 lines are at most 998 characters, and longer is a broken or hostile header. */
export const MAX_MESSAGE_ID_LENGTH = 998;

/** `References` keeps the thread's first id and the most recent ones, as RFC 5322 suggests trimming it. */
export const MAX_REFERENCES = 50;

/** The ids in a header value, in order: `<a@b> <c@d>` → `['a@b', 'c@d']`; a bare id without brackets is taken whole. */
export function messageIdsIn(value: string | undefined): string[] {
  if (value === undefined) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] ?? '');
  const ids = bracketed.length > 0 ? bracketed : value.trim().split(/\s+/);
  return ids.filter((id) => id !== '' && id.length <= MAX_MESSAGE_ID_LENGTH && !/[\p{Cc}]/u.test(id));
}

/** The first id in the value, or `undefined`. */
export function firstMessageId(value: string | undefined): string | undefined {
  return messageIdsIn(value)[0];
}

/** At most `MAX_REFERENCES` ids: the first (the thread's root) and the latest ones. */
export function trimReferences(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  if (unique.length <= MAX_REFERENCES) return unique;
  return [unique[0] ?? '', ...unique.slice(unique.length - (MAX_REFERENCES - 1))];
}

/** Where to look for the request a reply belongs to: the mail it answers first, then its references, newest first. */
export function threadCandidates(inReplyTo: readonly string[], references: readonly string[]): string[] {
  return [...new Set([...inReplyTo, ...[...references].reverse()])];
}
