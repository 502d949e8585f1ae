// What burnrate remembers between requests and runs. One interface; SQLite is the embedded
// default, DynamoDB serves Lambda (see the deployment work).
export interface StateStore {
  /**
   * Claims `key` for `ttlSeconds`: true for the first caller, false while the claim stands.
   * Used to act once on things Slack or a scheduler may deliver more than once.
   */
  claim(key: string, ttlSeconds: number, nowMs?: number): Promise<boolean>;
  /** Gives a claim back, so the work can be tried again (after it failed). */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}
