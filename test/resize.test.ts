// Resize and its Restore on rightsizing recommendations: signed block_actions requests to the real
// Bolt receiver, with Slack and AWS (SageMaker, Application Auto Scaling, CloudWatch) behind
// loopback fakes that keep state (a new endpoint configuration, an update that takes a few
// describes, a rollback), and the SQLite state store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RIGHTSIZING } from '../reports/rightsizing/recommend.ts';
import { type ApprovalSettings, DEFAULT_APPROVALS } from '../src/settings/fileSettings.ts';
import { type Block, type ButtonElement, buttonsIn, type SlackMessage } from '../src/slack/blockLimits.ts';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import { type FakeAws, type FakeEndpoint, loopbackAwsEnv, startFakeAws } from './support/fakeAws.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { startApprovingBot } from './support/loopbackBot.ts';
import { oversizedChat } from './support/servingFleet.ts';
import { channelClickBody, signedHeaders } from './support/slackRequests.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const APPROVER = 'UAPPROVER01';
const SECOND = 'UAPPROVER02';
const OUTSIDER = 'UOUTSIDER01';
const week = (value: number) => Array.from({ length: 168 }, () => value);

const TARGET_POLICY = {
  PolicyName: 'invocations-target',
  PolicyType: 'TargetTrackingScaling',
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: 70,
    PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
  },
};

function fleet(): FakeEndpoint[] {
  return [
    // one A10G holds the 8B model and its peak: one ml.g5.xlarge instead of the ml.g5.12xlarge; autoscaling keeps 1–2
    { ...oversizedChat('chat-8b'), tags: { team: 'support' }, autoscaling: { min: 1, max: 2, policies: [TARGET_POLICY] } },
    // a second variant beside it on another endpoint, scaled to two by autoscaling: it stays as it is
    { ...oversizedChat('ab-chat'), variant: 'big' },
    {
      ...oversizedChat('ab-chat'),
      variant: 'small',
      instanceType: 'ml.g5.xlarge',
      count: 2,
      initialCount: 1,
      modelEnv: { HF_MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct', SM_NUM_GPUS: '1' },
    },
    { ...oversizedChat('prod-chat'), tags: { env: 'production' } },
  ];
}

interface Bot {
  aws: FakeAws;
  slack: FakeSlack;
  message: SlackMessage & { ts: string };
  buttonsOf(endpoint: string, variant?: string): ButtonElement[];
  click(action: string, endpoint: string, user: string, variant?: string): Promise<string>;
  reply(url: string): Promise<string>;
  waitForUpdate(text: string): Promise<Block[]>;
  thread(text: string): Promise<string>;
  /** every line posted in the message's thread so far */
  threadPosts(): string[];
  close(): Promise<void>;
}

const savedEnv = { ...process.env };
const running: Bot[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
  process.env = { ...savedEnv };
});

async function startBot(approvals: Partial<ApprovalSettings> = {}, change: (endpoints: FakeEndpoint[]) => void = () => {}): Promise<Bot> {
  const endpoints = fleet();
  change(endpoints);
  const aws = await startFakeAws([], endpoints);
  const slack = await startFakeSlack();
  const env = {
    ...loopbackAwsEnv(aws.url),
    HF_ENDPOINT: 'http://127.0.0.1:9', // nothing answers: the registry sizes these models offline
    BURNRATE_HUB_TIMEOUT_MS: '200',
  };
  Object.assign(process.env, env);
  const state = new SqliteStateStore(join(mkdtempSync(join(tmpdir(), 'burnrate-resize-')), 'state.sqlite'));
  const settings: ApprovalSettings = { ...DEFAULT_APPROVALS, approvers: [APPROVER, SECOND], dry_run: false, ...approvals };
  const { server, jobs } = await startApprovingBot({
    slackApiUrl: slack.apiUrl,
    env,
    state,
    approvals: settings,
    now: () => NOW,
    cloud: { rollbackAlarms: ['chat-5xx'] },
    rightsizing: DEFAULT_RIGHTSIZING,
  });
  const message = { ts: '1700000000.000200', ...(await jobs.rightsize()) };
  let clicks = 0;
  const bot: Bot = {
    aws,
    slack,
    message,
    buttonsOf(endpoint, variant = 'AllTraffic') {
      const block = message.blocks.find((b) => b.block_id?.includes(`:${endpoint}/${variant}@`));
      return buttonsIn(block);
    },
    async click(action, endpoint, user, variant) {
      const button = bot.buttonsOf(endpoint, variant).find((b) => b.action_id === action);
      if (!button) throw new Error(`no ${action} button on ${endpoint}`);
      const responseUrl = `${slack.url}/respond/click-${++clicks}`;
      const body = channelClickBody(button, message, responseUrl, user);
      const response = await fetch(`${server.url}/slack/events`, { method: 'POST', body, headers: signedHeaders(body) });
      expect(response.status).toBe(200);
      return responseUrl;
    },
    reply: async (url) => String((await slack.waitFor((c) => `${slack.url}${c.path}` === url)).body.text),
    async waitForUpdate(text) {
      const call = await slack.waitFor((c) => c.path === '/api/chat.update' && String(c.body.blocks).includes(text));
      return JSON.parse(String(call.body.blocks)) as Block[];
    },
    thread: async (text) =>
      String(
        (
          await slack.waitFor(
            (c) => c.path === '/api/chat.postMessage' && c.body.thread_ts === message.ts && String(c.body.text).includes(text),
          )
        ).body.text,
      ),
    threadPosts: () =>
      slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.thread_ts === message.ts).map((c) => String(c.body.text)),
    async close() {
      await server.close();
      await slack.close();
      await aws.close();
      await state.close();
    },
  };
  running.push(bot);
  return bot;
}

const mutations = (aws: FakeAws, action: string) => aws.mutations.filter((m) => m.action === action);
const controlText = (blocks: Block[], endpoint: string, variant = 'AllTraffic') => {
  const block = blocks.find((b) => b.block_id?.includes(`:${endpoint}/${variant}@`));
  return block?.type === 'section' ? (block.text?.text ?? '') : '';
};
const settle = () => new Promise((r) => setTimeout(r, 300));
const variant = (aws: FakeAws, name: string, v = 'AllTraffic') => aws.endpoints.find((e) => e.name === name && e.variant === v)!;

describe('the Resize button', () => {
  it('/finops rightsize offers Resize on each SageMaker recommendation, with a confirm dialog naming the change and the saving', async () => {
    const bot = await startBot();
    const [resize] = bot.buttonsOf('chat-8b');
    expect(resize!.action_id).toBe('rightsize_resize');
    expect(resize!.confirm!.text.text).toBe(
      'Resize moves chat-8b / AllTraffic from 1 × ml.g5.12xlarge to 1 × ml.g5.xlarge by a blue/green update (new instances start, traffic shifts, the old ones stop). It saves ~$4,148 a month. burnrate checks the endpoint and its load again before acting.',
    );
    expect(JSON.stringify(bot.message.blocks)).toContain('1 × ml.g5.12xlarge → 1 × ml.g5.xlarge, saves $4,148 a month');
  });
});

describe('Resize', () => {
  it('20 concurrent clicks by approvers make one new configuration and one update; the others are told who is resizing', async () => {
    const bot = await startBot();
    const urls = await Promise.all(
      Array.from({ length: 20 }, (_, k) => bot.click('rightsize_resize', 'chat-8b', k % 2 ? APPROVER : SECOND)),
    );
    const blocks = await bot.waitForUpdate('Resized to');
    await settle();
    expect(mutations(bot.aws, 'CreateEndpointConfig')).toHaveLength(1);
    expect(mutations(bot.aws, 'UpdateEndpoint')).toHaveLength(1);
    const told = await Promise.all(urls.map((url) => bot.reply(url).catch(() => undefined)));
    const busy = told.filter((t): t is string => t !== undefined);
    expect(busy).toHaveLength(19);
    for (const text of busy)
      expect(text).toMatch(/^It (is already being resized|was already resized at 2026-11-23 08:00 UTC) by <@UAPPROVER0[12]>\.$/);
    expect(controlText(blocks, 'chat-8b')).toMatch(
      /^:white_check_mark: Resized to 1 × ml\.g5\.xlarge at 2026-11-23 08:00 UTC by <@UAPPROVER0[12]> · saves ~\$4,148 a month$/,
    );
    expect(await bot.thread('is InService')).toMatch(
      /^:white_check_mark: \*chat-8b \/ AllTraffic\* is InService on 1 × ml\.g5\.xlarge \(was 1 × ml\.g5\.12xlarge\)/,
    );
    // the click that acted posts the outcome; the 19 it beat post nothing there
    expect(bot.threadPosts()).toHaveLength(1);
    // the endpoint now runs the new size
    expect(variant(bot.aws, 'chat-8b')).toMatchObject({ instanceType: 'ml.g5.xlarge', count: 1 });
  });

  it('copies the configuration with only the variant changed, updates blue/green with the rollback alarms, and puts the autoscaling back', async () => {
    const bot = await startBot();
    await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    await bot.thread('is InService');
    const [config] = mutations(bot.aws, 'CreateEndpointConfig');
    expect(config!.body).toMatchObject({
      EndpointConfigName: 'chat-8b-config-rs20261123080000',
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: 'chat-8b-AllTraffic-model', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
      ],
      DataCaptureConfig: { DestinationS3Uri: 's3://ml-capture/' },
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      Tags: [{ Key: 'team', Value: 'ml-platform' }],
    });
    const [update] = mutations(bot.aws, 'UpdateEndpoint');
    expect(update!.body).toMatchObject({
      EndpointName: 'chat-8b',
      EndpointConfigName: 'chat-8b-config-rs20261123080000',
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredInstanceCount' }],
      DeploymentConfig: {
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' } },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'chat-5xx' }] },
      },
    });
    // SageMaker refuses to change a scaled variant's type: deregistered before the update, registered after with its policy
    const order = bot.aws.mutations.map((m) => m.action);
    expect(order).toEqual([
      'CreateEndpointConfig',
      'DeregisterScalableTarget',
      'UpdateEndpoint',
      'RegisterScalableTarget',
      'PutScalingPolicy',
    ]);
    expect(bot.aws.scalableTargets.get('endpoint/chat-8b/variant/AllTraffic')).toMatchObject({
      MinCapacity: 1,
      MaxCapacity: 2,
      policies: [TARGET_POLICY],
    });
  });

  it('changes only the variant concerned: the other keeps the count autoscaling gave it', async () => {
    const bot = await startBot();
    await bot.click('rightsize_resize', 'ab-chat', APPROVER, 'big');
    await bot.thread('is InService');
    const [config] = mutations(bot.aws, 'CreateEndpointConfig');
    expect(config!.body.ProductionVariants).toMatchObject([
      { VariantName: 'big', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
      { VariantName: 'small', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 },
    ]);
    expect(variant(bot.aws, 'ab-chat', 'small')).toMatchObject({ instanceType: 'ml.g5.xlarge', count: 2 });
  });

  it('refuses when the re-check finds the load grew since the recommendation, and changes nothing', async () => {
    const bot = await startBot();
    // the week ending now: the GPUs are four times as busy
    variant(bot.aws, 'chat-8b').gpu = week(160);
    const url = await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    expect(await bot.reply(url)).toMatch(
      /^Not resized: its load changed since the recommendation: it now needs \d+ × ml\.g5\.\w+, not 1 × ml\.g5\.xlarge \(/,
    );
    expect(bot.aws.mutations).toEqual([]);
    expect(controlText(await bot.waitForUpdate(':no_entry_sign: Not resized'), 'chat-8b')).toMatch(
      /^:no_entry_sign: Not resized \(2026-11-23 08:00 UTC, <@UAPPROVER01>\)/,
    );
  });

  it('a re-check that cannot read the endpoint (throttled past the retries) fails in one line and changes nothing', async () => {
    const bot = await startBot();
    bot.aws.breakAction('GetMetricData', 'throttled');
    const url = await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    expect(await bot.reply(url)).toBe(
      'Resize failed: us-east-1: CloudWatch GetMetricData failed (ThrottlingException (HTTP 400)). Retry when the cause is fixed.',
    );
    expect(bot.aws.mutations).toEqual([]);
    const control = (await bot.waitForUpdate(':x: Resize failed')).find((b) => b.block_id?.includes(':chat-8b/AllTraffic@'));
    expect(control?.type === 'section' && control.accessory?.text.text).toBe('Retry');
  });

  it('refuses when the variant no longer runs the size it was recommended from, and changes nothing', async () => {
    const bot = await startBot();
    // autoscaling added an instance since
    variant(bot.aws, 'chat-8b').count = 2;
    const url = await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    expect(await bot.reply(url)).toBe(
      'Not resized: AllTraffic now runs 2 × ml.g5.12xlarge, not the 1 × ml.g5.12xlarge it was recommended from.',
    );
    expect(bot.aws.mutations).toEqual([]);
  });

  it('says when SageMaker rolled the update back, in the message and its thread, and registers the autoscaling again', async () => {
    const bot = await startBot();
    bot.aws.rollBackNextUpdate('The new instances failed the health check.');
    await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    const blocks = await bot.waitForUpdate('Resize failed');
    expect(controlText(blocks, 'chat-8b')).toBe(
      ':x: Resize failed (2026-11-23 08:00 UTC, <@UAPPROVER01>): SageMaker rolled the update back (The new instances failed the health check.); AllTraffic still runs 1 × ml.g5.12xlarge',
    );
    expect(await bot.thread('was not resized')).toMatch(/^:x: \*chat-8b \/ AllTraffic\* was not resized: SageMaker rolled the update back/);
    expect(variant(bot.aws, 'chat-8b')).toMatchObject({ instanceType: 'ml.g5.12xlarge', count: 1 });
    expect(bot.aws.scalableTargets.get('endpoint/chat-8b/variant/AllTraffic')).toMatchObject({ MinCapacity: 1, MaxCapacity: 2 });
  });

  it('Restore updates the endpoint back to the configuration it ran, with its autoscaling', async () => {
    const bot = await startBot();
    await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    const blocks = await bot.waitForUpdate('Resized to');
    const restore = blocks.find((b) => b.block_id?.includes(':chat-8b/AllTraffic@'));
    expect(restore?.type === 'section' && restore.accessory?.action_id).toBe('rightsize_restore');
    bot.message.blocks = blocks;
    await bot.click('rightsize_restore', 'chat-8b', SECOND);
    expect(controlText(await bot.waitForUpdate('Restored to'), 'chat-8b')).toBe(
      ':leftwards_arrow_with_hook: Restored to 1 × ml.g5.12xlarge at 2026-11-23 08:00 UTC by <@UAPPROVER02>',
    );
    const updates = mutations(bot.aws, 'UpdateEndpoint');
    expect(updates.map((u) => u.body.EndpointConfigName)).toEqual(['chat-8b-config-rs20261123080000', 'chat-8b-config']);
    expect(variant(bot.aws, 'chat-8b')).toMatchObject({ instanceType: 'ml.g5.12xlarge', count: 1 });
    expect(bot.aws.scalableTargets.get('endpoint/chat-8b/variant/AllTraffic')).toMatchObject({
      MinCapacity: 1,
      MaxCapacity: 2,
      policies: [TARGET_POLICY],
    });
    expect(await bot.thread('is back on')).toBe(
      ':leftwards_arrow_with_hook: *chat-8b / AllTraffic* is back on 1 × ml.g5.12xlarge, restored by <@UAPPROVER02>.',
    );
  });

  it('a Restore that SageMaker refuses says so in the thread, and Restore stays on offer', async () => {
    const bot = await startBot();
    await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    bot.message.blocks = await bot.waitForUpdate('Resized to');
    await bot.thread('is InService');
    bot.aws.failNext('UpdateEndpoint', 'ValidationException', 'The account-level service limit for ml.g5.12xlarge is 0 Instances.');
    const url = await bot.click('rightsize_restore', 'chat-8b', SECOND);
    expect(await bot.reply(url)).toBe(
      'Restore failed: ValidationException: The account-level service limit for ml.g5.12xlarge is 0 Instances..',
    );
    expect(await bot.thread('restore failed')).toBe(
      ':x: *chat-8b / AllTraffic*: restore failed: ValidationException: The account-level service limit for ml.g5.12xlarge is 0 Instances.',
    );
    expect(bot.threadPosts()).toHaveLength(2);
    const control = (await bot.waitForUpdate(':warning: restore failed')).find((b) => b.block_id?.includes(':chat-8b/AllTraffic@'));
    expect(control?.type === 'section' && control.accessory?.action_id).toBe('rightsize_restore');
    // the variant still runs the resized configuration, and its autoscaling is back
    expect(variant(bot.aws, 'chat-8b')).toMatchObject({ instanceType: 'ml.g5.xlarge', count: 1 });
    expect(bot.aws.scalableTargets.get('endpoint/chat-8b/variant/AllTraffic')).toMatchObject({ MinCapacity: 1, MaxCapacity: 2 });
  });
});

describe('who may Resize, and the guardrails', () => {
  it('refuses someone who is not an approver, and changes nothing', async () => {
    const bot = await startBot();
    const url = await bot.click('rightsize_resize', 'chat-8b', OUTSIDER);
    expect(await bot.reply(url)).toBe(
      'Only approvers can resize endpoints; approvers: <@UAPPROVER01>, <@UAPPROVER02>. Nothing was changed.',
    );
    expect(bot.aws.mutations).toEqual([]);
  });

  it('in a dry run says what would have happened and changes nothing', async () => {
    const bot = await startBot({ dry_run: true });
    const url = await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    expect(await bot.reply(url)).toBe(
      'Dry run (approvals.dry_run is on): Resize would have moved chat-8b / AllTraffic from 1 × ml.g5.12xlarge to 1 × ml.g5.xlarge by a blue/green update (new instances start, traffic shifts, the old ones stop); it saves ~$4,148 a month. Nothing was changed.',
    );
    expect(bot.aws.mutations).toEqual([]);
  });

  it('a production endpoint needs a second approver', async () => {
    const bot = await startBot();
    const first = await bot.click('rightsize_resize', 'prod-chat', APPROVER);
    expect(await bot.reply(first)).toBe('This resource is tagged env=production: a second approver must press Resize too.');
    expect(bot.aws.mutations).toEqual([]);
    bot.message.blocks = await bot.waitForUpdate('second approver must press Resize');
    await bot.click('rightsize_resize', 'prod-chat', SECOND);
    await bot.thread('is InService');
    expect(mutations(bot.aws, 'UpdateEndpoint')).toHaveLength(1);
  });

  it('does not resize what carries the keep tag', async () => {
    const bot = await startBot({}, (endpoints) => {
      endpoints[0]!.tags = { 'burnrate:keep': 'true' };
    });
    const url = await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    expect(await bot.reply(url)).toBe('Not resized: it carries the keep tag or is on scan.allow.');
    expect(bot.aws.mutations).toEqual([]);
  });

  it("stops at the day's cap and says which setting sets it", async () => {
    const bot = await startBot({ max_resizes_per_day: 0 });
    const url = await bot.click('rightsize_resize', 'chat-8b', APPROVER);
    expect(await bot.reply(url)).toBe("Not resized: today's cap of 0 resizes is reached (approvals.max_resizes_per_day).");
    expect(bot.aws.mutations).toEqual([]);
  });

  it('offers no Resize where approvals.actions leaves it out', async () => {
    const bot = await startBot({ actions: { 'sagemaker-endpoint': ['stop', 'snooze', 'keep', 'restore'] } });
    expect(bot.buttonsOf('chat-8b')).toEqual([]);
    expect(JSON.stringify(bot.message.blocks)).toContain('Resize is not enabled (approvals.actions).');
  });
});
