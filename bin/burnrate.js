#!/usr/bin/env node
// The CLI: `burnrate <command> <text...> [--json]`.
import { loadEntry } from './entry.js';

const { main } = await loadEntry('burnrate-cli.mjs', 'src/runtime/cli.ts');
process.exitCode = await main(process.argv.slice(2));
