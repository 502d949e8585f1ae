// The scheduled reports: one digest per ISO week and one scan per day per channel under concurrent
// runs and two runtimes, a failed post tried again, node-cron firing them, and npm start posting
// them on their schedules.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUSIONS } from '../reports/idleScan/idleFindings.ts';
import { DEFAULT_DIGEST_SETTINGS } from '../src/runtime/finopsJobs.ts';
import { startSchedules } from '../src/runtime/scheduler.ts';
import { startBot } from '../src/runtime/server.ts';
import { dailyScanJob } from '../src/schedule/dailyScanJob.ts';
import type { ScheduledJobContext } from '../src/schedule/postOnce.ts';
import { weeklyDigestJob } from '../src/schedule/weeklyDigestJob.ts';
import type { SlackMessage } from '../src/slack/blockLimits.ts';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { freePort } from './support/freePort.ts';

const NOW = new Date('2026-11-23T08:00:00Z');

const stateFile = () => join(mkdtempSync(join(tmpdir(), 'burnrate-schedule-')), 'state.sqlite');

function context(
  state: SqliteStateStore,
  posts: { channel: string; message: SlackMessage }[],
  overrides: Partial<ScheduledJobContext> = {},
): ScheduledJobContext {
  return {
    state,
    env: {},
    now: () => NOW,
    log: () => {},
    digest: { ...DEFAULT_DIGEST_SETTINGS, channel: 'C0DIGEST01' },
    post: async (channel, message) => {
      posts.push({ channel, message });
    },
    update: async () => {
      throw new Error('no message to update in this test');
    },
    ...overrides,
  };
}

describe('scheduled reports', () => {
  it('posts once per week and channel, whatever runs at once in two runtimes', async () => {
    const path = stateFile();
    const [a, b] = [new SqliteStateStore(path), new SqliteStateStore(path)];
    const posts: { channel: string; message: SlackMessage }[] = [];
    const outcomes = await Promise.all(
      [...Array(5)].flatMap(() => [weeklyDigestJob(context(a, posts)), weeklyDigestJob(context(b, posts))]),
    );
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already-posted')).toHaveLength(9);
    expect(new Set(posts.map((p) => p.message.text.replace(/ \(part \d of \d\)$/, '')))).toEqual(
      new Set([expect.stringMatching(/Cloud cost 2026-W47/)]),
    );
    expect(posts.every((p) => p.channel === 'C0DIGEST01')).toBe(true);
    // the next week is a new claim
    expect(await weeklyDigestJob(context(a, posts, { now: () => new Date('2026-11-30T08:00:00Z') }))).toBe('posted');
    await a.close();
    await b.close();
  });

  it('gives the week back when posting fails, so the next delivery posts it', async () => {
    const state = new SqliteStateStore(':memory:');
    const posts: { channel: string; message: SlackMessage }[] = [];
    const failing = context(state, posts, {
      post: async () => {
        throw new Error('channel_not_found');
      },
    });
    await expect(weeklyDigestJob(failing)).rejects.toThrow('channel_not_found');
    expect(await weeklyDigestJob(context(state, posts))).toBe('posted');
    await state.close();
  });

  it('does nothing without a channel', async () => {
    const state = new SqliteStateStore(':memory:');
    expect(await weeklyDigestJob(context(state, [], { digest: DEFAULT_DIGEST_SETTINGS }))).toBe('no-channel');
    await state.close();
  });

  it('the daily scan posts once per day and channel', async () => {
    const state = new SqliteStateStore(':memory:');
    const posts: { channel: string; message: SlackMessage }[] = [];
    const scanContext = (now: Date) =>
      context(state, posts, { now: () => now, scan: { channel: 'C0SCAN0001', exclusions: DEFAULT_EXCLUSIONS } });
    const outcomes = await Promise.all([...Array(4)].map(() => dailyScanJob(scanContext(NOW))));
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    expect(posts.map((p) => p.channel)).toEqual(['C0SCAN0001']);
    expect(posts[0]!.message.text).toMatch(/^\[demo data\] Idle GPUs and endpoints/);
    expect(await dailyScanJob(scanContext(new Date('2026-11-24T08:00:00Z')))).toBe('posted');
    expect(await dailyScanJob(context(state, posts))).toBe('no-channel');
    await state.close();
  });

  it("a finding posted before and still idle is not posted again: its message is updated, and the day's scan points to it", async () => {
    const state = new SqliteStateStore(':memory:');
    const posts: { channel: string; message: SlackMessage; ts: string }[] = [];
    const updates: { channel: string; ts: string; message: SlackMessage }[] = [];
    const scanContext = (now: Date) =>
      context(state, [], {
        now: () => now,
        scan: { channel: 'C0SCAN0001', exclusions: DEFAULT_EXCLUSIONS },
        post: async (channel, message) => {
          const ts = `${1_700_000_000 + posts.length}.000100`;
          posts.push({ channel, message, ts });
          return { ts };
        },
        update: async (channel, ts, message) => {
          updates.push({ channel, ts, message });
        },
      });
    // the findings' buttons; the rightsizing section's Resize button is offered anew every day
    const buttons = (message: SlackMessage) => message.blocks.filter((b) => b.type === 'actions' && b.block_id?.startsWith('ctl|')).length;
    const resizes = (message: SlackMessage) => message.blocks.filter((b) => b.type === 'actions' && b.block_id?.startsWith('rsz|')).length;
    expect(await dailyScanJob(scanContext(NOW))).toBe('posted');
    expect(buttons(posts[0]!.message)).toBe(3);
    expect(resizes(posts[0]!.message)).toBe(1);
    expect(updates).toEqual([]);

    expect(await dailyScanJob(scanContext(new Date('2026-11-24T08:00:00Z')))).toBe('posted');
    const [update] = updates;
    expect(update).toMatchObject({ channel: 'C0SCAN0001', ts: posts[0]!.ts });
    expect(buttons(update!.message)).toBe(3);
    const note = update!.message.blocks.at(-1)!;
    expect(note.type === 'context' && note.elements[0]!.text).toBe(
      'Still idle on 2026-11-24 (daily scan): notebook-gpu-shared, churn-model-prod, research-notebook-gpu',
    );
    const today = posts[1]!.message;
    expect(buttons(today)).toBe(0);
    expect(resizes(today)).toBe(1);
    expect(today.text).toMatch(/across 3 findings$/);
    expect(JSON.stringify(today.blocks)).toContain(
      '3 findings reported earlier are still idle ($6,195 a month), with their buttons in <https://slack.com/archives/C0SCAN0001/p1700000000000100|the report of 2026-11-23>',
    );

    // the third day updates the same message again, replacing the line rather than adding one
    expect(await dailyScanJob(scanContext(new Date('2026-11-25T08:00:00Z')))).toBe('posted');
    expect(updates[1]!.message.blocks.filter((b) => b.block_id === 'still-idle')).toHaveLength(1);
    expect(updates[1]!.ts).toBe(posts[0]!.ts);
    await state.close();
  });

  it('node-cron fires it on schedule; later firings of the same week post nothing', async () => {
    const state = new SqliteStateStore(':memory:');
    const posts: { channel: string; message: SlackMessage }[] = [];
    const stop = startSchedules([{ job: 'weekly-digest', expression: '* * * * * *', timezone: 'Europe/Berlin' }], context(state, posts));
    try {
      const until = Date.now() + 4000;
      while (Date.now() < until && posts.length === 0) await new Promise((r) => setTimeout(r, 50));
      expect(posts.length).toBeGreaterThan(0);
      const count = posts.length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(posts.length).toBe(count);
    } finally {
      await stop();
      await state.close();
    }
  });
});

describe('npm start with report channels', () => {
  let slack: FakeSlack | undefined;
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stop?.();
    await slack?.close();
  });

  it('posts the digest and the scan to their channels on their schedules', async () => {
    slack = await startFakeSlack();
    const config = join(mkdtempSync(join(tmpdir(), 'burnrate-config-')), 'burnrate.yaml');
    writeFileSync(
      config,
      'digest:\n  channel: C0DIGEST02\n  schedule: "* * * * * *"\n  timezone: Europe/Berlin\nscan:\n  channel: C0SCAN0002\n  schedule: "* * * * * *"\n',
    );
    const outcome = await startBot(
      {
        SLACK_BOT_TOKEN: 'xoxb-digest',
        SLACK_SIGNING_SECRET: 'c'.repeat(32),
        PORT: String(await freePort()),
        SLACK_API_URL: slack.apiUrl,
        BURNRATE_CONFIG: config,
        BURNRATE_STATE_FILE: stateFile(),
      },
      () => {},
      () => {},
    );
    if (typeof outcome === 'number') throw new Error(`startBot exited with ${outcome}`);
    stop = outcome;
    const posted = await slack.waitFor((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0DIGEST02', 5000);
    expect(String(posted.body.text)).toMatch(/^\[demo data\] Cloud cost \d{4}-W\d{2}/);
    expect(posted.headers.authorization).toBe('Bearer xoxb-digest');
    const scan = await slack.waitFor((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0SCAN0002', 5000);
    expect(String(scan.body.text)).toMatch(/^\[demo data\] Idle GPUs and endpoints/);
  });

  it('where the workspace refuses the chart block, posts the digest once with its tables and the chart as a PNG in its thread', async () => {
    await stop?.();
    slack!.rejectBlockType('data_visualization');
    const config = join(mkdtempSync(join(tmpdir(), 'burnrate-config-')), 'burnrate.yaml');
    writeFileSync(config, 'digest:\n  channel: C0DIGEST03\n  schedule: "* * * * * *"\n');
    const outcome = await startBot(
      {
        SLACK_BOT_TOKEN: 'xoxb-digest',
        SLACK_SIGNING_SECRET: 'c'.repeat(32),
        PORT: String(await freePort()),
        SLACK_API_URL: slack!.apiUrl,
        BURNRATE_CONFIG: config,
        BURNRATE_STATE_FILE: stateFile(),
      },
      () => {},
      () => {},
    );
    if (typeof outcome === 'number') throw new Error(`startBot exited with ${outcome}`);
    stop = outcome;
    const shared = await slack!.waitFor(
      (c) => c.path === '/api/files.completeUploadExternal' && c.body.channel_id === 'C0DIGEST03',
      15_000,
    );
    expect(shared.body.thread_ts).toBe('1.0001');
    const posts = slack!.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0DIGEST03');
    expect(posts.map((c) => String(c.body.blocks).includes('data_visualization'))).toEqual([true, false]);
    expect(String(posts[1]!.body.blocks)).toContain('in the thread, as an image');
  });
});
