// What burnrate remembers between requests and runs. One interface; SQLite is the embedded
// default, DynamoDB serves Lambda (see the deployment work).

/** A stored record: its JSON value and a version that every write bumps (for conditional writes). */
export interface StoredRecord<T> {
  value: T;
  version: number;
}

/** One line of the audit log: who did what to which resource, and what came of it. */
export interface AuditEntry {
  /** epoch ms */
  at: number;
  /** the Slack user, or "scheduler"/"cli" */
  actor: string;
  /** click, decision, recheck, cloud-call, … */
  event: string;
  /** the resource, as kind:region:id */
  resource?: string;
  /** what was decided or answered, in words */
  outcome: string;
  detail?: Record<string, unknown>;
}

export interface StateStore {
  /**
   * Claims `key` for `ttlSeconds`: true for the first caller, false while the claim stands.
   * Used to act once on things Slack or a scheduler may deliver more than once.
   */
  claim(key: string, ttlSeconds: number, nowMs?: number): Promise<boolean>;
  /** Gives a claim back, so the work can be tried again (after it failed). */
  release(key: string): Promise<void>;
  /** The record under `key`, unless there is none or it has expired. */
  read<T>(key: string, nowMs?: number): Promise<StoredRecord<T> | undefined>;
  /**
   * Writes `value` only if the record is still at `expectedVersion` (0: there is none, or it
   * expired). True when written; false when someone else wrote first. Atomic across processes.
   */
  write<T>(key: string, value: T, expectedVersion: number, options?: { ttlSeconds?: number; nowMs?: number }): Promise<boolean>;
  /** Keys starting with `prefix` and their records, unexpired. */
  list<T>(prefix: string, nowMs?: number): Promise<{ key: string; record: StoredRecord<T> }[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries at or after `sinceMs`, newest first, at most `limit`. */
  audit(sinceMs: number, limit: number): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
