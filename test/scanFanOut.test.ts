// The daily scan on Lambda over several regions: the worker fans it out, one SQS message per
// region, each part read by its own invocation, and the part that completes the run posts the
// report once. State in DynamoDB (dynalite), the queue, Slack and AWS behind loopback fakes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as workerHandler } from '../src/serverless/workerFunction.ts';
import { startDynalite } from './support/dynalite.ts';
import { type FakeAws, startFakeAws } from './support/fakeAws.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { type FakeSqsSsm, type SentMessage, startFakeSqsSsm } from './support/fakeSqsSsm.ts';
import { useLambdaEnvironment } from './support/lambdaEnvironment.ts';
import { sqsEvent } from './support/lambdaEvents.ts';
import { oversizedChat } from './support/servingFleet.ts';

const CHANNEL = 'C0SCAN00001';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const week = (value: number) => Array.from({ length: 168 }, () => value);
const savedEnv = { ...process.env };
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let queue: FakeSqsSsm;
let slack: FakeSlack;
let aws: FakeAws;

beforeAll(async () => {
  dynamo = await startDynalite();
  queue = await startFakeSqsSsm({
    '/burnrate/test/slack-bot-token': 'xoxb-lambda',
    '/burnrate/test/slack-signing-secret': '0123456789abcdef0123456789abcdef',
  });
  slack = await startFakeSlack();
  // every region of the fake serves the same fleet: one idle machine, one idle endpoint, and an 8B
  // model on four A10Gs that one would serve
  aws = await startFakeAws(
    [{ instanceId: 'i-0bbbbbbbbbbbbbbb2', instanceType: 'g5.xlarge', name: 'forgotten', gpus: [week(1)] }],
    [
      { name: 'quiet-model', variant: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, invocations: [], gpu: week(0) },
      oversizedChat('chat-llm'),
    ],
  );
  aws.failRegion('eu-west-1', 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  const config = join(mkdtempSync(join(tmpdir(), 'burnrate-fanout-')), 'burnrate.yaml');
  writeFileSync(config, `digest:\n  regions: [${REGIONS.join(', ')}]\nscan:\n  channel: ${CHANNEL}\n`);
  await useLambdaEnvironment(
    { dynamoUrl: dynamo.url, queueUrl: queue.url, slackApiUrl: slack.apiUrl, awsUrl: aws.url },
    'burnrate-fanout',
    config,
  );
});
afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([dynamo.close(), queue.close(), slack.close(), aws.close()]);
});

const posts = () => slack.calls.filter((c) => c.path === '/api/chat.postMessage' && c.body.channel === CHANNEL);
const deliver = async (messages: { messageId: string; body: string }[]) =>
  expect(await workerHandler(sqsEvent(messages))).toEqual({ batchItemFailures: [] });
let parts: SentMessage[] = [];

describe('the daily scan fanned out over regions', () => {
  it('queues one part per region instead of scanning in one invocation', async () => {
    const before = queue.sent.length;
    await deliver([{ messageId: 'start-1', body: JSON.stringify({ type: 'scheduled', job: 'daily-scan' }) }]);
    parts = queue.sent.slice(before);
    expect(parts.map((m) => JSON.parse(m.body).place.region)).toEqual(REGIONS);
    expect(parts.every((m) => JSON.parse(m.body).total === 3 && JSON.parse(m.body).type === 'scan-part')).toBe(true);
    expect(posts()).toEqual([]);
  });

  it('posts nothing until the last part is in, and a part delivered again changes nothing', async () => {
    await deliver([{ messageId: parts[0]!.messageId, body: parts[0]!.body }]);
    // the same part again, as a second message (a schedule that fired twice queues parts again)
    await deliver([{ messageId: 'again-1', body: parts[0]!.body }]);
    await deliver([{ messageId: parts[2]!.messageId, body: parts[2]!.body }]);
    expect(posts()).toEqual([]);
  });

  it('a second start while the run is under way queues only the parts not done', async () => {
    const before = queue.sent.length;
    await deliver([{ messageId: 'start-2', body: JSON.stringify({ type: 'scheduled', job: 'daily-scan' }) }]);
    expect(queue.sent.slice(before).map((m) => JSON.parse(m.body).place.region)).toEqual(['us-west-2']);
  });

  it('the part that completes the run posts the whole report once, each finding in its region, the failed region in the notes', async () => {
    await deliver([{ messageId: parts[1]!.messageId, body: parts[1]!.body }]);
    expect(posts()).toHaveLength(1);
    const text = JSON.stringify(posts()[0]!.body.blocks);
    expect(String(posts()[0]!.body.text)).toMatch(/^Idle GPUs and endpoints: \$[\d,]+ a month across 4 findings$/);
    for (const region of ['us-east-1', 'us-west-2']) {
      expect(text).toContain(`*forgotten* (${region})`);
      expect(text).toContain(`*quiet-model* (${region})`);
    }
    expect(text).toContain(
      'eu-west-1: EC2 DescribeInstances failed (UnrecognizedClientException (HTTP 400)); left out there: GPU instances',
    );
    expect(text).toContain(
      'eu-west-1: SageMaker ListEndpoints failed (UnrecognizedClientException (HTTP 400)); left out there: Endpoints (SageMaker, Vertex AI)',
    );
    expect(text).not.toContain('security token');
    // each region's part brought its rightsizing too
    expect(text).toContain('*Rightsizing: $8,296 a month to save*');
    for (const region of ['us-east-1', 'us-west-2']) expect(text).toContain(`*chat-llm / AllTraffic* (${region})`);
    // late deliveries and another start after the post change nothing
    await deliver([
      { messageId: 'again-2', body: parts[1]!.body },
      { messageId: 'start-3', body: JSON.stringify({ type: 'scheduled', job: 'daily-scan' }) },
    ]);
    expect(posts()).toHaveLength(1);
  });
});
