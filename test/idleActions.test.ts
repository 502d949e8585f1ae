// Stop, Restore, Snooze and Keep on idle findings: signed block_actions requests to the real Bolt
// receiver, with Slack and AWS (SageMaker, Application Auto Scaling, EC2, CloudWatch) behind
// loopback fakes that keep state, and the SQLite state store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../src/actions/actionState.ts';
import type { FindingRef } from '../src/actions/findingRef.ts';
import { auditCli } from '../src/runtime/reportCli.ts';
import { type AccountSettings, type ApprovalSettings, DEFAULT_APPROVALS } from '../src/settings/fileSettings.ts';
import { type Block, buttonsIn, type SlackMessage } from '../src/slack/blockLimits.ts';
import { refreshControls } from '../src/slack/findingBlocks.ts';
import { DynamoStateStore } from '../src/state/dynamoStateStore.ts';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import type { StateStore } from '../src/state/stateStore.ts';
import { startDynalite } from './support/dynalite.ts';
import {
  type FakeAws,
  type FakeEndpoint,
  type FakeInstance,
  type FakeNotebook,
  type FakeStudioApp,
  loopbackAwsEnv,
  startFakeAws,
} from './support/fakeAws.ts';
import { type FakeSlack, type RecordedCall, startFakeSlack } from './support/fakeSlack.ts';
import { startApprovingBot } from './support/loopbackBot.ts';
import { channelClickBody, signedHeaders, slashCommandBody, viewSubmissionBody } from './support/slackRequests.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const APPROVER = 'UAPPROVER01';
const GROUP_MEMBER = 'UGROUPIE001';
const OUTSIDER = 'UOUTSIDER01';
const hours = (n: number, value: number) => Array.from({ length: n }, () => value);

function fleet(): { instances: FakeInstance[]; endpoints: FakeEndpoint[]; notebooks: FakeNotebook[]; studioApps: FakeStudioApp[] } {
  return {
    studioApps: [
      // SageMaker's health checks moved LastUserActivityTimestamp, but a user did before: real activity differs
      {
        domainId: 'd-abc123',
        space: 'ranking-team',
        appType: 'JupyterLab',
        appName: 'default',
        instanceType: 'ml.g5.xlarge',
        createdAt: '2026-11-01T00:00:00.000Z',
        lastUserActivity: '2026-11-20T17:45:00.000Z',
        lastHealthCheck: '2026-11-23T07:55:00.000Z',
      },
    ],
    notebooks: [{ name: 'forgotten-notebook', instanceType: 'ml.g5.xlarge', lastModified: '2026-11-10T09:00:00.000Z' }],
    instances: [
      { instanceId: 'i-0bbbbbbbbbbbbbbb2', instanceType: 'g5.xlarge', name: 'forgotten', gpus: [hours(168, 1)] },
      { instanceId: 'i-0eeeeeeeeeeeeeee5', instanceType: 'g5.xlarge', name: 'spot-box', spot: true, gpus: [hours(168, 0)] },
    ],
    endpoints: [
      // two idle variants, scaled away from their configuration by autoscaling, with their policies
      {
        name: 'churn-model',
        variant: 'blue',
        instanceType: 'ml.g5.2xlarge',
        count: 2,
        initialCount: 1,
        weight: 0.7,
        invocations: [],
        gpu: hours(168, 0),
        tags: { team: 'growth' },
        autoscaling: {
          min: 1,
          max: 4,
          roleArn:
            'arn:aws:iam::123456789012:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
          policies: [
            {
              PolicyName: 'invocations-target',
              PolicyType: 'TargetTrackingScaling',
              TargetTrackingScalingPolicyConfiguration: {
                TargetValue: 70,
                PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
                ScaleInCooldown: 300,
                ScaleOutCooldown: 60,
              },
            },
          ],
        },
      },
      {
        name: 'churn-model',
        variant: 'green',
        instanceType: 'ml.g5.2xlarge',
        count: 1,
        weight: 0.3,
        invocations: [],
        gpu: hours(168, 0),
        tags: { team: 'growth' },
        autoscaling: {
          min: 1,
          max: 2,
          policies: [
            {
              PolicyName: 'step-out',
              PolicyType: 'StepScaling',
              StepScalingPolicyConfiguration: {
                AdjustmentType: 'ChangeInCapacity',
                StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
                Cooldown: 120,
              },
            },
          ],
        },
      },
      { name: 'quiet-model', variant: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, invocations: [], gpu: hours(168, 0) },
      {
        name: 'prod-ranker',
        variant: 'AllTraffic',
        instanceType: 'ml.g5.xlarge',
        count: 1,
        invocations: [],
        gpu: hours(168, 0),
        tags: { env: 'production' },
      },
    ],
  };
}

interface Bot {
  aws: FakeAws;
  slack: FakeSlack;
  state: StateStore;
  statePath: string;
  eventsUrl: string;
  message: SlackMessage & { ts: string };
  click(action: string, resource: string, user: string, extraHeaders?: Record<string, string>): Promise<string>;
  buttonsOf(resource: string): { action_id: string; value: string; confirm?: { text: { text: string } } }[];
  /** the blocks of the latest chat.update of the report */
  updated(): Block[];
  waitForUpdate(text: string): Promise<Block[]>;
  responses(responseUrl: string): RecordedCall[];
  scan(): Promise<SlackMessage>;
  close(): Promise<void>;
}

const savedEnv = { ...process.env };
const running: Bot[] = [];
let dynamo: Awaited<ReturnType<typeof startDynalite>> | undefined;
let tables = 0;
afterEach(async () => {
  while (running.length) await running.pop()!.close();
  process.env = { ...savedEnv };
});
afterAll(async () => {
  await dynamo?.close();
});

async function openStore(kind: 'sqlite' | 'dynamodb', statePath: string): Promise<StateStore> {
  if (kind === 'sqlite') return new SqliteStateStore(statePath);
  dynamo ??= await startDynalite();
  const store = new DynamoStateStore(
    new DynamoDBClient({
      endpoint: dynamo.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDBURNRATETEST', secretAccessKey: 'secret' },
    }),
    `burnrate-actions-${++tables}`,
  );
  await store.ensureTable();
  return store;
}

async function startBot(
  approvals: Partial<ApprovalSettings> = {},
  change: (f: ReturnType<typeof fleet>) => void = () => {},
  storeKind: 'sqlite' | 'dynamodb' = 'sqlite',
  accounts?: AccountSettings[],
  denyRoles: string[] = [],
): Promise<Bot> {
  const { instances, endpoints, notebooks, studioApps } = fleet();
  change({ instances, endpoints, notebooks, studioApps });
  const aws = await startFakeAws(instances, endpoints, { notebooks, studioApps });
  for (const role of denyRoles) aws.denyRole(role);
  const slack = await startFakeSlack();
  slack.answer('usergroups.users.list', { ok: true, users: [GROUP_MEMBER] });
  const env = loopbackAwsEnv(aws.url);
  // the SDK clients read their endpoints from the process environment
  Object.assign(process.env, env);
  const statePath = join(mkdtempSync(join(tmpdir(), 'burnrate-actions-')), 'state.sqlite');
  const state = await openStore(storeKind, statePath);
  const settings: ApprovalSettings = {
    ...DEFAULT_APPROVALS,
    approvers: [APPROVER],
    approver_groups: ['SAPPROVERS1'],
    dry_run: false,
    ...approvals,
  };
  const { server, jobs } = await startApprovingBot({
    slackApiUrl: slack.apiUrl,
    env,
    state,
    approvals: settings,
    now: () => NOW,
    ...(accounts ? { accounts } : {}),
  });
  const message = { ts: '1700000000.000100', ...(await jobs.scan()) };
  let clicks = 0;
  const updates = () => slack.calls.filter((c) => c.path === '/api/chat.update');
  const bot: Bot = {
    aws,
    slack,
    state,
    statePath,
    message,
    eventsUrl: `${server.url}/slack/events`,
    buttonsOf(resource) {
      const block = message.blocks.find((b) => b.block_id?.includes(`:${resource}|`));
      return buttonsIn(block) as never;
    },
    async click(action, resource, user, extraHeaders = {}) {
      const button = bot.buttonsOf(resource).find((b) => b.action_id === action);
      if (!button) throw new Error(`no ${action} button on ${resource}`);
      const responseUrl = `${slack.url}/respond/click-${++clicks}`;
      const body = channelClickBody(button, message, responseUrl, user);
      const response = await fetch(bot.eventsUrl, { method: 'POST', body, headers: { ...signedHeaders(body), ...extraHeaders } });
      expect(response.status).toBe(200);
      return responseUrl;
    },
    updated: () => JSON.parse(String(updates().at(-1)?.body.blocks ?? '[]')) as Block[],
    async waitForUpdate(text) {
      const call = await slack.waitFor((c) => c.path === '/api/chat.update' && String(c.body.blocks).includes(text));
      return JSON.parse(String(call.body.blocks)) as Block[];
    },
    responses: (url) => slack.calls.filter((c) => `${slack.url}${c.path}` === url),
    scan: () => jobs.scan(),
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

const reply = async (bot: Bot, url: string) => String((await bot.slack.waitFor((c) => `${bot.slack.url}${c.path}` === url)).body.text);
const controlText = (blocks: Block[], resource: string) => {
  const block = blocks.find((b) => b.block_id?.includes(`:${resource}|`));
  return block?.type === 'section' ? (block.text?.text ?? '') : '';
};
const mutations = (aws: FakeAws, action: string) => aws.mutations.filter((m) => m.action === action);
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('the buttons on the report', () => {
  it('each finding offers Stop (with a confirm dialog saying what happens), Snooze 7d and Keep; a Spot instance no Stop', async () => {
    const bot = await startBot();
    expect(bot.buttonsOf('forgotten').length).toBe(0); // EC2 findings are keyed by instance id
    const instance = bot.buttonsOf('i-0bbbbbbbbbbbbbbb2');
    expect(instance.map((b) => b.action_id)).toEqual(['idle_stop', 'idle_snooze', 'idle_keep']);
    expect(instance[0]!.confirm!.text.text).toBe(
      'Stop stops the instance: EBS volumes, its ID and private IP are kept; its 250 GB of instance-store NVMe is wiped; a GPU type may lack capacity when it is started again. It saves ~$737/month. burnrate checks again that it is idle before acting.',
    );
    expect(bot.buttonsOf('i-0eeeeeeeeeeeeeee5').map((b) => b.action_id)).toEqual(['idle_snooze', 'idle_keep']);
    expect(JSON.stringify(bot.message.blocks)).toContain('a Spot instance cannot be stopped, only terminated');
    const endpoint = bot.buttonsOf('churn-model');
    expect(endpoint[0]!.confirm!.text.text).toMatch(
      /^Stop deletes the endpoint after saving its configuration name, variant weights and counts and its autoscaling/,
    );
  });
});

describe('Stop', () => {
  it.each(['sqlite', 'dynamodb'] as const)(
    '20 concurrent clicks by approvers make one DeleteEndpoint; the others are told who is stopping it (%s state)',
    async (store) => {
      const bot = await startBot({}, () => {}, store);
      const urls = await Promise.all(
        Array.from({ length: 20 }, (_, k) => bot.click('idle_stop', 'quiet-model', k % 2 ? APPROVER : GROUP_MEMBER)),
      );
      const blocks = await bot.waitForUpdate('Stopped at');
      await settle();
      expect(mutations(bot.aws, 'DeleteEndpoint')).toHaveLength(1);
      const told = urls.flatMap((url) => bot.responses(url)).map((c) => String(c.body.text));
      expect(told).toHaveLength(19);
      for (const text of told)
        expect(text).toMatch(
          /^It (is already being stopped|was already stopped at 2026-11-23 08:00 UTC) by <@U(APPROVER01|GROUPIE001)>\.$/,
        );
      expect(controlText(blocks, 'quiet-model')).toMatch(
        /^:white_check_mark: Stopped at 2026-11-23 08:00 UTC by <@U\w+> · saves ~\$1,028\/month$/,
      );
      const control = blocks.find((b) => b.block_id?.includes(':quiet-model|'));
      expect(control?.type === 'section' && control.accessory?.action_id).toBe('idle_restore');
      // the other findings of the message keep their buttons
      expect(blocks.find((b) => b.block_id?.includes(':i-0bbbbbbbbbbbbbbb2|'))?.type).toBe('actions');
    },
  );

  it('the message shows "stopping… approved by" at once, before the final state', async () => {
    const bot = await startBot();
    await bot.click('idle_stop', 'quiet-model', APPROVER);
    await bot.waitForUpdate('Stopped at');
    const texts = bot.slack.calls
      .filter((c) => c.path === '/api/chat.update')
      .map((c) => controlText(JSON.parse(String(c.body.blocks)), 'quiet-model'));
    expect(texts[0]).toBe(`:hourglass_flowing_sand: Stopping… approved by <@${APPROVER}>`);
    expect(texts.at(-1)).toMatch(/^:white_check_mark: Stopped at/);
  });

  it('a Stop whose run died (still "stopping" after 20 minutes) no longer holds the resource', async () => {
    const bot = await startBot();
    const ref = JSON.parse(bot.buttonsOf('quiet-model')[0]!.value) as FindingRef;
    await bot.state.write(
      'action#sagemaker-endpoint:-:quiet-model',
      { ref, status: 'stopping', by: GROUP_MEMBER, at: NOW.getTime() - 21 * 60_000, approvals: [GROUP_MEMBER] },
      0,
    );
    await bot.click('idle_stop', 'quiet-model', APPROVER);
    await bot.waitForUpdate('Stopped at');
    expect(mutations(bot.aws, 'DeleteEndpoint')).toHaveLength(1);
  });

  it('a resource started outside burnrate after its Stop is offered Stop again by the next scan', async () => {
    const bot = await startBot();
    await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', APPROVER);
    await bot.waitForUpdate('Stopped at');
    bot.aws.instances[0]!.state = 'running';
    const next = await bot.scan();
    const control = next.blocks.find((b) => b.block_id?.includes(':i-0bbbbbbbbbbbbbbb2|'));
    expect(control?.type).toBe('actions');
    expect((await bot.state.audit(0, 50)).find((e) => e.event === 'reconcile')?.outcome).toBe(
      'found running again after burnrate stopped it: marked restored',
    );
    const status = await bot.state.read<ActionRecord>('action#ec2-gpu-instance:-:i-0bbbbbbbbbbbbbbb2');
    expect(
      controlText(
        refreshControls(bot.message.blocks, new Map([['ec2-gpu-instance:-:i-0bbbbbbbbbbbbbbb2', { action: status!.value }]]), () => true),
        'i-0bbbbbbbbbbbbbbb2',
      ),
    ).toBe(':leftwards_arrow_with_hook: Restored at 2026-11-23 08:00 UTC by the scan (running again: started outside burnrate)');
    // a message posted after it was restored shows the buttons, however often it is updated, as a fresh scan does
    const restored = new Map([['ec2-gpu-instance:-:i-0bbbbbbbbbbbbbbb2', { action: status!.value }]]);
    const postedAfter = (status!.value.at / 1000 + 60).toFixed(6);
    expect(
      refreshControls(next.blocks, restored, () => true, postedAfter).find((b) => b.block_id?.includes(':i-0bbbbbbbbbbbbbbb2|'))?.type,
    ).toBe('actions');
    expect(
      controlText(
        refreshControls(next.blocks, restored, () => true, (status!.value.at / 1000 - 60).toFixed(6)),
        'i-0bbbbbbbbbbbbbbb2',
      ),
    ).toMatch(/^:leftwards_arrow_with_hook: Restored at/);
    bot.message.blocks = next.blocks;
    await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', APPROVER);
    await bot.slack.waitFor(
      (c) =>
        c.path === '/api/chat.update' &&
        (c.body.blocks as string).includes('Stopped at') &&
        mutations(bot.aws, 'StopInstances').length === 2,
    );
    expect(mutations(bot.aws, 'StopInstances')).toHaveLength(2);
  });

  it('a Slack retry of the same click does nothing more', async () => {
    const bot = await startBot();
    await bot.click('idle_stop', 'quiet-model', APPROVER);
    await bot.waitForUpdate('Stopped at');
    const url = await bot.click('idle_stop', 'quiet-model', APPROVER, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(await reply(bot, url)).toMatch(/^It was already stopped at/);
    expect(mutations(bot.aws, 'DeleteEndpoint')).toHaveLength(1);
  });

  it('someone who is not an approver is told who is, nothing happens, and the attempt is audited', async () => {
    const bot = await startBot();
    const url = await bot.click('idle_stop', 'quiet-model', OUTSIDER);
    expect(await reply(bot, url)).toBe(
      `Only approvers can stop resources; approvers: <@${APPROVER}>, <!subteam^SAPPROVERS1>. Nothing was changed.`,
    );
    await settle();
    expect(bot.aws.mutations).toEqual([]);
    expect(bot.slack.calls.filter((c) => c.path === '/api/chat.update')).toEqual([]);
    const audit = await bot.state.audit(0, 10);
    expect(audit.map((e) => [e.actor, e.event, e.outcome])).toEqual([
      [OUTSIDER, 'decision', 'refused: not an approver (stop)'],
      [OUTSIDER, 'click', 'stop'],
    ]);
  });

  it('a member of an approver group may stop (usergroups.users.list, asked once while cached)', async () => {
    const bot = await startBot();
    await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', GROUP_MEMBER);
    await bot.waitForUpdate('Stopped at');
    const url = await bot.click('idle_snooze', 'quiet-model', OUTSIDER);
    await bot.click('idle_stop', 'churn-model', GROUP_MEMBER);
    await bot.waitForUpdate('Snoozed until');
    expect(bot.responses(url)).toEqual([]);
    expect(mutations(bot.aws, 'StopInstances').map((m) => m.body['InstanceId.1'])).toEqual(['i-0bbbbbbbbbbbbbbb2']);
    expect(bot.aws.instances[0]!.state).toBe('stopped');
    expect(bot.slack.calls.filter((c) => c.path === '/api/usergroups.users.list')).toHaveLength(1);
  });

  it('says so when Slack will not list an approver group, and changes nothing', async () => {
    const bot = await startBot();
    bot.slack.answer('usergroups.users.list', { ok: false, error: 'missing_scope', needed: 'usergroups:read' });
    expect(await reply(bot, await bot.click('idle_stop', 'quiet-model', OUTSIDER))).toBe(
      'Could not check who the approvers are (Slack answered missing_scope for user group SAPPROVERS1; add the usergroups:read scope and reinstall the app). Nothing was changed.',
    );
    expect(bot.aws.mutations).toEqual([]);
  });

  it('does not stop what got busy again since the scan, and says why', async () => {
    const bot = await startBot();
    bot.aws.endpoints.find((e) => e.name === 'quiet-model')!.invocations = hours(3, 40);
    const url = await bot.click('idle_stop', 'quiet-model', APPROVER);
    expect(await reply(bot, url)).toBe('Not stopped: it is no longer idle: it served 120 calls in the last 7 days.');
    expect(controlText(await bot.waitForUpdate('Not stopped'), 'quiet-model')).toMatch(
      /Not stopped \(2026-11-23 08:00 UTC, <@UAPPROVER01>\): it is no longer idle/,
    );
    expect(bot.aws.mutations).toEqual([]);
  });

  it('does not stop what now carries the keep tag, nor what was deleted meanwhile', async () => {
    const bot = await startBot();
    bot.aws.instances[0]!.tags = { 'burnrate:keep': 'true' };
    expect(await reply(bot, await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', APPROVER))).toBe(
      'Not stopped: it now carries the keep tag or is on scan.allow.',
    );
    bot.aws.instances.splice(0, 1);
    bot.aws.instances.push({ instanceId: 'i-0fffffffffffffff6', instanceType: 'g5.xlarge', gpus: [] });
    expect(await reply(bot, await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', APPROVER))).toBe(
      'Not stopped: the instance no longer exists.',
    );
    expect(bot.aws.mutations).toEqual([]);
  });

  it('refuses a Spot instance even when asked with a forged button', async () => {
    const bot = await startBot();
    const snooze = bot.buttonsOf('i-0eeeeeeeeeeeeeee5').find((b) => b.action_id === 'idle_snooze')!;
    (bot.buttonsOf('i-0eeeeeeeeeeeeeee5') as { action_id: string; value: string }[]).push({ action_id: 'idle_stop', value: snooze.value });
    expect(await reply(bot, await bot.click('idle_stop', 'i-0eeeeeeeeeeeeeee5', APPROVER))).toBe(
      'Not stopped: it is a Spot instance, which cannot be stopped.',
    );
    expect(bot.aws.mutations).toEqual([]);
  });

  it('stops no more than approvals.max_stops_per_day in a day', async () => {
    const bot = await startBot({ max_stops_per_day: 1 });
    await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', APPROVER);
    await bot.waitForUpdate('Stopped at');
    const url = await bot.click('idle_stop', 'quiet-model', APPROVER);
    expect(await reply(bot, url)).toBe("Not stopped: today's cap of 1 stops is reached (approvals.max_stops_per_day).");
    expect(bot.aws.mutations.map((m) => m.action)).toEqual(['StopInstances']);
  });

  it('in dry-run (the default) records the click and says what would have happened, changing nothing', async () => {
    const bot = await startBot({ dry_run: true });
    const url = await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', APPROVER);
    expect(await reply(bot, url)).toBe(
      'Dry run (approvals.dry_run is on): Stop would have stops the instance: EBS volumes, its ID and private IP are kept; its 250 GB of instance-store NVMe is wiped; a GPU type may lack capacity when it is started again; it saves ~$737/month. Nothing was changed.',
    );
    expect(controlText(await bot.waitForUpdate('Dry run'), 'i-0bbbbbbbbbbbbbbb2')).toMatch(/^:test_tube: Dry run for <@UAPPROVER01>/);
    expect(bot.aws.mutations).toEqual([]);
    expect((await bot.state.audit(0, 20)).some((e) => e.outcome === 'dry run (approvals.dry_run is on): would have stopped')).toBe(true);
    expect(DEFAULT_APPROVALS.dry_run).toBe(true);
  });

  it('a production resource needs a second, different approver', async () => {
    const bot = await startBot();
    const first = await bot.click('idle_stop', 'prod-ranker', APPROVER);
    expect(await reply(bot, first)).toBe('This resource is tagged env=production: a second approver must press Stop too.');
    const awaiting = await bot.waitForUpdate('a second approver must press Stop');
    expect(controlText(awaiting, 'prod-ranker')).toBe(
      `:raised_hand: Production resource: approved by <@${APPROVER}>; a second approver must press Stop`,
    );
    const again = await bot.click('idle_stop', 'prod-ranker', APPROVER);
    expect(await reply(bot, again)).toBe('You approved this already; a production resource needs a second approver to press Stop.');
    expect(bot.aws.mutations).toEqual([]);
    await bot.click('idle_stop', 'prod-ranker', GROUP_MEMBER);
    await bot.waitForUpdate('Stopped at');
    expect(mutations(bot.aws, 'DeleteEndpoint').map((m) => m.body.EndpointName)).toEqual(['prod-ranker']);
  });

  it('a re-check that cannot read CloudWatch fails truthfully and leaves the finding to Retry, not stuck "stopping"', async () => {
    const bot = await startBot();
    bot.aws.failNext('GetMetricData', 'AccessDenied', 'User is not authorized to perform: cloudwatch:GetMetricData');
    expect(await reply(bot, await bot.click('idle_stop', 'quiet-model', APPROVER))).toBe(
      "Stop failed: us-east-1: AWS denied GetMetricData: grant the bot's role cloudwatch:GetMetricData. Retry when the cause is fixed.",
    );
    bot.message.blocks = await bot.waitForUpdate('Stop failed');
    expect(bot.aws.mutations).toEqual([]);
    await bot.click('idle_stop', 'quiet-model', APPROVER);
    await bot.waitForUpdate('Stopped at');
    expect(mutations(bot.aws, 'DeleteEndpoint')).toHaveLength(1);
  });

  it('a cloud error leaves a truthful message and audit, and Retry works', async () => {
    const bot = await startBot();
    bot.aws.failNext(
      'DeleteEndpoint',
      'AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/burnrate is not authorized to perform: sagemaker:DeleteEndpoint',
    );
    const url = await bot.click('idle_stop', 'quiet-model', APPROVER);
    expect(await reply(bot, url)).toMatch(
      /^Stop failed: AccessDeniedException: User: .* is not authorized to perform: sagemaker:DeleteEndpoint\. Retry when the cause is fixed\.$/,
    );
    const failed = await bot.waitForUpdate('Stop failed');
    const control = failed.find((b) => b.block_id?.includes(':quiet-model|'))!;
    expect(control.type === 'section' && control.accessory).toMatchObject({ action_id: 'idle_stop', text: { text: 'Retry' } });
    expect((await bot.state.audit(0, 20)).find((e) => e.event === 'failed')?.outcome).toMatch(/^AccessDeniedException/);
    expect(mutations(bot.aws, 'DeleteEndpoint')).toEqual([]);

    bot.message.blocks = failed;
    await bot.click('idle_stop', 'quiet-model', APPROVER);
    await bot.waitForUpdate('Stopped at');
    expect(mutations(bot.aws, 'DeleteEndpoint')).toHaveLength(1);
  });
});

describe('Restore', () => {
  it('brings a stopped endpoint back as it was: configuration, weights, counts, autoscaling targets and policies', async () => {
    const bot = await startBot();
    const before = {
      targets: structuredClone([...bot.aws.scalableTargets]),
      variants: bot.aws.endpoints.filter((e) => e.name === 'churn-model').map((e) => [e.variant, e.weight, e.count]),
    };
    await bot.click('idle_stop', 'churn-model', APPROVER);
    const stopped = await bot.waitForUpdate('Stopped at');
    expect(bot.aws.scalableTargets.size).toBe(0);
    // both variants' findings show the endpoint's state
    expect(stopped.filter((b) => b.block_id?.includes(':churn-model|') && b.type === 'section')).toHaveLength(2);

    bot.message.blocks = stopped;
    const url = await bot.click('idle_restore', 'churn-model', GROUP_MEMBER);
    const restored = await bot.waitForUpdate('Restored at');
    expect(controlText(restored, 'churn-model')).toBe(`:leftwards_arrow_with_hook: Restored at 2026-11-23 08:00 UTC by <@${GROUP_MEMBER}>`);
    expect(bot.responses(url)).toEqual([]);
    expect(mutations(bot.aws, 'CreateEndpoint')[0]!.body).toEqual({
      EndpointName: 'churn-model',
      EndpointConfigName: 'churn-model-config',
      Tags: [{ Key: 'team', Value: 'growth' }],
    });
    expect([...bot.aws.scalableTargets]).toEqual(before.targets);
    expect(bot.aws.endpoints.filter((e) => e.name === 'churn-model').map((e) => [e.variant, e.weight, e.count])).toEqual(before.variants);
    // in order: create, wait, weights and counts, then the autoscaling
    expect(bot.aws.mutations.map((m) => m.action)).toEqual([
      'DeleteEndpoint',
      'CreateEndpoint',
      'UpdateEndpointWeightsAndCapacities',
      'RegisterScalableTarget',
      'RegisterScalableTarget',
      'PutScalingPolicy',
      'PutScalingPolicy',
    ]);
  });

  it('restores an EC2 instance by starting it; only approvers may, and only what burnrate stopped', async () => {
    const bot = await startBot();
    await bot.click('idle_stop', 'i-0bbbbbbbbbbbbbbb2', APPROVER);
    bot.message.blocks = await bot.waitForUpdate('Stopped at');
    expect(await reply(bot, await bot.click('idle_restore', 'i-0bbbbbbbbbbbbbbb2', OUTSIDER))).toMatch(
      /^Only approvers can restore resources/,
    );
    await bot.click('idle_restore', 'i-0bbbbbbbbbbbbbbb2', APPROVER);
    await bot.waitForUpdate('Restored at');
    expect(bot.aws.instances[0]!.state).toBe('running');
    expect(await reply(bot, await bot.click('idle_restore', 'i-0bbbbbbbbbbbbbbb2', APPROVER))).toBe(
      'burnrate has not stopped this resource, so there is nothing to restore.',
    );
    expect(bot.aws.mutations.map((m) => m.action)).toEqual(['StopInstances', 'StartInstances']);
  });
});

describe('several accounts', () => {
  const PROD = {
    name: 'prod',
    role_arn: 'arn:aws:iam::111111111111:role/burnrate-read',
    stop_role_arn: 'arn:aws:iam::111111111111:role/burnrate-stop',
  };
  const RESEARCH = { name: 'research', role_arn: 'arn:aws:iam::222222222222:role/burnrate-read' };

  it('scans each account through its read role, names a denied one in the notes, and stops through the stop role', async () => {
    const bot = await startBot({}, () => {}, 'sqlite', [PROD, RESEARCH], [RESEARCH.role_arn]);
    const text = JSON.stringify(bot.message.blocks);
    expect(text).toContain('*forgotten* (prod/us-east-1)');
    // one line for the account's region: the role it could not assume, and every part it left out
    expect(text).toContain(
      'research/us-east-1: could not assume arn:aws:iam::222222222222:role/burnrate-read (sts:AssumeRole failed: AccessDenied (HTTP 403)); left out there: ',
    );
    expect(text.match(/research\/us-east-1: could not assume/g)).toHaveLength(1);
    expect(new Set(bot.aws.assumedRoles)).toEqual(new Set([PROD.role_arn]));
    // one session for the account's three clients
    expect(bot.aws.assumedRoles.filter((r) => r === PROD.role_arn)).toHaveLength(1);
    await bot.click('idle_stop', 'prod/us-east-1:i-0bbbbbbbbbbbbbbb2', APPROVER);
    await bot.waitForUpdate('Stopped at');
    expect(mutations(bot.aws, 'StopInstances').map((m) => m.accessKey)).toEqual(['ASIA111111111111BURNRATESTOP']);
    expect((await bot.state.read('action#ec2-gpu-instance:prod/us-east-1:i-0bbbbbbbbbbbbbbb2'))?.value).toMatchObject({
      status: 'stopped',
    });
  });
});

describe('notebook instances', () => {
  it('Stop stops the notebook instance (its storage kept) and Restore starts it again', async () => {
    const bot = await startBot();
    expect(bot.buttonsOf('forgotten-notebook')[0]!.confirm!.text.text).toMatch(/^Stop stops the notebook instance: its ML storage volume/);
    await bot.click('idle_stop', 'forgotten-notebook', APPROVER);
    bot.message.blocks = await bot.waitForUpdate('Stopped at');
    expect(bot.aws.notebooks[0]!.status).toBe('Stopped');
    await bot.click('idle_restore', 'forgotten-notebook', APPROVER);
    await bot.waitForUpdate('Restored at');
    expect(bot.aws.notebooks[0]!.status).toBe('InService');
    expect(bot.aws.mutations.map((m) => [m.action, m.body.NotebookInstanceName])).toEqual([
      ['StopNotebookInstance', 'forgotten-notebook'],
      ['StartNotebookInstance', 'forgotten-notebook'],
    ]);
  });

  it('does not stop a notebook someone restarted since the scan', async () => {
    const bot = await startBot();
    bot.aws.notebooks[0]!.lastModified = '2026-11-23T07:30:00.000Z';
    expect(await reply(bot, await bot.click('idle_stop', 'forgotten-notebook', APPROVER))).toBe(
      'Not stopped: it is no longer idle: it was started or changed at 2026-11-23 07:30 UTC.',
    );
    expect(bot.aws.mutations).toEqual([]);
  });
});

describe('Studio apps', () => {
  it('Stop deletes the app (the space keeps its storage) and Restore creates it again as it was', async () => {
    const bot = await startBot();
    const id = 'd-abc123/space:ranking-team/JupyterLab/default';
    expect(bot.buttonsOf(id)[0]!.confirm!.text.text).toMatch(
      /^Stop deletes the Studio app: the space's storage \(its home directory\) is kept/,
    );
    await bot.click('idle_stop', id, APPROVER);
    bot.message.blocks = await bot.waitForUpdate('Stopped at');
    expect(bot.aws.studioApps[0]!.status).toBe('Deleted');
    await bot.click('idle_restore', id, APPROVER);
    await bot.waitForUpdate('Restored at');
    expect(bot.aws.studioApps[0]!.status).toBe('InService');
    expect(bot.aws.mutations.map((m) => [m.action, m.body])).toEqual([
      ['DeleteApp', { DomainId: 'd-abc123', AppType: 'JupyterLab', AppName: 'default', SpaceName: 'ranking-team' }],
      [
        'CreateApp',
        {
          DomainId: 'd-abc123',
          AppType: 'JupyterLab',
          AppName: 'default',
          SpaceName: 'ranking-team',
          ResourceSpec: { InstanceType: 'ml.g5.xlarge' },
        },
      ],
    ]);
  });
});

describe('Snooze and Keep', () => {
  it('Snooze 7d hides the finding from the next scans until then, and the report says so', async () => {
    const bot = await startBot();
    await bot.click('idle_snooze', 'quiet-model', OUTSIDER);
    expect(controlText(await bot.waitForUpdate('Snoozed until'), 'quiet-model')).toBe(`:zzz: Snoozed until 2026-11-30 by <@${OUTSIDER}>`);
    const next = await bot.scan();
    expect(JSON.stringify(next.blocks)).not.toContain(':quiet-model|');
    expect(JSON.stringify(next.blocks)).toContain(
      `1 idle resource snoozed or kept in Slack: quiet-model (snoozed until 2026-11-30 by ${OUTSIDER})`,
    );
  });

  it('Keep asks for a reason in a modal, then excludes the resource for good', async () => {
    const bot = await startBot();
    await bot.click('idle_keep', 'i-0bbbbbbbbbbbbbbb2', OUTSIDER);
    const opened = await bot.slack.waitFor((c) => c.path === '/api/views.open');
    const view = JSON.parse(String(opened.body.view)) as { callback_id: string; private_metadata: string; blocks: { block_id?: string }[] };
    expect(opened.body.trigger_id).toBe(`trigger-${OUTSIDER}`);
    expect(view.blocks.some((b) => b.block_id === 'reason')).toBe(true);

    const submit = async (reason: string) => {
      const body = viewSubmissionBody(view, { reason: { reason: { type: 'plain_text_input', value: reason } } }, OUTSIDER);
      const response = await fetch(bot.eventsUrl, { method: 'POST', body, headers: signedHeaders(body) });
      return { status: response.status, text: await response.text() };
    };
    const blank = await submit('  ');
    expect(JSON.parse(blank.text)).toEqual({
      response_action: 'errors',
      errors: { reason: 'Say in a few words why it stays (at least 3 characters).' },
    });
    await submit('warm standby for the EU launch');
    expect(controlText(await bot.waitForUpdate('Kept by'), 'i-0bbbbbbbbbbbbbbb2')).toBe(
      `:pushpin: Kept by <@${OUTSIDER}>: warm standby for the EU launch`,
    );
    const next = await bot.scan();
    expect(JSON.stringify(next.blocks)).toContain(`forgotten (kept by ${OUTSIDER}: warm standby for the EU launch)`);
  });

  it('with approvals.snooze_keep: approvers, others may not snooze', async () => {
    const bot = await startBot({ snooze_keep: 'approvers' });
    expect(await reply(bot, await bot.click('idle_snooze', 'quiet-model', OUTSIDER))).toMatch(
      /^Only approvers can snooze findings; approvers: /,
    );
    expect(await bot.state.list('decision#')).toEqual([]);
  });
});

describe('the audit log', () => {
  it('/finops audit shows every click, decision, re-check and cloud call; burnrate audit --json exports them', async () => {
    const bot = await startBot();
    await bot.click('idle_stop', 'quiet-model', APPROVER);
    await bot.waitForUpdate('Stopped at');
    const body = slashCommandBody('/finops', 'audit 7d', `${bot.slack.url}/respond/audit`);
    const response = await fetch(bot.eventsUrl, { method: 'POST', body, headers: signedHeaders(body) });
    const text = JSON.stringify(await response.json());
    for (const line of [
      'click  sagemaker-endpoint:-:quiet-model: stop',
      'decision  sagemaker-endpoint:-:quiet-model: approved: stopping',
      'recheck  sagemaker-endpoint:-:quiet-model: still idle',
      'cloud-call  sagemaker-endpoint:-:quiet-model: sagemaker:DeleteEndpoint (request ',
      'stopped  sagemaker-endpoint:-:quiet-model: stopped; saves ~$1,028/month',
    ]) {
      expect(text).toContain(line);
    }
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env: { BURNRATE_STATE_FILE: bot.statePath } };
    expect(await auditCli(['--since', '7d'], true, io, NOW)).toBe(0);
    const exported = JSON.parse(out[0]!) as { event: string; actor: string; detail?: { call?: string; before?: string; after?: string } }[];
    expect(exported.map((e) => e.event)).toEqual(['stopped', 'cloud-call', 'recheck', 'decision', 'click']);
    expect(exported[1]!.detail).toMatchObject({ call: 'sagemaker:DeleteEndpoint', before: 'InService', after: 'deleted' });
    const bad = slashCommandBody('/finops', 'audit forever', `${bot.slack.url}/respond/audit`);
    const refused = (await (await fetch(bot.eventsUrl, { method: 'POST', body: bad, headers: signedHeaders(bad) })).json()) as {
      text: string;
    };
    expect(refused.text).toBe(':warning: "forever" is not a window such as 24h, 7d or 2w. Usage: `/finops audit [7d]`');
    expect(await auditCli(['--since', 'a week'], false, io, NOW)).toBe(2);
    expect(out.at(-1)).toBe(
      'burnrate audit: --since "a week" is not a window such as 24h, 7d or 2w\n  usage: burnrate audit [--since 7d] [--json]',
    );
  });
});
