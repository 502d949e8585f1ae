import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { EMBEDDED_CONFIG } from './embeddedConfig.ts';

// zod/mini carries no messages of its own: English ones, for what a user reads
z.config(en());

/** config/ of the package this module belongs to, whether it runs from src/ or from the CLI bundle in dist/ */
function findConfigDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'config', 'models.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('burnrate: cannot find config/models.yaml above the installed sources');
    dir = parent;
  }
  return join(dir, 'config');
}

export const CONFIG_DIR = findConfigDir();

export class CatalogError extends Error {
  override name = 'CatalogError';
}

function parseYamlFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CatalogError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return load(text);
  } catch (error) {
    throw new CatalogError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
}

/**
 * Reads a YAML file (config/'s as the build embedded it, where it did) and validates it; a bad file
 * names the file, the path inside it and the problem.
 */
export function readYamlFile<T>(path: string, schema: z.ZodMiniType<T>): T {
  const embedded = dirname(path) === CONFIG_DIR ? EMBEDDED_CONFIG?.[basename(path)] : undefined;
  const data = embedded === undefined ? parseYamlFile(path) : embedded;
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new CatalogError(`${path} is invalid:\n  ${problems.slice(0, 10).join('\n  ')}`);
  }
  return result.data;
}
