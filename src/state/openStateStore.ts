// The state store the settings name: the DynamoDB table in BURNRATE_STATE_TABLE (AWS_ENDPOINT_URL_DYNAMODB
// points it elsewhere), else the SQLite file. Each is loaded only when chosen, so a Lambda bundle
// carries no SQLite binary and the long-lived bot no DynamoDB client.
import type { StateStore } from './stateStore.ts';

/** `create: false` where a deployment declares the table (Lambda): no table calls at start. */
export async function openStateStore(settings: { statePath: string; stateTable?: string }, options: { create: boolean } = { create: true }): Promise<StateStore> {
  if (!settings.stateTable) {
    const { SqliteStateStore } = await import('./sqliteStateStore.ts');
    return new SqliteStateStore(settings.statePath);
  }
  const [{ DynamoDBClient }, { DynamoStateStore }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('./dynamoStateStore.ts')]);
  const store = new DynamoStateStore(new DynamoDBClient({}), settings.stateTable);
  if (options.create) await store.ensureTable();
  return store;
}
