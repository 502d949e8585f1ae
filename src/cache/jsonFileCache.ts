// Small JSON values on disk with the time they were fetched, read back while younger than a limit.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface Cached<T> {
  value: T;
  fetchedAt: string;
}

export class JsonFileCache {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${key.replace(/[^a-zA-Z0-9._-]+/g, '_')}.json`);
  }

  async read<T>(key: string, maxAgeMs: number, now = Date.now()): Promise<Cached<T> | undefined> {
    try {
      const cached = JSON.parse(await readFile(this.path(key), 'utf8')) as Cached<T>;
      return now - Date.parse(cached.fetchedAt) < maxAgeMs ? cached : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes through a temporary file, so a reader never sees half a value. */
  async write<T>(key: string, value: T, now = Date.now()): Promise<Cached<T>> {
    const cached = { value, fetchedAt: new Date(now).toISOString() };
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, JSON.stringify(cached));
    await rename(`${path}.tmp`, path);
    return cached;
  }
}
