import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import { stateStoreContract } from './support/stateStoreContract.ts';

const freshFile = () => join(mkdtempSync(join(tmpdir(), 'burnrate-state-')), 'nested', 'state.sqlite');

stateStoreContract('SQLite', async () => new SqliteStateStore(freshFile()));

describe('SQLite state store file', () => {
  it('keeps claims, records and the audit log across reopening the file', async () => {
    const path = freshFile();
    const store = new SqliteStateStore(path);
    expect(await store.claim('event:Ev1', 60, 1_000)).toBe(true);
    await store.write('action#a', { status: 'stopped' }, 0);
    await store.appendAudit({ at: 1, actor: 'U1', event: 'click', outcome: 'stop' });
    await store.close();
    const reopened = new SqliteStateStore(path);
    expect(await reopened.claim('event:Ev1', 60, 30_000)).toBe(false);
    expect((await reopened.read('action#a'))?.value).toEqual({ status: 'stopped' });
    expect(await reopened.audit(0, 10)).toHaveLength(1);
    await reopened.close();
  });

  it('moves a file made before the records and audit tables to the current schema, keeping its claims', async () => {
    const path = freshFile();
    mkdirSync(dirname(path), { recursive: true });
    const old = new (Database as unknown as new (p: string) => { exec(sql: string): void; close(): void })(path);
    old.exec(
      "CREATE TABLE claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL); INSERT INTO claims VALUES ('digest#2026-W47#C1', 9999999999999)",
    );
    old.close();
    const store = new SqliteStateStore(path);
    expect(await store.claim('digest#2026-W47#C1', 60)).toBe(false);
    expect(await store.write('k', 1, 0)).toBe(true);
    await store.close();
  });
});
