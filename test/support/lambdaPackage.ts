// The Lambda functions as `npm run build:lambda` bundles them, in a package laid out as deployed and
// away from the repository's node_modules: config/ and dist/lambda/<function>/, with what a
// function reads at run time beside its bundle.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLambdas } from '../../bin/build-lambda.js';

export interface LambdaPackage {
  /** a function's bundled handler */
  handler(name: 'slack' | 'worker' | 'scheduler'): Promise<unknown>;
  /** deletes the package (tens of MB) */
  remove(): void;
}

export async function bundledLambdas(): Promise<LambdaPackage> {
  const root = mkdtempSync(join(tmpdir(), 'burnrate-package-'));
  cpSync(join(import.meta.dirname, '..', '..', 'config'), join(root, 'config'), { recursive: true });
  const outDir = join(root, 'dist', 'lambda');
  await buildLambdas(outDir);
  return {
    handler: async (name) => (await import(/* @vite-ignore */ pathToFileURL(join(outDir, name, 'index.mjs')).href)).handler,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
