#!/usr/bin/env node
// `npm ci` runs this (the `prepare` script): bundles the entry points into dist/ so they start
// without transpiling TypeScript through loader hooks. bin/entry.js uses a bundle only while it is
// newer than every source file, so an edited checkout never runs stale code.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
// Code splitting keeps what the sources import lazily (the cloud sources and their SDKs) out of the
// entry chunk: a calculator's answer never waits for the AWS and Google clients to load.
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  outdir: at('../dist'),
  splitting: true,
  outExtension: { '.js': '.mjs' },
};

rmSync(at('../dist'), { recursive: true, force: true });
// the CLI bundles its few small, pure-JavaScript dependencies too. These stay installed packages:
// the cloud SDKs (google-gax also reads its protos from disk) and libsql, a CommonJS package that
// loads its native binary with require() at run time, which an ES module bundle cannot do.
const installed = ['@aws-sdk/*', '@google-cloud/*', 'google-gax', 'google-auth-library', 'libsql'];
buildSync({
  ...common,
  entryPoints: { 'burnrate-cli': at('../src/runtime/cli.ts') },
  chunkNames: 'cli/[name]-[hash]',
  external: installed,
});
// the bot keeps Bolt and its CommonJS dependencies as they are installed
buildSync({
  ...common,
  entryPoints: { 'burnrate-server': at('../src/runtime/server.ts') },
  chunkNames: 'server/[name]-[hash]',
  packages: 'external',
});
