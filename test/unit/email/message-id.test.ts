import { describe, expect, it } from 'vitest';
import { firstMessageId, messageIdsIn, MAX_REFERENCES, threadCandidates, trimReferences } from '../../../src/domain/email/message-id.js';

describe('message ids', () => {
  it('reads bracketed ids in order, and bare ones', () => {
    expect(messageIdsIn('<a@b> <c@d>\r\n <e@f>')).toEqual(['a@b', 'c@d', 'e@f']);
    expect(messageIdsIn('bare@id')).toEqual(['bare@id']);
    expect(messageIdsIn(undefined)).toEqual([]);
    expect(messageIdsIn('   ')).toEqual([]);
    expect(firstMessageId('junk <x@y> <z@w>')).toBe('x@y');
  });

  it('drops ids that are too long or carry control characters', () => {
    expect(messageIdsIn(`<${'a'.repeat(1000)}@b> <ok@b>`)).toEqual(['ok@b']);
    expect(messageIdsIn('bad\u0001id@x')).toEqual([]);
  });

  it('keeps the thread root and the latest references', () => {
    const ids = Array.from({ length: 80 }, (_, i) => `r${i}@x`);
    const trimmed = trimReferences(ids);
    expect(trimmed).toHaveLength(MAX_REFERENCES);
    expect(trimmed[0]).toBe('r0@x');
    expect(trimmed[trimmed.length - 1]).toBe('r79@x');
    expect(trimReferences(['a', 'b', 'a'])).toEqual(['a', 'b']);
  });

  it('looks up the answered mail first, then the references newest first', () => {
    expect(threadCandidates(['reply@x'], ['root@x', 'mid@x', 'reply@x'])).toEqual(['reply@x', 'mid@x', 'root@x']);
  });
});
