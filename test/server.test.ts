// `npm start` as a process: the real entry, real env, the Web API faked on loopback.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_MS } from '../src/runtime/server.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { freePort } from './support/freePort.ts';
import { runNode } from './support/runNode.ts';
import { signedHeaders, slashCommandBody } from './support/slackRequests.ts';

const BIN = fileURLToPath(new URL('../bin/burnrate-server.js', import.meta.url));
const SECRET = 'a'.repeat(32);
const children: ChildProcess[] = [];
let slack: FakeSlack | undefined;
afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await slack?.close();
});

const run = (env: Record<string, string>) => runNode(BIN, [], { PATH: process.env.PATH ?? '', ...env });

describe('npm start', () => {
  it('with no Slack credentials, serves the playground on PORT, loopback only, and says so; stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-server-')), 'state.sqlite'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    const until = Date.now() + 15_000;
    while (Date.now() < until && !stdout.includes('burnrate playground:')) await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toContain(`burnrate playground: http://localhost:${port}`);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>burnrate playground</title>');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const script = await fetch(`http://127.0.0.1:${port}/playground.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('confirmDialog');
    // the page acts as any user, approvers included: nothing but this machine may reach it
    const outward = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (outward) await expect(fetch(`http://${outward.address}:${port}/`)).rejects.toThrow();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('with its port taken, says so and exits 2', async () => {
    const holder = createServer();
    await new Promise<void>((ready) => holder.listen(0, '127.0.0.1', () => ready()));
    const port = (holder.address() as AddressInfo).port;
    try {
      const { code, stderr } = await run({
        PORT: String(port),
        BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-server-')), 'state.sqlite'),
      });
      expect(code).toBe(2);
      expect(stderr).toContain(
        `burnrate: cannot start: port ${port} is in use (EADDRINUSE): stop what holds it, or set PORT to a free port`,
      );
    } finally {
      holder.close();
    }
  });

  it('with a wrong setting, names it on stderr and exits 2', async () => {
    const { code, stderr } = await run({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, PORT: 'http' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot start: PORT must be a TCP port/);
  });

  it('serves /healthz and slash commands over HTTP', async () => {
    slack = await startFakeSlack();
    const port = await freePort();
    const child = spawn(process.execPath, [BIN], {
      env: {
        PATH: process.env.PATH ?? '',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-server-')), 'state.sqlite'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    const until = Date.now() + 15_000;
    let health: Response | undefined;
    while (!health && Date.now() < until) {
      health = await fetch(`${base}/healthz`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 100));
    }
    expect(health?.status).toBe(200);
    const body = slashCommandBody('/gpu-memory', 'qwen2.5-7b bf16', `${slack.url}/respond`);
    const response = await fetch(`${base}/slack/events`, { method: 'POST', body, headers: signedHeaders(body, undefined, SECRET) });
    expect(response.status).toBe(200);
    expect((await response.json()).text).toMatch(/^≈ \d+(\.\d)? GB · fits/);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('stops on SIGTERM even while a Web API call to an unreachable Slack is still retrying', async () => {
    const port = await freePort();
    const unreachable = `http://127.0.0.1:${await freePort()}/api/`;
    const child = spawn(process.execPath, [BIN], {
      env: {
        PATH: process.env.PATH ?? '',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: unreachable,
        PORT: String(port),
        BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-server-')), 'state.sqlite'),
      },
      stdio: 'ignore',
    });
    children.push(child);
    const until = Date.now() + 15_000;
    while (
      Date.now() < until &&
      !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(SHUTDOWN_GRACE_MS + 3000);
  });
});
