// The embedded state store: one SQLite file (libsql, whose binaries ship as npm platform packages).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { StateStore } from './stateStore.ts';

interface Statement { run(...params: unknown[]): { changes: number } }
interface Connection { exec(sql: string): void; prepare(sql: string): Statement; close(): void }

export class SqliteStateStore implements StateStore {
  private readonly db: Connection;
  private readonly purge: Statement;
  private readonly insert: Statement;
  private readonly remove: Statement;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new (Database as unknown as new (path: string) => Connection)(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.db.exec('CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
    this.purge = this.db.prepare('DELETE FROM claims WHERE key = ? AND expires_at <= ?');
    this.insert = this.db.prepare('INSERT OR IGNORE INTO claims (key, expires_at) VALUES (?, ?)');
    this.remove = this.db.prepare('DELETE FROM claims WHERE key = ?');
  }

  async claim(key: string, ttlSeconds: number, nowMs = Date.now()): Promise<boolean> {
    this.purge.run(key, nowMs);
    return this.insert.run(key, nowMs + ttlSeconds * 1000).changes === 1;
  }

  async release(key: string): Promise<void> {
    this.remove.run(key);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
