#!/usr/bin/env node
// `npm start`. The Slack app (HTTP, Socket Mode, Lambda) is issue 4; until it lands this says so
// and points at the CLI, which answers the same commands today.
console.log(`burnrate: the Slack app is not built yet; the calculators work in the terminal:

  npx burnrate gpu-memory 70b fp16
  npx burnrate gpu-memory llama-3.1-8b lora r=16 batch=4 seq=2048 ckpt
  npx burnrate help`);
