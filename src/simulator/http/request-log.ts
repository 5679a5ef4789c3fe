// The ARI requests clients made, for tests that assert what the gateway asked Asterisk to do. Bounded so a
// long benchmark cannot grow it without limit (oldest entries are dropped).

export interface RequestRecord {
  readonly method: string;
  /** Below the host, e.g. `/ari/channels/1795302976.11/answer`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
  /** Epoch ms when the request arrived. */
  readonly at: number;
}

export class RequestLog {
  private records: RequestRecord[] = [];

  constructor(private readonly limit: number) {}

  add(record: RequestRecord): void {
    this.records.push(record);
    // Trim in chunks so adding stays O(1) amortised.
    if (this.records.length > this.limit * 1.25) this.records = this.records.slice(-this.limit);
  }

  all(): readonly RequestRecord[] {
    return this.records.length > this.limit ? this.records.slice(-this.limit) : [...this.records];
  }

  clear(): void {
    this.records = [];
  }
}
