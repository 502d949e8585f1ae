// `npm run bench:playground`: local mode as a user meets it. `npm start` with no credentials, from
// spawn to the page served, and the page's script; then, in that process, a slash command from the page to the answer in
// the channel (page → stand-in → signed request → Bolt app → acknowledgement → state the page
// reads), and the idle scan posted to the channel. Medians of several runs.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/freePort.ts';

const RUNS = 5;
const ROUND_TRIPS = 40;
const bin = fileURLToPath(new URL('../bin/burnrate-server.js', import.meta.url));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function until<T>(work: () => Promise<T | undefined>, what: string, limitMs = 20_000): Promise<T> {
  const started = performance.now();
  for (;;) {
    const found = await work().catch(() => undefined);
    if (found !== undefined) return found;
    if (performance.now() - started > limitMs) throw new Error(`${what} within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const starts: number[] = [];
const commands: number[] = [];
const scans: number[] = [];
const scripts: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [bin], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-bench-')), 'state.sqlite'),
    },
    stdio: 'ignore',
  });
  try {
    await until(async () => ((await fetch(`${base}/`)).ok ? true : undefined), 'the page was not served');
    starts.push(performance.now() - started);
    const s0 = performance.now();
    if (!(await fetch(`${base}/playground.js`)).ok) throw new Error('the page script was not served');
    scripts.push(performance.now() - s0);
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const count = async () =>
      ((await (await fetch(`${base}/playground/state?user=U0ENGINEER`)).json()) as { messages: unknown[] }).messages.length;
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const before = await count();
      const t0 = performance.now();
      await post('/playground/command', { user: 'U0ENGINEER', text: '/gpu-memory 70b fp16' });
      // the typed command and the answer
      await until(async () => ((await count()) >= before + 2 ? true : undefined), 'no answer');
      if (i > 0) commands.push(performance.now() - t0);
    }
    const t0 = performance.now();
    await post('/playground/command', { user: 'U0ENGINEER', text: '/finops scan public' });
    await until(async () => {
      const state = (await (await fetch(`${base}/playground/state?user=U0ENGINEER`)).json()) as { messages: { text: string }[] };
      return state.messages.some((m) => m.text.includes('Idle GPUs')) ? true : undefined;
    }, 'no scan report');
    scans.push(performance.now() - t0);
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}
console.log(`npm start (no credentials) to the playground page served (median of ${RUNS}): ${median(starts).toFixed(0)} ms`);
console.log(`the page's script, bundled with esbuild on its first request (median of ${RUNS}): ${median(scripts).toFixed(0)} ms`);
console.log(
  `/gpu-memory 70b fp16 from the page to the answer in the channel (median of ${commands.length}): ${median(commands).toFixed(1)} ms`,
);
console.log(`/finops scan public from the page to the report in the channel (median of ${RUNS}): ${median(scans).toFixed(0)} ms`);
