// `npm start` as shipped: bin/burnrate-server.js on the bundle npm ci builds, with the example
// config's every key set (its commented keys uncommented), in each of its three modes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleIsFresh } from '../bin/entry.js';
import { loadSettings } from '../src/runtime/settings.ts';
import { startFakeSlack } from './support/fakeSlack.ts';
import { type FakeSocketMode, startFakeSocketMode } from './support/fakeSocketMode.ts';
import { freePort } from './support/freePort.ts';
import { cleanEnv } from './support/shippedBin.ts';
import { signedHeaders, slashCommandBody } from './support/slackRequests.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'b'.repeat(32);

/** The example config with every commented key uncommented: each setting the file documents, set. */
function fullExampleConfig(): string {
  const example = readFileSync(join(ROOT, 'config/burnrate.example.yaml'), 'utf8');
  const full = example
    .split('\n')
    .map((line) => {
      const commented = /^(\s*)# (.*)$/.exec(line);
      // a commented key ("# channel: C0…", "#   - name: prod", "#     role_arn: …"), not prose
      return commented && /^\s*(- )?[a-z][a-z0-9_-]*:(\s|$)/.test(commented[2]!) ? `${commented[1]}${commented[2]}` : line;
    })
    .join('\n');
  const path = join(mkdtempSync(join(tmpdir(), 'burnrate-example-')), 'burnrate.yaml');
  writeFileSync(path, full);
  return path;
}

const running: ChildProcess[] = [];
const fakes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  for (const fake of fakes.splice(0)) await fake.close();
});

/** `npm start`'s command (package.json's start script) as its own process; resolves once it logs `started`. */
async function npmStart(env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
  expect(script).toBe('node bin/burnrate-server.js');
  expect(bundleIsFresh('burnrate-server.mjs'), 'dist/burnrate-server.mjs is older than the sources').toBe(true);
  const child = spawn(process.execPath, ['bin/burnrate-server.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({ BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-start-')), 'state.sqlite'), ...env }),
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const until = Date.now() + 15_000;
  while (!ready.test(out) && child.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect(out, out).toMatch(ready);
  return { child, output: () => out };
}

async function stops(child: ChildProcess): Promise<void> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

describe('npm start with every key of config/burnrate.example.yaml set', () => {
  it('the uncommented example is a valid settings file that sets the keys the example leaves commented', () => {
    const config = fullExampleConfig();
    const settings = loadSettings({ BURNRATE_CONFIG: config });
    expect(settings.file.digest).toMatchObject({
      schedule: '0 9 * * 1',
      channel: 'C0123456789',
      regions: ['us-east-1', 'us-west-2'],
      gcp_projects: ['ml-prod-123456', 'ml-research-654321'],
    });
    expect(settings.file.accounts).toEqual([
      {
        name: 'prod',
        role_arn: 'arn:aws:iam::111111111111:role/burnrate-read',
        stop_role_arn: 'arn:aws:iam::111111111111:role/burnrate-stop',
      },
    ]);
    expect(settings.file.approvals.actions).toEqual({ 'ec2-gpu-instance': ['snooze', 'keep'] });
  });

  it('over HTTP: serves /healthz and answers a signed slash command', async () => {
    const slack = await startFakeSlack();
    fakes.push(slack);
    const port = await freePort();
    const { child, output } = await npmStart(
      {
        BURNRATE_CONFIG: fullExampleConfig(),
        SLACK_BOT_TOKEN: 'xoxb-example',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
      },
      /"started":"http"/,
    );
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const body = slashCommandBody('/gpu-memory', '70b fp16', `${slack.url}/respond`);
    const answer = await fetch(`${base}/slack/events`, { method: 'POST', body, headers: signedHeaders(body, undefined, SECRET) });
    expect((await answer.json()).text).toMatch(/^≈ \d+ GB · fits/);
    expect(output()).not.toMatch(/^\s+at /m);
    await stops(child);
  });

  it('in Socket Mode: connects through apps.connections.open and answers a slash command envelope', async () => {
    const slack = await startFakeSlack();
    const socket: FakeSocketMode = await startFakeSocketMode();
    fakes.push(slack, socket);
    slack.answer('apps.connections.open', { ok: true, url: socket.url });
    const { child, output } = await npmStart(
      {
        BURNRATE_CONFIG: fullExampleConfig(),
        SLACK_BOT_TOKEN: 'xoxb-example',
        SLACK_APP_TOKEN: 'xapp-1-A1-example',
        SLACK_API_URL: slack.apiUrl,
      },
      /"started":"socket-mode"/,
    );
    const ack = await socket.send('slash_commands', {
      token: 'deprecated',
      team_id: 'T1',
      channel_id: 'C1',
      user_id: 'U1',
      command: '/gpu-memory',
      text: '70b fp16',
      api_app_id: 'A1',
      response_url: `${slack.url}/respond`,
      trigger_id: '1.2.3',
    });
    expect(String(ack.payload?.text)).toMatch(/^≈ \d+ GB · fits/);
    expect(output()).not.toMatch(/^\s+at /m);
    await stops(child);
  });

  it('with no Slack credentials: the playground page', async () => {
    const port = await freePort();
    const { child } = await npmStart(
      { BURNRATE_CONFIG: fullExampleConfig(), PORT: String(port) },
      /burnrate playground: http:\/\/localhost:\d+/,
    );
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>burnrate playground</title>');
    await stops(child);
  });
});
