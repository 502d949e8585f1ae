#!/usr/bin/env node
// `npm ci` runs this (the `prepare` script): bundles the CLI into dist/ so it starts without
// transpiling TypeScript through loader hooks. bin/burnrate.js uses the bundle only while it is
// newer than every source file, so an edited checkout never runs stale code.
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const BUNDLE = fileURLToPath(new URL('../dist/burnrate-cli.mjs', import.meta.url));

buildSync({
  entryPoints: [fileURLToPath(new URL('../src/runtime/cli.ts', import.meta.url))],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
