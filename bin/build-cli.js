#!/usr/bin/env node
// `npm ci` runs this (the `prepare` script): bundles the entry points into dist/ so they start
// without transpiling TypeScript through loader hooks. bin/entry.js uses a bundle only while it is
// newer than every source file, so an edited checkout never runs stale code.
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };

// the CLI bundles its few small dependencies too: one file to load. The cloud SDKs stay installed
// packages, imported only when live prices are asked for (google-gax also reads its protos from disk).
const cloudSdks = ['@aws-sdk/*', '@google-cloud/*', 'google-gax'];
buildSync({ ...common, entryPoints: [at('../src/runtime/cli.ts')], outfile: at('../dist/burnrate-cli.mjs'), external: cloudSdks });
// the bot keeps Bolt and its CommonJS dependencies as they are installed
buildSync({ ...common, entryPoints: [at('../src/runtime/server.ts')], outfile: at('../dist/burnrate-server.mjs'), packages: 'external' });
