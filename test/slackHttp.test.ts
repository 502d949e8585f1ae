// The real HTTP server and Bolt receiver, driven by signed requests exactly as Slack sends them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { DEFAULT_DIGEST_SETTINGS, finopsJobs } from '../src/runtime/finopsJobs.ts';
import type { RunningServer } from '../src/runtime/httpServer.ts';
import type { FinopsJobs } from '../src/slack/app.ts';
import type { Block } from '../src/slack/blockLimits.ts';
import { signSlackRequest } from '../src/slack/requestSignature.ts';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import { offlineContext } from './support/context.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { startLoopbackBot } from './support/loopbackBot.ts';
import { blockActionsBody, SIGNING_SECRET, signedHeaders, slashCommandBody } from './support/slackRequests.ts';

let slack: FakeSlack;
let server: RunningServer;

beforeAll(async () => {
  slack = await startFakeSlack();
  server = await startLoopbackBot({
    slackApiUrl: slack.apiUrl,
    jobs: finopsJobs(DEFAULT_DIGEST_SETTINGS, {}, () => new Date('2026-11-23T08:00:00Z')),
    state: new SqliteStateStore(join(mkdtempSync(join(tmpdir(), 'burnrate-http-')), 'state.sqlite')),
  });
});
afterAll(async () => {
  await server.close();
  await slack.close();
});

async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(`${server.url}/slack/events`, { method: 'POST', body, headers });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const command = (name: string, text: string) => slashCommandBody(name, text, `${slack.url}/respond/1`);

describe('slash commands over HTTP', () => {
  it('answers /gpu-memory inside the acknowledgement, only to the caller', async () => {
    const body = command('/gpu-memory', '70b fp16');
    const { status, json } = await post(body, signedHeaders(body));
    expect(status).toBe(200);
    const expected = await computeGpuMemory('70b fp16', offlineContext());
    expect(json).toMatchObject({ response_type: 'ephemeral', text: expected.summary });
    expect(json.blocks[0].text.text).toBe(`*${expected.summary}*`);
  });

  it('shows the answer to the channel with `public`, without a share button', async () => {
    const body = command('/gpu-memory', 'llama-3.1-8b bf16 public');
    const { json } = await post(body, signedHeaders(body));
    expect(json.response_type).toBe('in_channel');
    expect(json.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
  });

  it('a private answer ends with "Share in channel", which posts it to the channel for everyone', async () => {
    const body = command('/gpu-memory', '70b fp16');
    const { json } = await post(body, signedHeaders(body));
    const actions = json.blocks.at(-1);
    expect(actions.type).toBe('actions');
    expect(actions.elements[0]).toMatchObject({ type: 'button', action_id: 'share_answer', text: { text: 'Share in channel' } });

    const click = blockActionsBody(actions.elements[0], `${slack.url}/respond/share-1`);
    const clicked = await post(click, signedHeaders(click));
    expect(clicked.status).toBe(200);
    const shared = await slack.waitFor((c) => c.path === '/respond/share-1');
    expect(shared.body).toMatchObject({ response_type: 'in_channel', replace_original: false, text: json.text });
    const blocks = shared.body.blocks as { type: string; elements?: { text: string }[] }[];
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(blocks.at(-1)!.elements![0]!.text).toBe('Shared by <@U2>: `/gpu-memory 70b fp16`');
  });

  it('a share click it cannot read posts nothing', async () => {
    const click = blockActionsBody({ action_id: 'share_answer', value: '{not json' }, `${slack.url}/respond/share-2`);
    expect((await post(click, signedHeaders(click))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.calls.filter((c) => c.path === '/respond/share-2')).toHaveLength(0);
  });

  it('rejects an unsigned button click', async () => {
    const click = blockActionsBody(
      { action_id: 'share_answer', value: '{"command":"gpu-memory","text":"70b"}' },
      `${slack.url}/respond/share-3`,
    );
    expect((await post(click, signedHeaders(click, Math.floor(Date.now() / 1000), 'wrong-secret'))).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.filter((c) => c.path === '/respond/share-3')).toHaveLength(0);
  });

  it('answers bad input with the usage, only to the caller', async () => {
    const body = command('/gpu-memory', '70b fp16 batch=lots');
    const { status, json } = await post(body, signedHeaders(body));
    expect(status).toBe(200);
    expect(json.response_type).toBe('ephemeral');
    const text = json.blocks[0].text.text as string;
    expect(text).toMatch(/batch=lots: "lots" is not a number/);
    expect(text).toMatch(/Understood: `70b fp16`/);
    expect(text).toMatch(/Usage: `\/gpu-memory <model>/);
  });

  it('answers every calculator in the registry, e.g. /train-cost', async () => {
    const body = command('/train-cost', 'gpus=64 gpu=a100 days=3 price=3');
    const { status, json } = await post(body, signedHeaders(body));
    expect(status).toBe(200);
    expect(json.text).toMatch(/^\$13,824 on-demand/);
    expect(json.blocks[0].text.text).toBe(`*${json.text}*`);
  });

  it('answers help with usage and examples', async () => {
    const body = command('/gpu-memory', 'help');
    const { json } = await post(body, signedHeaders(body));
    expect(JSON.stringify(json.blocks)).toMatch(/gpu-memory deepseek-v3 fp8 gpus=8/);
  });

  it('/finops help lists every command; /finops gpu-memory runs it', async () => {
    let body = command('/finops', 'help');
    let { json } = await post(body, signedHeaders(body));
    expect(JSON.stringify(json.blocks)).toMatch(
      /\/gpu-memory.*\/train-cost.*\/serve-cost.*\/gpu-price.*\/storage-throughput.*\/allreduce.*\/availability.*\/utilization.*\/finops digest.*\/finops scan.*\/finops rightsize/s,
    );
    body = command('/finops', 'gpu-memory 70b fp16');
    ({ json } = await post(body, signedHeaders(body)));
    expect(json.text).toMatch(/^≈ \d+ GB/);
  });

  it('/finops digest acknowledges at once and shows the digest to the caller afterwards', async () => {
    const body = slashCommandBody('/finops', 'digest', `${slack.url}/respond/digest-private`);
    const { json } = await post(body, signedHeaders(body));
    expect(json).toMatchObject({ response_type: 'ephemeral', text: 'Working on the weekly digest…' });
    const followUp = await slack.waitFor((c) => c.path === '/respond/digest-private');
    expect(followUp.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(followUp.body.text).toMatch(
      /^\[demo data\] Cloud cost 2026-W47 \(Nov 16–22\): \$19,983, \+\$3,329 \(\+20\.0%\) vs the week before$/,
    );
    expect(JSON.stringify(followUp.body.blocks)).toMatch(/Anomaly: Nov 18/);
  });

  it('/finops rightsize shows the caller what to resize, with the saving and the evidence', async () => {
    const body = slashCommandBody('/finops', 'rightsize', `${slack.url}/respond/rightsize`);
    const { json } = await post(body, signedHeaders(body));
    expect(json).toMatchObject({ response_type: 'ephemeral', text: 'Working on the rightsizing…' });
    const followUp = await slack.waitFor((c) => c.path === '/respond/rightsize');
    expect(followUp.body.text).toBe('[demo data] Rightsizing: $4,148 a month to save on 1 resource');
    const shown = JSON.stringify(followUp.body.blocks);
    expect(shown).toMatch(/support-chat-llm \/ AllTraffic.*1 × ml\.g5\.12xlarge.*1 × ml\.g5\.xlarge/);
    expect(shown).toMatch(/contract-summarizer-70b\/AllTraffic.*already the cheapest size/);
  });

  it('/finops digest public posts it to the channel with the bot token', async () => {
    const body = command('/finops', 'digest public');
    const { json } = await post(body, signedHeaders(body));
    expect(json.text).toBe('Working on the weekly digest for the channel…');
    const followUp = await slack.waitFor((c) => c.path === '/api/chat.postMessage' && /Cloud cost/.test(String(c.body.text)));
    expect(followUp.body).toMatchObject({ channel: 'C1' });
    expect(followUp.headers.authorization).toBe('Bearer xoxb-test');
  });

  it('posts the digest again without its chart where Slack refuses the chart block, and the chart as a PNG in its thread', async () => {
    slack.rejectBlockType('data_visualization');
    try {
      const before = slack.calls.length;
      const uploadsBefore = slack.uploads.length;
      const body = command('/finops', 'digest public');
      await post(body, signedHeaders(body));
      const delivered = await slack.waitFor(
        (c) =>
          slack.calls.indexOf(c) >= before &&
          c.path === '/api/chat.postMessage' &&
          /Cloud cost/.test(String(c.body.text)) &&
          !String(c.body.blocks).includes('data_visualization'),
      );
      expect(String(delivered.body.blocks)).toContain('Daily spend');
      expect(String(delivered.body.blocks)).toMatch(
        /:chart_with_upwards_trend: Daily spend, 2026-W\d+ vs 2026-W\d+: in the thread, as an image/,
      );
      const attempts = slack.calls
        .slice(before)
        .filter((c) => c.path === '/api/chat.postMessage' && /Cloud cost/.test(String(c.body.text)));
      expect(attempts.map((c) => String(c.body.blocks).includes('data_visualization'))).toEqual([true, false]);

      const completed = await slack.waitFor(
        (c) => slack.calls.indexOf(c) >= before && c.path === '/api/files.completeUploadExternal',
        15_000,
      );
      expect(completed.body).toMatchObject({ channel_id: 'C1', thread_ts: '1.0001' });
      expect(JSON.parse(String(completed.body.files))).toEqual([
        { id: expect.stringMatching(/^F/), title: expect.stringMatching(/^Daily spend, 2026-W\d+ vs 2026-W\d+$/) },
      ]);
      const [image] = slack.uploads.slice(uploadsBefore);
      expect(image!.filename).toMatch(/^daily-spend-2026-w\d+-vs-2026-w\d+\.png$/);
      // a PNG (signature, then IHDR) at twice the chart's 560 px width
      expect(image!.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(image!.bytes.readUInt32BE(16)).toBe(1120);
      expect(image!.bytes.length).toBeGreaterThan(10_000);
    } finally {
      slack.rejectBlockType(undefined);
    }
  });

  it('posts the digest once, with its tables, when the chart image cannot be uploaded (no files:write)', async () => {
    slack.rejectBlockType('data_visualization');
    slack.answer('files.getUploadURLExternal', {
      ok: false,
      error: 'missing_scope',
      needed: 'files:write',
      provided: 'commands,chat:write',
    });
    try {
      const before = slack.calls.length;
      const body = command('/finops', 'digest public');
      await post(body, signedHeaders(body));
      await slack.waitFor((c) => slack.calls.indexOf(c) >= before && c.path === '/api/files.getUploadURLExternal', 15_000);
      await new Promise((r) => setTimeout(r, 300));
      const delivered = slack.calls
        .slice(before)
        .filter((c) => c.path === '/api/chat.postMessage' && !String(c.body.blocks).includes('data_visualization'));
      expect(delivered).toHaveLength(1);
      expect(String(delivered[0]!.body.blocks)).toContain('Daily spend');
      expect(slack.calls.slice(before).filter((c) => c.path === '/api/files.completeUploadExternal')).toEqual([]);
    } finally {
      slack.rejectBlockType(undefined);
      slack.answer('files.getUploadURLExternal', undefined);
    }
  });

  it('waits out a 429 from Slack and delivers the message exactly once', async () => {
    slack.rateLimitNext('chat.postMessage', 1, 1);
    const before = slack.calls.filter((c) => /Idle GPUs and endpoints/.test(String(c.body.text))).length;
    const body = command('/finops', 'scan public');
    await post(body, signedHeaders(body));
    await slack.waitFor((c) => c.path === '/api/chat.postMessage' && /Idle GPUs and endpoints/.test(String(c.body.text)), 8000);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.calls.filter((c) => /Idle GPUs and endpoints/.test(String(c.body.text))).length).toBe(before + 1);
  });
});

describe('long replies', () => {
  let longServer: RunningServer;
  const rows = Array.from({ length: 120 }, (_, i): Block => ({ type: 'section', text: { type: 'mrkdwn', text: `finding ${i + 1}` } }));
  const longJobs: FinopsJobs = {
    ...finopsJobs(DEFAULT_DIGEST_SETTINGS, {}),
    scan: async () => ({ text: 'idle scan: 120 findings', blocks: rows }),
  };

  beforeAll(async () => {
    longServer = await startLoopbackBot({
      slackApiUrl: slack.apiUrl,
      jobs: longJobs,
      state: new SqliteStateStore(':memory:'),
    });
  });
  afterAll(() => longServer.close());

  it('posts a result of 120 blocks as three messages of at most 50 blocks, in order, none lost', async () => {
    const body = slashCommandBody('/finops', 'scan public', `${slack.url}/respond/long`);
    await fetch(`${longServer.url}/slack/events`, { method: 'POST', body, headers: signedHeaders(body) });
    const isPart = (c: { path: string; body: Record<string, unknown> }) =>
      c.path === '/api/chat.postMessage' && /^idle scan: 120 findings/.test(String(c.body.text));
    await slack.waitFor((c) => isPart(c) && /part 3 of 3/.test(String(c.body.text)));
    const parts = slack.calls.filter(isPart);
    expect(parts.map((p) => p.body.text)).toEqual([
      'idle scan: 120 findings',
      'idle scan: 120 findings (part 2 of 3)',
      'idle scan: 120 findings (part 3 of 3)',
    ]);
    // the Web API client sends blocks form-encoded as JSON
    const posted = parts.flatMap((p) => JSON.parse(String(p.body.blocks)) as Block[]);
    expect(posted).toEqual(rows);
  });
});

describe('events', () => {
  function eventRequest(eventId: string, retry?: number) {
    const body = JSON.stringify({
      token: 'x',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: eventId,
      event_time: 1,
      event: { type: 'app_mention', user: 'U1', text: '<@UBOT> hi', ts: '1700000000.000100', channel: 'C9', event_ts: '1700000000.000100' },
    });
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, body),
    };
    if (retry) Object.assign(headers, { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' });
    return { body, headers };
  }

  it('acts once on an event that Slack retries', async () => {
    const first = eventRequest('Ev0DEDUPE1');
    expect((await post(first.body, first.headers)).status).toBe(200);
    await slack.waitFor((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C9');
    const retry = eventRequest('Ev0DEDUPE1', 1);
    expect((await post(retry.body, retry.headers)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C9')).toHaveLength(1);
    const other = eventRequest('Ev0DEDUPE2');
    await post(other.body, other.headers);
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C9')).toHaveLength(2);
  });
});

describe('request checks', () => {
  const body = slashCommandBody('/gpu-memory', '70b fp16', 'http://127.0.0.1:9/respond');
  const seconds = () => Math.floor(Date.now() / 1000);

  it('rejects a bad signature with 401', async () => {
    expect((await post(body, signedHeaders(body, seconds(), 'wrong-secret'))).status).toBe(401);
  });

  it('rejects missing signature headers with 401', async () => {
    expect((await post(body, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(401);
  });

  it('rejects timestamps more than 5 minutes old or ahead', async () => {
    expect((await post(body, signedHeaders(body, seconds() - 310))).status).toBe(401);
    expect((await post(body, signedHeaders(body, seconds() + 310))).status).toBe(401);
    expect((await post(body, signedHeaders(body, seconds() - 200))).status).toBe(200);
    expect((await post(body, signedHeaders(body, seconds() + 200))).status).toBe(200);
  });

  it('rejects a replayed body under a new timestamp', async () => {
    const original = signedHeaders(body, seconds() - 10);
    const replayed = { ...original, 'x-slack-request-timestamp': String(seconds()) };
    expect((await post(body, replayed)).status).toBe(401);
  });

  it('rejects an oversized body with 413 before checking anything else', async () => {
    const huge = slashCommandBody('/gpu-memory', `70b ${'x'.repeat(300 * 1024)}`, 'http://127.0.0.1:9/respond');
    expect((await post(huge, signedHeaders(huge))).status).toBe(413);
  });

  it('serves /healthz', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
