// Signed `/gpu-memory 70b fp16` requests to the real HTTP server over loopback: p50 and p99 of
// 1,000 sequential requests, and the time from startHttpServer() to listening.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../commands/command.ts';
import { DEFAULT_DIGEST_SETTINGS, finopsJobs } from '../src/runtime/finopsJobs.ts';
import { startHttpServer } from '../src/runtime/httpServer.ts';
import { signSlackRequest } from '../src/slack/requestSignature.ts';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import { startFakeSlack } from '../test/support/fakeSlack.ts';
import { freePort } from '../test/support/freePort.ts';

const SECRET = 'bench-secret';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchSlack(context: CommandContext, requests = 1000): Promise<void> {
  const slack = await startFakeSlack();
  const t0 = performance.now();
  const server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    signingSecret: SECRET,
    token: 'xoxb-bench',
    slackApiUrl: slack.apiUrl,
    context,
    jobs: finopsJobs(DEFAULT_DIGEST_SETTINGS, {}),
    state: new SqliteStateStore(':memory:'),
  });
  const startMs = performance.now() - t0;
  const body = new URLSearchParams({
    command: '/gpu-memory',
    text: '70b fp16',
    user_id: 'U1',
    channel_id: 'C1',
    team_id: 'T1',
    response_url: `${slack.url}/respond`,
    trigger_id: '1',
  }).toString();
  const times: number[] = [];
  const originalWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write; // the per-request log lines
  try {
    for (let i = 0; i < requests + 20; i++) {
      const ts = Math.floor(Date.now() / 1000);
      const started = performance.now();
      const response = await fetch(`${server.url}/slack/events`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signSlackRequest(SECRET, ts, body),
        },
      });
      await response.text();
      if (response.status !== 200) throw new Error(`request ${i} answered ${response.status}`);
      if (i >= 20) times.push(performance.now() - started);
    }
  } finally {
    process.stderr.write = originalWrite;
    await server.close();
    await slack.close();
  }
  times.sort((a, b) => a - b);
  console.log(`Slack HTTP, signed /gpu-memory 70b fp16 over loopback (${requests} requests after 20 warm-up; target p99 < 50 ms):`);
  console.log(
    `  p50 ${percentile(times, 50).toFixed(2)} ms · p99 ${percentile(times, 99).toFixed(2)} ms · max ${times.at(-1)!.toFixed(2)} ms`,
  );
  console.log(`HTTP server start (startHttpServer to listening): ${startMs.toFixed(0)} ms`);
}

/** `npm start` as a process, from spawn to the first 200 on /healthz; median of `runs`. */
export async function benchServerStart(runs = 5): Promise<void> {
  const bin = fileURLToPath(new URL('../bin/burnrate-server.js', import.meta.url));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, [bin], {
      env: {
        PATH: process.env.PATH ?? '',
        SLACK_BOT_TOKEN: 'xoxb-bench',
        SLACK_SIGNING_SECRET: 'b'.repeat(32),
        PORT: String(port),
        BURNRATE_STATE_FILE: join(tmpdir(), `burnrate-bench-${process.pid}.sqlite`),
      },
      stdio: 'ignore',
    });
    try {
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (performance.now() - started > 20_000) throw new Error('the server did not answer /healthz within 20 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - started);
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  }
  times.sort((a, b) => a - b);
  console.log(
    `npm start to first /healthz answer, node bin/burnrate-server.js (median of ${runs}): ${times[Math.floor(runs / 2)]!.toFixed(0)} ms`,
  );
}
