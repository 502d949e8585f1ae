// The state store the settings name: the DynamoDB table in BURNRATE_STATE_TABLE (its SDK loaded
// only then; AWS_ENDPOINT_URL_DYNAMODB points it elsewhere), else the SQLite file.
import { SqliteStateStore } from './sqliteStateStore.ts';
import type { StateStore } from './stateStore.ts';

export async function openStateStore(settings: { statePath: string; stateTable?: string }): Promise<StateStore> {
  if (!settings.stateTable) return new SqliteStateStore(settings.statePath);
  const [{ DynamoDBClient }, { DynamoStateStore }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('./dynamoStateStore.ts')]);
  const store = new DynamoStateStore(new DynamoDBClient({}), settings.stateTable);
  await store.ensureTable();
  return store;
}
