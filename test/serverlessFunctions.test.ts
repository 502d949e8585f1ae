// The three Lambda functions invoked with real event shapes: the slack function behind API Gateway
// (HTTP API v2, signed body), the worker with SQS batches, the scheduler with EventBridge
// Scheduler's input. State in DynamoDB (dynalite), secrets from SSM, the queue, Slack and AWS
// behind loopback fakes. Once from the sources and once from the bundles `npm run build:lambda`
// makes, which are what Lambda runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestQuery } from '../reports/weeklyDigest/weeklyDigest.ts';
import { lastFullWeek } from '../src/calc/period.ts';
import { demoAccount } from '../src/clouds/demo/demoAccount.ts';
import type { SlackLambdaHandler } from '../src/runtime/lambda.ts';
import { startDynalite } from './support/dynalite.ts';
import { type FakeAws, startFakeAws } from './support/fakeAws.ts';
import { type FakeCostExplorer, startFakeCostExplorer } from './support/fakeCostExplorer.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { type FakeSqsSsm, startFakeSqsSsm } from './support/fakeSqsSsm.ts';
import { useLambdaEnvironment } from './support/lambdaEnvironment.ts';
import { httpApiEvent, sqsEvent } from './support/lambdaEvents.ts';
import { bundledLambdas } from './support/lambdaPackage.ts';
import { oversizedChat } from './support/servingFleet.ts';
import { signedHeaders, slashCommandBody } from './support/slackRequests.ts';

const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const week = (value: number) => Array.from({ length: 168 }, () => value);

interface Handlers {
  slackHandler: SlackLambdaHandler;
  workerHandler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  schedulerHandler: (event: { job?: string }) => Promise<unknown>;
  /** deletes what loading them made */
  remove?: () => void;
}
const fromSources = async (): Promise<Handlers> => ({
  slackHandler: (await import('../src/serverless/slackFunction.ts')).handler,
  workerHandler: (await import('../src/serverless/workerFunction.ts')).handler,
  schedulerHandler: (await import('../src/serverless/schedulerFunction.ts')).handler,
});
const fromBundles = async (): Promise<Handlers> => {
  const lambdas = await bundledLambdas();
  return {
    slackHandler: (await lambdas.handler('slack')) as Handlers['slackHandler'],
    workerHandler: (await lambdas.handler('worker')) as Handlers['workerHandler'],
    schedulerHandler: (await lambdas.handler('scheduler')) as Handlers['schedulerHandler'],
    remove: lambdas.remove,
  };
};

describe.each([
  ['sources', fromSources],
  ['bundles', fromBundles],
] as const)('the Lambda functions from their %s', (_, load) => {
  const savedEnv = { ...process.env };
  let slackHandler: Handlers['slackHandler'];
  let workerHandler: Handlers['workerHandler'];
  let schedulerHandler: Handlers['schedulerHandler'];
  let remove: Handlers['remove'];
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let queue: FakeSqsSsm;
  let slack: FakeSlack;
  let aws: FakeAws;
  let costExplorer: FakeCostExplorer;
  /** the SQS client sends to the queue URL's own host, as queue URLs are in AWS */
  let QUEUE_URL: string;

  beforeAll(async () => {
    ({ slackHandler, workerHandler, schedulerHandler, remove } = await load());
    dynamo = await startDynalite();
    queue = await startFakeSqsSsm({
      '/burnrate/test/slack-bot-token': 'xoxb-lambda',
      '/burnrate/test/slack-signing-secret': SIGNING_SECRET,
    });
    slack = await startFakeSlack();
    aws = await startFakeAws(
      [{ instanceId: 'i-0bbbbbbbbbbbbbbb2', instanceType: 'g5.xlarge', name: 'forgotten', gpus: [week(1)] }],
      [
        { name: 'quiet-model', variant: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, invocations: [], gpu: week(0) },
        oversizedChat('chat-8b'),
      ],
      // an update is done by the first look after it: the worker polls every 15 s as in AWS
      { updateDescribes: 0 },
    );
    QUEUE_URL = `${queue.url}/123456789012/burnrate-work`;
    const config = join(mkdtempSync(join(tmpdir(), 'burnrate-lambda-')), 'burnrate.yaml');
    writeFileSync(config, 'scan:\n  channel: C0SCAN00001\napprovals:\n  approvers: [UAPPROVER01]\n  dry_run: false\n');
    await useLambdaEnvironment(
      { dynamoUrl: dynamo.url, queueUrl: queue.url, slackApiUrl: slack.apiUrl, awsUrl: aws.url },
      'burnrate-test',
      config,
    );
    costExplorer = await startFakeCostExplorer({ data: await demoAccount.costs(digestQuery(lastFullWeek(new Date(), 'UTC'), 'team')) });
    process.env.AWS_ENDPOINT_URL_COST_EXPLORER = costExplorer.url;
  }, 120_000);
  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([dynamo.close(), queue.close(), slack.close(), aws.close(), costExplorer.close()]);
    remove?.();
  });

  const slash = (command: string, text: string) => {
    const body = slashCommandBody(command, text, `${slack.url}/respond/lambda`);
    return httpApiEvent(body, signedHeaders(body, undefined, SIGNING_SECRET), true);
  };

  describe('the slack function', () => {
    it('answers a calculator in the acknowledgement, with secrets read from SSM once per container and no auth.test', async () => {
      const first = await slackHandler(slash('/gpu-memory', '70b fp16'));
      expect(first.statusCode).toBe(200);
      expect(JSON.parse(first.body!).text).toMatch(/^≈ \d+ GB · fits/);
      const second = await slackHandler(slash('/gpu-memory', '8b int4'));
      expect(second.statusCode).toBe(200);
      expect(queue.parameterReads).toBe(1);
      expect(slack.calls.filter((c) => c.path === '/api/auth.test')).toEqual([]);
    });

    it('refuses a request signed with anything but the secret from SSM', async () => {
      const body = slashCommandBody('/gpu-memory', '70b fp16', `${slack.url}/respond/lambda`);
      expect((await slackHandler(httpApiEvent(body, signedHeaders(body, undefined, 'not-the-secret')))).statusCode).toBe(401);
    });

    it('acknowledges /finops scan public at once and queues the report for the worker', async () => {
      const before = queue.sent.length;
      const response = await slackHandler(slash('/finops', 'scan public'));
      expect(JSON.parse(response.body!).text).toBe('Working on the idle scan for the channel…');
      expect(queue.sent.slice(before).map((m) => [m.queueUrl, JSON.parse(m.body)])).toEqual([
        [QUEUE_URL, { type: 'report', job: 'scan', public: true, channel: 'C1', responseUrl: `${slack.url}/respond/lambda` }],
      ]);
    });
  });

  describe('the worker function', () => {
    it('runs a queued report once, however often SQS delivers it', async () => {
      const message = {
        messageId: 'm-report-1',
        body: JSON.stringify({ type: 'report', job: 'scan', public: true, channel: 'C0123456789', responseUrl: `${slack.url}/respond/x` }),
      };
      expect(await workerHandler(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
      expect(await workerHandler(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
      const posts = slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0123456789');
      expect(posts).toHaveLength(1);
      expect(String(posts[0]!.body.text)).toMatch(/^Idle GPUs and endpoints: \$[\d,]+ a month across 2 findings$/);
    });

    it('posts a digest whose chart Slack refuses with its tables, and the chart as a PNG in the thread', async () => {
      slack.rejectBlockType('data_visualization');
      try {
        const message = {
          messageId: 'm-digest-1',
          body: JSON.stringify({
            type: 'report',
            job: 'digest',
            public: true,
            channel: 'C0CHARTS01',
            responseUrl: `${slack.url}/respond/z`,
          }),
        };
        expect(await workerHandler(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
        const posts = slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0CHARTS01');
        expect(posts.map((c) => String(c.body.blocks).includes('data_visualization'))).toEqual([true, false]);
        expect(String(posts[1]!.body.text)).toMatch(/^Cloud cost 2026-W\d+/);
        const shared = slack.calls.filter((c) => c.path === '/api/files.completeUploadExternal' && c.body.channel_id === 'C0CHARTS01');
        expect(shared.map((c) => c.body.thread_ts)).toEqual(['1.0001']);
        const image = slack.uploads.find((u) => u.fileId === JSON.parse(String(shared[0]!.body.files))[0].id)!;
        expect(image.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      } finally {
        slack.rejectBlockType(undefined);
      }
    });

    it('reports only the failed message of a batch in batchItemFailures, and lets its retry run', async () => {
      const good = {
        messageId: 'm-good',
        body: JSON.stringify({ type: 'report', job: 'scan', public: true, channel: 'C0DIGEST001', responseUrl: `${slack.url}/respond/y` }),
      };
      const bad = { messageId: 'm-bad', body: '{not json' };
      slack.answer('chat.postMessage', { ok: false, error: 'channel_not_found' });
      const failed = await workerHandler(sqsEvent([bad, good]));
      expect(failed.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-bad', 'm-good']);
      slack.answer('chat.postMessage', { ok: true, channel: 'C0DIGEST001', ts: '2.0001' });
      // SQS retries only what failed; the claims were given back, so the retry runs
      expect(await workerHandler(sqsEvent([good]))).toEqual({ batchItemFailures: [] });
      // the refused post and the retry's post: nothing else went to that channel
      expect(
        slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0DIGEST001').map((c) => String(c.body.text)),
      ).toEqual([expect.stringMatching(/^Idle GPUs and endpoints/), expect.stringMatching(/^Idle GPUs and endpoints/)]);
    });
  });

  describe('the worker resizes', () => {
    it('runs a queued Resize click: a copy of the configuration, a blue/green update, the outcome for the clicker', async () => {
      const ref = {
        kind: 'sagemaker-endpoint',
        endpointName: 'chat-8b',
        variantName: 'AllTraffic',
        endpointConfigName: 'chat-8b-config',
        current: { instanceType: 'ml.g5.12xlarge', count: 1 },
        recommended: { instanceType: 'ml.g5.xlarge', count: 1 },
        monthlySaving: 4148,
        model: { id: 'meta-llama/Llama-3.1-8B-Instruct', from: 'TGI', tensorParallel: 4, contextTokens: 4096 },
      };
      const message = {
        messageId: 'm-resize-1',
        body: JSON.stringify({
          type: 'resize-action',
          action: 'resize',
          user: 'UAPPROVER01',
          ref,
          responseUrl: `${slack.url}/respond/resize`,
        }),
      };
      expect(await workerHandler(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
      expect(aws.mutations.filter((m) => m.action === 'UpdateEndpoint').map((m) => m.body.EndpointConfigName)).toEqual([
        expect.stringMatching(/^chat-8b-config-rs\d{14}$/),
      ]);
      expect(aws.endpoints.find((e) => e.name === 'chat-8b')).toMatchObject({ instanceType: 'ml.g5.xlarge', count: 1 });
      const told = slack.calls.filter((c) => c.path === '/respond/resize').map((c) => String(c.body.text));
      // no message came with the task: the clicker is told each step instead
      expect(told).toEqual([
        ':hourglass_flowing_sand: Resizing to 1 × ml.g5.xlarge… approved by <@UAPPROVER01> (a blue/green update takes minutes)',
        expect.stringMatching(/^:white_check_mark: Resized to 1 × ml\.g5\.xlarge at .* by <@UAPPROVER01> · saves ~\$4,148 a month$/),
      ]);
    });
  });

  describe('the scheduler function', () => {
    it('queues the job named in the schedule input; the worker posts it once even when the schedule fires twice', async () => {
      const before = queue.sent.length;
      expect(await schedulerHandler({ job: 'daily-scan' })).toEqual({ queued: 'daily-scan' });
      expect(await schedulerHandler({ job: 'daily-scan' })).toEqual({ queued: 'daily-scan' });
      const queued = queue.sent.slice(before);
      expect(queued.map((m) => JSON.parse(m.body))).toEqual([
        { type: 'scheduled', job: 'daily-scan' },
        { type: 'scheduled', job: 'daily-scan' },
      ]);
      const result = await workerHandler(sqsEvent(queued.map((m) => ({ messageId: m.messageId, body: m.body }))));
      expect(result).toEqual({ batchItemFailures: [] });
      expect(slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0SCAN00001')).toHaveLength(1);
    });

    it('refuses an input that names no known job, saying which exist', async () => {
      await expect(schedulerHandler({ job: 'hourly-digest' })).rejects.toThrow(
        'unknown job "hourly-digest" in the schedule\'s input; expected one of weekly-digest, daily-scan',
      );
    });
  });
});
