import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';

describe('SQLite state store', () => {
  it('grants a claim once until it expires, and keeps it across reopening the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'burnrate-state-')), 'nested', 'state.sqlite');
    const store = new SqliteStateStore(path);
    expect(await store.claim('event:Ev1', 60, 1_000)).toBe(true);
    expect(await store.claim('event:Ev1', 60, 2_000)).toBe(false);
    expect(await store.claim('event:Ev2', 60, 2_000)).toBe(true);
    await store.close();
    const reopened = new SqliteStateStore(path);
    expect(await reopened.claim('event:Ev1', 60, 30_000)).toBe(false);
    expect(await reopened.claim('event:Ev1', 60, 61_001)).toBe(true);
    await reopened.close();
  });

  it('gives a released claim to the next caller', async () => {
    const store = new SqliteStateStore(':memory:');
    expect(await store.claim('digest#2026-W47#C1', 60)).toBe(true);
    await store.release('digest#2026-W47#C1');
    expect(await store.claim('digest#2026-W47#C1', 60)).toBe(true);
    await store.close();
  });
});
