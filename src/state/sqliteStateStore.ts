// The embedded state store: one SQLite file (libsql, whose binaries ship as npm platform packages),
// in WAL mode, created on first use, its schema moved forward by numbered migrations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { AuditEntry, StateStore, StoredRecord } from './stateStore.ts';

interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
}
interface Connection {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

/** Migration n brings the schema from version n to n + 1; never edit one that has shipped. */
const MIGRATIONS = [
  'CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)',
  `CREATE TABLE records (key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER);
   CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, entry TEXT NOT NULL);
   CREATE INDEX audit_at ON audit (at)`,
];

export class SqliteStateStore implements StateStore {
  private readonly db: Connection;
  private readonly statements: Record<string, Statement>;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new (Database as unknown as new (path: string) => Connection)(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.migrate();
    const prepare = (sql: string) => this.db.prepare(sql);
    this.statements = {
      purgeClaim: prepare('DELETE FROM claims WHERE key = ? AND expires_at <= ?'),
      insertClaim: prepare('INSERT OR IGNORE INTO claims (key, expires_at) VALUES (?, ?)'),
      removeClaim: prepare('DELETE FROM claims WHERE key = ?'),
      read: prepare('SELECT value, version FROM records WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)'),
      purgeRecord: prepare('DELETE FROM records WHERE key = ? AND expires_at IS NOT NULL AND expires_at <= ?'),
      insertRecord: prepare('INSERT OR IGNORE INTO records (key, value, version, expires_at) VALUES (?, ?, 1, ?)'),
      updateRecord: prepare('UPDATE records SET value = ?, version = version + 1, expires_at = ? WHERE key = ? AND version = ?'),
      list: prepare(
        'SELECT key, value, version FROM records WHERE substr(key, 1, length(?1)) = ?1 AND (expires_at IS NULL OR expires_at > ?2) ORDER BY key',
      ),
      appendAudit: prepare('INSERT INTO audit (at, entry) VALUES (?, ?)'),
      audit: prepare('SELECT entry FROM audit WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?'),
    };
  }

  private migrate(): void {
    const version = Number((this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    for (let n = version; n < MIGRATIONS.length; n++) {
      this.db.exec(`BEGIN IMMEDIATE; ${MIGRATIONS[n]}; PRAGMA user_version = ${n + 1}; COMMIT;`);
    }
  }

  async claim(key: string, ttlSeconds: number, nowMs = Date.now()): Promise<boolean> {
    this.statements.purgeClaim!.run(key, nowMs);
    return this.statements.insertClaim!.run(key, nowMs + ttlSeconds * 1000).changes === 1;
  }

  async release(key: string): Promise<void> {
    this.statements.removeClaim!.run(key);
  }

  async read<T>(key: string, nowMs = Date.now()): Promise<StoredRecord<T> | undefined> {
    const row = this.statements.read!.get(key, nowMs);
    return row ? { value: JSON.parse(String(row.value)) as T, version: Number(row.version) } : undefined;
  }

  async write<T>(key: string, value: T, expectedVersion: number, options: { ttlSeconds?: number; nowMs?: number } = {}): Promise<boolean> {
    const nowMs = options.nowMs ?? Date.now();
    const expires = options.ttlSeconds === undefined ? null : nowMs + options.ttlSeconds * 1000;
    const json = JSON.stringify(value);
    if (expectedVersion === 0) {
      this.statements.purgeRecord!.run(key, nowMs);
      return this.statements.insertRecord!.run(key, json, expires).changes === 1;
    }
    return this.statements.updateRecord!.run(json, expires, key, expectedVersion).changes === 1;
  }

  async list<T>(prefix: string, nowMs = Date.now()): Promise<{ key: string; record: StoredRecord<T> }[]> {
    return this.statements.list!.all(prefix, nowMs).map((row) => ({
      key: String(row.key),
      record: { value: JSON.parse(String(row.value)) as T, version: Number(row.version) },
    }));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.statements.appendAudit!.run(entry.at, JSON.stringify(entry));
  }

  async audit(sinceMs: number, limit: number): Promise<AuditEntry[]> {
    return this.statements.audit!.all(sinceMs, limit).map((row) => JSON.parse(String(row.entry)) as AuditEntry);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
