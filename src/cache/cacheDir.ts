import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where burnrate keeps what it fetched: BURNRATE_CACHE_DIR, else $XDG_CACHE_HOME/burnrate or ~/.cache/burnrate. */
export function cacheDirFromEnv(env: NodeJS.ProcessEnv): string {
  return env.BURNRATE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'burnrate');
}
