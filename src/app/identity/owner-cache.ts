// What one linker last saw or wrote of who holds an identifier, so that a batch is planned without reading the owners
// first. It is a hint, never the truth: the link script checks every owner a plan was made with and refuses the plan
// (answering the current owners) when one differs, so an entry another process made stale costs a refusal, not a
// wrong link. Bounded: the least recently used identifier goes first.

import type { IdentifierKey } from '../../domain/identity/identifier.js';
import type { Owner } from '../../domain/identity/linking.js';

export class OwnerCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<IdentifierKey, Owner>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`owner cache capacity must be a whole number >= 0, not ${capacity}`);
  }

  /** The owner last known, or `undefined` when none is known (never seen, evicted, or last seen free). */
  get(key: IdentifierKey): Owner | undefined {
    const owner = this.entries.get(key);
    if (owner !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, owner);
    }
    return owner;
  }

  /** Records who holds `key` now; `undefined`: nobody (kept as not known, which the linker reads the same way). */
  set(key: IdentifierKey, owner: Owner | undefined): void {
    this.entries.delete(key);
    if (owner === undefined || this.capacity === 0) return;
    this.entries.set(key, owner);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  /** Drops what is known of `key`: after a failed link call, whether its plan was carried out is not known. */
  forget(key: IdentifierKey): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
