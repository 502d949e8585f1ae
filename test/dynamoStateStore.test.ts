// The DynamoDB state store against dynalite, through the real SDK client: the same contract as SQLite.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../src/state/dynamoStateStore.ts';
import { LazyStateStore } from '../src/state/openStateStore.ts';
import { startDynalite } from './support/dynalite.ts';
import { stateStoreContract } from './support/stateStoreContract.ts';

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let tables = 0;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

const client = () =>
  new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBURNRATETEST', secretAccessKey: 'secret' },
  });

async function freshStore(): Promise<DynamoStateStore> {
  const store = new DynamoStateStore(client(), `burnrate-state-${++tables}`);
  await store.ensureTable();
  return store;
}

stateStoreContract('DynamoDB', freshStore);
// as the Lambda functions hold it
stateStoreContract('DynamoDB opened on first use', async () => new LazyStateStore(freshStore));

describe('a state store opened on first use', () => {
  it('opens nothing until asked, then once; a failed open is tried again by the next call', async () => {
    let opens = 0;
    const lazy = new LazyStateStore(async () => {
      opens++;
      if (opens === 1) throw new Error('ResourceNotFoundException: table not ready');
      return freshStore();
    });
    expect(opens).toBe(0);
    await expect(lazy.claim('digest#2026-W47#C1', 60)).rejects.toThrow('table not ready');
    expect(await lazy.claim('digest#2026-W47#C1', 60)).toBe(true);
    expect(await lazy.claim('digest#2026-W47#C1', 60)).toBe(false);
    expect(opens).toBe(2);
    await lazy.close();
  });
});

describe('DynamoDB state store table', () => {
  it('creates its table once and finds it again', async () => {
    const first = new DynamoStateStore(client(), 'burnrate-shared');
    await first.ensureTable();
    expect(await first.write('action#x', { status: 'stopped' }, 0)).toBe(true);
    const second = new DynamoStateStore(client(), 'burnrate-shared');
    await second.ensureTable();
    expect((await second.read('action#x'))?.value).toEqual({ status: 'stopped' });
    await first.close();
    await second.close();
  });

  it('pages through more audit entries and records than one response holds', async () => {
    const store = await freshStore();
    const big = 'x'.repeat(20_000);
    for (let k = 0; k < 80; k++) await store.write(`decision#r${String(k).padStart(3, '0')}`, { big }, 0);
    for (let k = 0; k < 80; k++) await store.appendAudit({ at: 1_000 + k, actor: 'U1', event: 'click', outcome: big });
    expect(await store.list('decision#')).toHaveLength(80);
    const audit = await store.audit(0, 70);
    expect(audit).toHaveLength(70);
    expect(audit[0]!.at).toBe(1_079);
    await store.close();
  });
});
