// The KEYS of a script call that serves a batch: each distinct key goes in once, and the batch's arguments name
// theirs by its 1-based index (Lua's `KEYS[i]`), so a key many requests share is sent and declared once.

export class ScriptKeys {
  readonly keys: string[] = [];
  private readonly indexOf = new Map<string, number>();

  constructor(first: readonly string[] = []) {
    for (const key of first) this.index(key);
  }

  /** The key's index in KEYS, adding it when the batch has not named it yet. */
  index(key: string): number {
    let i = this.indexOf.get(key);
    if (i === undefined) {
      this.keys.push(key);
      i = this.keys.length;
      this.indexOf.set(key, i);
    }
    return i;
  }
}
