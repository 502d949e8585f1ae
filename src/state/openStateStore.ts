// The state store the settings name: the DynamoDB table in BURNRATE_STATE_TABLE (AWS_ENDPOINT_URL_DYNAMODB
// points it elsewhere), else the SQLite file. Each is loaded only when chosen, so a Lambda bundle
// carries no SQLite binary and the long-lived bot no DynamoDB client.
import type { AuditEntry, StateStore, StoredRecord } from './stateStore.ts';

/** `create: false` where a deployment declares the table (Lambda): no table calls at start. */
export async function openStateStore(
  settings: { statePath: string; stateTable?: string },
  options: { create: boolean } = { create: true },
): Promise<StateStore> {
  if (!settings.stateTable) {
    const { SqliteStateStore } = await import('./sqliteStateStore.ts');
    return new SqliteStateStore(settings.statePath);
  }
  const [{ DynamoDBClient }, { DynamoStateStore }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('./dynamoStateStore.ts'),
  ]);
  const store = new DynamoStateStore(new DynamoDBClient({}), settings.stateTable);
  if (options.create) await store.ensureTable();
  return store;
}

/**
 * A state store opened on its first use: a Lambda function answering a calculator never loads the
 * DynamoDB client. An open that fails is tried again by the next call.
 */
export class LazyStateStore implements StateStore {
  private opened: Promise<StateStore> | undefined;

  constructor(private readonly open: () => Promise<StateStore>) {}

  private store(): Promise<StateStore> {
    this.opened ??= this.open().catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  async claim(key: string, ttlSeconds: number, nowMs?: number): Promise<boolean> {
    return (await this.store()).claim(key, ttlSeconds, nowMs);
  }
  async release(key: string): Promise<void> {
    return (await this.store()).release(key);
  }
  async read<T>(key: string, nowMs?: number): Promise<StoredRecord<T> | undefined> {
    return (await this.store()).read<T>(key, nowMs);
  }
  async write<T>(key: string, value: T, expectedVersion: number, options?: { ttlSeconds?: number; nowMs?: number }): Promise<boolean> {
    return (await this.store()).write(key, value, expectedVersion, options);
  }
  async list<T>(prefix: string, nowMs?: number): Promise<{ key: string; record: StoredRecord<T> }[]> {
    return (await this.store()).list<T>(prefix, nowMs);
  }
  async appendAudit(entry: AuditEntry): Promise<void> {
    return (await this.store()).appendAudit(entry);
  }
  async audit(sinceMs: number, limit: number): Promise<AuditEntry[]> {
    return (await this.store()).audit(sinceMs, limit);
  }
  async close(): Promise<void> {
    if (this.opened) await (await this.opened).close();
  }
}
