// The worker function as Lambda runs it (the bundle, in a package laid out as deployed) reading GCP:
// the Google clients over REST from the bundle's own chunks, credentials from
// GOOGLE_APPLICATION_CREDENTIALS, against the loopback Compute Engine and Cloud Monitoring.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite } from './support/dynalite.ts';
import { type FakeAws, startFakeAws } from './support/fakeAws.ts';
import { type FakeGcp, startFakeGcp } from './support/fakeGcp.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { type FakeSqsSsm, startFakeSqsSsm } from './support/fakeSqsSsm.ts';
import { useLambdaEnvironment } from './support/lambdaEnvironment.ts';
import { sqsEvent } from './support/lambdaEvents.ts';
import { bundledLambdas, type LambdaPackage } from './support/lambdaPackage.ts';

const PROJECT = 'ml-prod-123456';
const savedEnv = { ...process.env };
let worker: (event: SQSEvent) => Promise<SQSBatchResponse>;
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let queue: FakeSqsSsm;
let slack: FakeSlack;
let aws: FakeAws;
let gcp: FakeGcp;
let lambdaPackage: LambdaPackage;

beforeAll(async () => {
  lambdaPackage = await bundledLambdas();
  worker = (await lambdaPackage.handler('worker')) as typeof worker;
  dynamo = await startDynalite();
  queue = await startFakeSqsSsm({
    '/burnrate/test/slack-bot-token': 'xoxb-lambda',
    '/burnrate/test/slack-signing-secret': '0123456789abcdef0123456789abcdef',
  });
  slack = await startFakeSlack();
  aws = await startFakeAws([], []);
  gcp = await startFakeGcp({});
  gcp.vms.push({
    project: PROJECT,
    zone: 'us-central1-a',
    name: 'forgotten-l4',
    id: '3001',
    machineType: 'g2-standard-4',
    status: 'RUNNING',
    gpus: { type: 'nvidia-l4', count: 1 },
    gpuHourly: [Array.from({ length: 168 }, () => 1)],
  });
  const config = join(mkdtempSync(join(tmpdir(), 'burnrate-lambda-gcp-')), 'burnrate.yaml');
  writeFileSync(config, `digest:\n  gcp_projects: [${PROJECT}]\n`);
  await useLambdaEnvironment(
    { dynamoUrl: dynamo.url, queueUrl: queue.url, slackApiUrl: slack.apiUrl, awsUrl: aws.url },
    'burnrate-gcp',
    config,
  );
  Object.assign(process.env, gcp.env());
}, 120_000);
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([dynamo.close(), queue.close(), slack.close(), aws.close(), gcp.close()]);
  lambdaPackage.remove();
});

describe('the bundled worker on GCP', () => {
  it('scans the configured project and posts its idle GPU VM', async () => {
    const message = {
      messageId: 'm-gcp-1',
      body: JSON.stringify({ type: 'report', job: 'scan', public: true, channel: 'C0GCPSCAN1', responseUrl: `${slack.url}/respond/g` }),
    };
    expect(await worker(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
    const [post] = slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C0GCPSCAN1');
    expect(String(post!.body.text)).toMatch(/^Idle GPUs and endpoints: \$[\d,.]+ a month across 1 finding$/);
    expect(String(post!.body.blocks)).toContain('forgotten-l4');
    expect(gcp.requests.some((r) => r.includes('/aggregated/instances'))).toBe(true);
  });
});
