#!/usr/bin/env node
// `npm start`: the long-lived bot (HTTP or Socket Mode).
import { loadEntry } from './entry.js';

const { main } = await loadEntry('burnrate-server.mjs', 'src/runtime/server.ts');
await main();
