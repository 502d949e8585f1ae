// The state store for serverless runs: one DynamoDB table (partition key pk, sort key sk, both
// strings), conditional writes for claims and record versions, and a `ttl` attribute (epoch
// seconds) for DynamoDB's Time to Live. TTL deletes lazily, up to days late, so every read and
// condition also checks the exact expiry in `expiresAt` (epoch ms).
//   claims:   pk "claim",            sk key
//   records:  pk key up to its "#",  sk key   (list(prefix) is one Query)
//   audit:    pk "audit",            sk zero-padded epoch ms + "#" + a random suffix
import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { AuditEntry, StateStore, StoredRecord } from './stateStore.ts';

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const partitionOf = (key: string) => (key.includes('#') ? key.slice(0, key.indexOf('#')) : key);
const expiry = (ttlSeconds: number | undefined, nowMs: number): Record<string, AttributeValue> =>
  ttlSeconds === undefined
    ? {}
    : {
        expiresAt: N(nowMs + ttlSeconds * 1000),
        ttl: N(Math.ceil((nowMs + ttlSeconds * 1000) / 1000)),
      };
const NOT_LIVE = 'attribute_not_exists(pk) OR (attribute_exists(expiresAt) AND expiresAt <= :now)';

export class DynamoStateStore implements StateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** Creates the table (and turns on its TTL) unless it exists: for first runs and tests; deployments declare it. */
  async ensureTable(): Promise<void> {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: this.table }));
      return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await this.client.send(
      new CreateTableCommand({
        TableName: this.table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    for (let tries = 0; ; tries++) {
      const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.table }));
      if (Table?.TableStatus === 'ACTIVE') break;
      if (tries > 100) throw new Error(`DynamoDB table ${this.table} did not become ACTIVE`);
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      await this.client.send(
        new UpdateTimeToLiveCommand({ TableName: this.table, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }),
      );
    } catch (error) {
      // local stand-ins (dynalite) lack the TTL API; expired items are still never read back
      if ((error as { name?: string }).name !== 'UnknownOperationException') throw error;
    }
  }

  private async conditionalPut(
    item: Record<string, AttributeValue>,
    condition: string,
    values: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.table, Item: item, ConditionExpression: condition, ExpressionAttributeValues: values }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async claim(key: string, ttlSeconds: number, nowMs = Date.now()): Promise<boolean> {
    return this.conditionalPut({ pk: S('claim'), sk: S(key), ...expiry(ttlSeconds, nowMs) }, NOT_LIVE, { ':now': N(nowMs) });
  }

  async release(key: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: { pk: S('claim'), sk: S(key) } }));
  }

  async read<T>(key: string, nowMs = Date.now()): Promise<StoredRecord<T> | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { pk: S(partitionOf(key)), sk: S(key) }, ConsistentRead: true }),
    );
    if (!Item || (Item.expiresAt && Number(Item.expiresAt.N) <= nowMs)) return undefined;
    return { value: JSON.parse(Item.value!.S!) as T, version: Number(Item.version!.N) };
  }

  async write<T>(key: string, value: T, expectedVersion: number, options: { ttlSeconds?: number; nowMs?: number } = {}): Promise<boolean> {
    const nowMs = options.nowMs ?? Date.now();
    const item = {
      pk: S(partitionOf(key)),
      sk: S(key),
      value: S(JSON.stringify(value)),
      version: N(expectedVersion + 1),
      ...expiry(options.ttlSeconds, nowMs),
    };
    return expectedVersion === 0
      ? this.conditionalPut(item, NOT_LIVE, { ':now': N(nowMs) })
      : this.conditionalPut(item, 'version = :expected', { ':expected': N(expectedVersion) });
  }

  async list<T>(prefix: string, nowMs = Date.now()): Promise<{ key: string; record: StoredRecord<T> }[]> {
    const found: { key: string; record: StoredRecord<T> }[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ConsistentRead: true,
          ExpressionAttributeValues: { ':pk': S(partitionOf(prefix)), ':prefix': S(prefix) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.expiresAt && Number(item.expiresAt.N) <= nowMs) continue;
        found.push({ key: item.sk!.S!, record: { value: JSON.parse(item.value!.S!) as T, version: Number(item.version!.N) } });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: S('audit'),
          sk: S(`${String(entry.at).padStart(15, '0')}#${randomBytes(6).toString('hex')}`),
          value: S(JSON.stringify(entry)),
        },
      }),
    );
  }

  async audit(sinceMs: number, limit: number): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ScanIndexForward: false,
          ExpressionAttributeValues: { ':pk': S('audit'), ':since': S(String(sinceMs).padStart(15, '0')) },
          Limit: Math.min(limit - entries.length, 1000),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) entries.push(JSON.parse(item.value!.S!) as AuditEntry);
      start = page.LastEvaluatedKey;
    } while (start && entries.length < limit);
    return entries;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
