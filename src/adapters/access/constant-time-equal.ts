// The comparison a requester's proof is checked with. Both sides are hashed first, so the comparison always covers
// 32 bytes: neither where the first difference is nor how long the expected value is shows in the time it takes.

import { createHash, timingSafeEqual } from 'node:crypto';

export function constantTimeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
