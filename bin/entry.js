// Loads an entry point: its bundle from dist/ when that is newer than every source file, else the
// TypeScript source through tsx.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? statSync(path).mtimeMs : 0);
  }
  return newest;
}

/** Whether dist/<bundleName> is newer than every source file, so the bins will run it. */
export function bundleIsFresh(bundleName) {
  return isFresh(join(root, 'dist', bundleName));
}

function isFresh(bundle) {
  try {
    return statSync(bundle).mtimeMs >= Math.max(newestSource(join(root, 'src')), newestSource(join(root, 'commands')));
  } catch {
    return false;
  }
}

export async function loadEntry(bundleName, sourcePath) {
  const bundle = join(root, 'dist', bundleName);
  if (isFresh(bundle)) return import(pathToFileURL(bundle).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, sourcePath)).href);
}
