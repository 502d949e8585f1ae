// Local mode without a browser: the page's requests and the Slack stand-in's answers, what each
// wrong request is told, and that the playground stays on the demo account whatever the environment.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../src/runtime/server.ts';
import { freePort } from './support/freePort.ts';
import { signedHeaders, slashCommandBody } from './support/slackRequests.ts';

const APPROVER = 'U0APPROVER';
const ENGINEER = 'U0ENGINEER';
let base = '';
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // credentials for real clouds in the environment: the playground must not use them
  const env = {
    PORT: String(port),
    BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-playground-')), 'state.sqlite'),
    AWS_ACCESS_KEY_ID: 'AKIAREALACCOUNT',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}`,
    GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/key.json',
  };
  const started = await startBot(
    env,
    () => {},
    () => {},
  );
  if (typeof started === 'number') throw new Error(`local mode did not start: exit ${started}`);
  stop = started;
}, 30_000);

afterAll(async () => {
  await stop?.();
});

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

interface Shown {
  ts: string;
  user: string;
  text: string;
  visibleTo?: string;
  blocks?: { type: string; block_id?: string; elements?: { action_id: string }[] }[];
}
const seenBy = async (user: string) =>
  ((await (await fetch(`${base}/playground/state?user=${user}`)).json()) as { messages: Shown[] }).messages;

async function waitFor(user: string, predicate: (m: Shown) => boolean): Promise<Shown> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const found = (await seenBy(user)).find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no such message for ${user}: ${JSON.stringify(await seenBy(user))}`);
}

describe('the playground', () => {
  it('stays on the demo account even where AWS and Google credentials are set', async () => {
    expect((await post('/playground/command', { user: APPROVER, text: '/finops scan public' })).status).toBe(200);
    const report = await waitFor(APPROVER, (m) => m.text.includes('Idle GPUs'));
    expect(report.text).toBe('[demo data] Idle GPUs and endpoints: $6,195 a month across 3 findings');
    expect(report.visibleTo).toBeUndefined();
    await post('/playground/command', { user: APPROVER, text: '/finops digest public' });
    expect((await waitFor(APPROVER, (m) => m.text.includes('Cloud cost'))).text).toMatch(/^\[demo data\] Cloud cost 2026-W\d+/);
  });

  it('shows an ephemeral answer only to whoever asked', async () => {
    await post('/playground/command', { user: ENGINEER, text: '/gpu-price h100' });
    const answer = await waitFor(ENGINEER, (m) => m.user === 'U0BURNRATE' && /H100/i.test(m.text));
    expect(answer.visibleTo).toBe(ENGINEER);
    expect((await seenBy(APPROVER)).some((m) => m.ts === answer.ts)).toBe(false);
  });

  it('answers an unknown slash command as Slack does, without bothering the app', async () => {
    await post('/playground/command', { user: ENGINEER, text: '/gpu-memroy 70b' });
    const said = await waitFor(ENGINEER, (m) => m.user === 'USLACKBOT');
    expect(said.text).toBe(
      '/gpu-memroy is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.',
    );
  });

  it('tells the page what was wrong with a request', async () => {
    const cases: [string, unknown, string][] = [
      [
        '/playground/command',
        { user: 'U0NOBODY', text: '/finops help' },
        'unknown user U0NOBODY; the playground has U0APPROVER and U0ENGINEER',
      ],
      ['/playground/command', { user: ENGINEER }, 'text is missing'],
      ['/playground/command', { user: ENGINEER, text: 'hello' }, 'a slash command starts with /, e.g. /gpu-memory 70b fp16'],
      ['/playground/command', '{not json', 'is not valid JSON'],
      ['/playground/command', '[1]', 'the body must be a JSON object'],
      [
        '/playground/click',
        { user: ENGINEER, ts: '1.000001', blockId: 'b', actionId: 'idle_stop' },
        'no message 1.000001 that sam can see',
      ],
      ['/playground/submit', { user: ENGINEER, viewId: 'V0NONE', values: {} }, 'no open modal V0NONE for sam'],
    ];
    for (const [path, body, error] of cases) {
      const response = await post(path, body);
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(error);
    }
    expect((await fetch(`${base}/playground/state?user=U0NOBODY`)).status).toBe(400);
  });

  it('Resizes the oversized demo endpoint on the simulated control plane, and Restores it', async () => {
    await post('/playground/command', { user: APPROVER, text: '/finops rightsize public' });
    const report = await waitFor(APPROVER, (m) => m.text.includes('Rightsizing: $4,148 a month to save'));
    const control = report.blocks!.find((b) => b.block_id?.includes(':support-chat-llm/AllTraffic@'))!;
    expect(control.elements!.map((e) => e.action_id)).toEqual(['rightsize_resize']);
    const click = (actionId: string) => post('/playground/click', { user: APPROVER, ts: report.ts, blockId: control.block_id, actionId });
    expect((await click('rightsize_resize')).status).toBe(200);
    const resized = await waitFor(APPROVER, (m) => m.ts === report.ts && JSON.stringify(m.blocks).includes('Resized to 1 × ml.g5.xlarge'));
    // the next rightsizing reads the endpoint on its new size: nothing left to save there
    await post('/playground/command', { user: APPROVER, text: '/finops rightsize' });
    const after = await waitFor(APPROVER, (m) => m.ts !== report.ts && m.text.includes('Rightsizing'));
    expect(after.text).toBe('[demo data] Rightsizing: nothing is worth resizing');
    expect(resized.blocks!.find((b) => b.block_id === control.block_id)).toMatchObject({ type: 'section' });
    expect((await click('rightsize_restore')).status).toBe(200);
    await waitFor(APPROVER, (m) => m.ts === report.ts && JSON.stringify(m.blocks).includes('Restored to 1 × ml.g5.12xlarge'));
  });

  it('refuses a click on a button the message does not have', async () => {
    const report = await waitFor(APPROVER, (m) => m.text.includes('Idle GPUs'));
    const response = await post('/playground/click', {
      user: APPROVER,
      ts: report.ts,
      blockId: report.blocks![0]!.block_id,
      actionId: 'idle_stop',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(`no button idle_stop in block ${report.blocks![0]!.block_id}`);
  });

  it('answers the Web API as Slack does where the app asks for what is not there', async () => {
    const api = async (method: string, args: Record<string, string>) =>
      (
        await fetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(args).toString(),
        })
      ).json();
    expect(await api('chat.postMessage', { channel: 'C0OTHER', text: 'hi' })).toEqual({ ok: false, error: 'channel_not_found' });
    expect(await api('chat.update', { channel: 'C0PLAYGRND', ts: '1.999999', text: 'x' })).toEqual({
      ok: false,
      error: 'message_not_found',
    });
    expect(await api('views.open', { trigger_id: '1.abc', view: '{}' })).toEqual({ ok: false, error: 'invalid_trigger_id' });
    expect(
      await api('chat.postMessage', {
        channel: 'C0PLAYGRND',
        text: 'x',
        blocks: JSON.stringify(Array.from({ length: 51 }, () => ({ type: 'divider' }))),
      }),
    ).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(await api('files.upload', {})).toEqual({ ok: false, error: 'unknown_method' });
    expect(await api('chat.postMessage', { channel: 'C0PLAYGRND', text: 'x', blocks: '[{' })).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
    });
    const unknown = await post('/playground/response/0123456789abcdef01234567', { text: 'late' });
    expect([unknown.status, await unknown.text()]).toEqual([404, 'expired_url']);
  });

  it('checks the signature of every request to the app, as in production', async () => {
    const body = slashCommandBody('/gpu-memory', '70b fp16', `${base}/playground/response/none`);
    const response = await fetch(`${base}/slack/events`, {
      method: 'POST',
      body,
      headers: signedHeaders(body, undefined, 'not-the-playground-secret'),
    });
    expect(response.status).toBe(401);
  });
});
