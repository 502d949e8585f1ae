// The installed CLI as a user runs it: a real process from bin/ on the bundles in dist/ (which the
// test setup built as npm ci does). A bin that fell back to the sources would prove nothing.
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { bundleIsFresh } from '../../bin/entry.js';
import { type Finished, runNode } from './runNode.ts';

const BIN = fileURLToPath(new URL('../../bin/burnrate.js', import.meta.url));

/** `burnrate <args>` from bin/, on its bundle; env is the whole environment of the process. */
export async function shippedCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Finished> {
  expect(bundleIsFresh('burnrate-cli.mjs'), 'dist/burnrate-cli.mjs is older than the sources: bin/ would run the sources').toBe(true);
  return runNode(BIN, args, env, timeoutMs);
}

/** What a user must never see: a stack frame or an internal error dump, on stdout or stderr's first line. */
export function expectNoStackTrace({ stdout, stderr }: Finished): void {
  expect(stdout).not.toMatch(/^\s+at .+[:(]\d+/m);
  expect(stdout).not.toMatch(/Error: .*\n\s+at /);
  expect(stderr.split('\n')[0] ?? '').not.toMatch(/^\s+at |Error:|file:\/\/|node:internal/);
  expect(stderr).not.toMatch(/^\s+at .+[:(]\d+/m);
}

/** The environment a user runs burnrate in, without this machine's cloud credentials or config. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, HF_ENDPOINT: 'http://127.0.0.1:9' };
  return { ...env, ...extra };
}
