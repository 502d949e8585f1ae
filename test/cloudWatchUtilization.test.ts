// GPU utilization through the real EC2 and CloudWatch clients against loopback fakes.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDigest } from '../reports/weeklyDigest/digestJob.ts';
import { digestQuery, priceEndpoints, priceUtilization } from '../reports/weeklyDigest/weeklyDigest.ts';
import { lastFullWeek } from '../src/calc/period.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import {
  CloudWatchUtilization,
  gpuUtilizationExpression,
  metricValues,
  QUERIES_PER_REQUEST,
} from '../src/clouds/aws/cloudWatchUtilization.ts';
import { DESCRIBE_CONCURRENCY } from '../src/clouds/aws/sageMakerResources.ts';
import { toMicro } from '../src/clouds/costSource.ts';
import { demoAccount } from '../src/clouds/demo/demoAccount.ts';
import { demoUtilization } from '../src/clouds/demo/demoUtilization.ts';
import { DEFAULT_DIGEST_SETTINGS } from '../src/runtime/finopsJobs.ts';
import { type FakeAws, type FakeEndpoint, type FakeInstance, startFakeAws } from './support/fakeAws.ts';
import { type FakeCostExplorer, startFakeCostExplorer } from './support/fakeCostExplorer.ts';

const hours = (n: number, value: (h: number) => number) => Array.from({ length: n }, (_, h) => value(h));
const INSTANCES: FakeInstance[] = [
  // two GPUs: the busier one counts each hour
  {
    instanceId: 'i-0aaaaaaaaaaaaaaa1',
    instanceType: 'p4d.24xlarge',
    name: 'train-a',
    gpus: [hours(10, () => 80), hours(10, (h) => (h < 5 ? 100 : 20))],
  },
  { instanceId: 'i-0bbbbbbbbbbbbbbb2', instanceType: 'g5.xlarge', name: 'notebook', gpus: [hours(4, () => 2)] },
  { instanceId: 'i-0ccccccccccccccc3', instanceType: 'g6.xlarge', gpus: [] },
];
const ENDPOINTS: FakeEndpoint[] = [
  { name: 'churn-model-prod', variant: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, invocations: [], gpu: hours(6, () => 0) },
  // GPUUtilization sums the GPUs of an instance: 4 GPUs at 50% read 200
  {
    name: 'ranker',
    variant: 'blue',
    instanceType: 'ml.g5.12xlarge',
    count: 2,
    invocations: hours(10, () => 1000),
    gpu: hours(10, () => 200),
  },
];
const savedEnv = { ...process.env };
let fake: FakeAws;
let costExplorer: FakeCostExplorer;

beforeAll(async () => {
  fake = await startFakeAws(INSTANCES, ENDPOINTS);
  const NOW = new Date('2026-11-23T08:00:00Z');
  costExplorer = await startFakeCostExplorer({ data: await demoAccount.costs(digestQuery(lastFullWeek(NOW, 'UTC'), 'team')) });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_EC2: fake.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: fake.url,
    AWS_ENDPOINT_URL_SAGEMAKER: fake.url,
    AWS_ENDPOINT_URL_COST_EXPLORER: costExplorer.url,
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await fake.close();
  await costExplorer.close();
});

const source = () =>
  new CloudWatchUtilization(
    new EC2Client({ region: 'us-east-1' }),
    new CloudWatchClient({ region: 'us-east-1' }),
    new SageMakerClient({ region: 'us-east-1' }),
    (type) => (type === 'ml.g5.12xlarge' ? 4 : 1),
  );

describe('CloudWatch GPU utilization', () => {
  it("finds GPU instances on every page and takes each hour's busiest GPU", async () => {
    const usage = await source().gpuInstances('2026-11-16', '2026-11-23');
    expect(usage.map((u) => u.instanceId)).toEqual(INSTANCES.map((i) => i.instanceId));
    expect(usage[0]).toMatchObject({
      name: 'train-a',
      instanceType: 'p4d.24xlarge',
      hours: 10,
      averagePercent: (5 * 100 + 5 * 80) / 10,
      maximumPercent: 100,
    });
    expect(usage[1]).toMatchObject({ hours: 4, averagePercent: 2, maximumPercent: 2 });
    expect(usage[2]).toMatchObject({ hours: 0, averagePercent: null, maximumPercent: null });
    expect(fake.ec2Requests.filter((r) => r.Action === 'DescribeInstances')).toHaveLength(2);
  });

  it("asks EC2 for GPU and accelerator families only, and CloudWatch for the agent's GPU metric, hourly, every page", async () => {
    fake.ec2Requests.length = 0;
    fake.metricRequests.length = 0;
    await source().gpuInstances('2026-11-16', '2026-11-23');
    const describe = fake.ec2Requests[0]!;
    expect(describe.Action).toBe('DescribeInstances');
    expect([
      describe['Filter.1.Name'],
      describe['Filter.1.Value.1'],
      describe['Filter.1.Value.2'],
      describe['Filter.1.Value.3'],
      describe['Filter.1.Value.4'],
    ]).toEqual(['instance-type', 'p*', 'g*', 'inf*', 'trn*']);
    const [first, second] = fake.metricRequests;
    expect(first!.target).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(first!.queries[0]).toMatchObject({ Expression: gpuUtilizationExpression('i-0aaaaaaaaaaaaaaa1'), Period: 3600 });
    expect(second!.nextToken).toBe('second-half');
  });

  it("finds the agent's GPU series whatever dimensions a team appends, where a metric schema would find none", async () => {
    const tagged = await startFakeAws([
      {
        instanceId: 'i-0ddddddddddddddd4',
        instanceType: 'g5.2xlarge',
        gpus: [hours(3, () => 7)],
        appendedDimensions: { AutoScalingGroupName: 'gpu-pool' },
      },
    ]);
    try {
      const cloudwatch = new CloudWatchClient({
        region: 'us-east-1',
        endpoint: tagged.url,
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      });
      const ec2 = new EC2Client({
        region: 'us-east-1',
        endpoint: tagged.url,
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      });
      const [usage] = await new CloudWatchUtilization(
        ec2,
        cloudwatch,
        new SageMakerClient({ region: 'us-east-1', endpoint: tagged.url }),
      ).gpuInstances('2026-11-16', '2026-11-23');
      expect(usage).toMatchObject({ hours: 3, maximumPercent: 7 });
      // as CloudWatch documents a schema: the exact set of dimension names, so "{CWAgent}" alone matches no GPU series
      const bySchema = async (schema: string) =>
        (
          await metricValues(
            cloudwatch,
            [
              {
                Id: 'q',
                Period: 3600,
                ReturnData: true,
                Expression: `MAX(SEARCH('{${schema}} MetricName="nvidia_smi_utilization_gpu" InstanceId="i-0ddddddddddddddd4"', 'Average', 3600))`,
              },
            ],
            '2026-11-16',
            '2026-11-23',
          )
        ).get('q') ?? [];
      expect(await bySchema('CWAgent')).toEqual([]);
      expect(await bySchema('CWAgent,InstanceId,arch,index,name')).toEqual([]);
      expect(await bySchema('CWAgent,AutoScalingGroupName,InstanceId,arch,index,name')).toEqual([7, 7, 7]);
    } finally {
      await tagged.close();
    }
  });

  it('prices the hours and the idle share from the catalog', () => {
    const [line] = priceUtilization(
      [{ instanceId: 'i-1', instanceType: 'g5.xlarge', hours: 100, averagePercent: 10, maximumPercent: 50 }],
      bundledCatalogs().prices,
    );
    expect(line).toMatchObject({ cost: toMicro(101), idleCost: toMicro(90.9) });
  });

  it('asks CloudWatch in batches of at most 500 queries', async () => {
    const many = Array.from({ length: QUERIES_PER_REQUEST + 3 }, (_, i) => ({
      instanceId: `i-${String(i).padStart(17, '0')}`,
      instanceType: 'g5.xlarge',
      gpus: [],
    }));
    const big = await startFakeAws(many);
    process.env.AWS_ENDPOINT_URL_EC2 = big.url;
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = big.url;
    try {
      const usage = await source().gpuInstances('2026-11-16', '2026-11-23');
      expect(usage).toHaveLength(503);
      // each machine's busiest GPU and the memory it held: two queries a machine, 500 a request
      const gpuFirstPages = big.metricRequests.filter((r) => !r.nextToken && r.queries[0]!.Expression);
      expect(gpuFirstPages.map((r) => r.queries.length)).toEqual([500, 500, 6]);
      // none of them has GPU metrics: CPU maximum, NetworkIn and NetworkOut for each, 500 a request
      const cpuFirstPages = big.metricRequests.filter((r) => !r.nextToken && r.queries[0]!.MetricStat);
      expect(cpuFirstPages.map((r) => r.queries.length)).toEqual([500, 500, 500, 9]);
    } finally {
      process.env.AWS_ENDPOINT_URL_EC2 = fake.url;
      process.env.AWS_ENDPOINT_URL_CLOUDWATCH = fake.url;
      await big.close();
    }
  });
});

describe('SageMaker endpoints', () => {
  it("lists every in-service endpoint's variants with their invocations and per-GPU utilization", async () => {
    const usage = await source().endpoints('2026-11-16', '2026-11-23');
    expect(usage).toEqual([
      {
        endpointName: 'churn-model-prod',
        variantName: 'AllTraffic',
        instanceType: 'ml.g5.xlarge',
        instanceCount: 1,
        tags: {},
        invocations: 0,
        gpuAveragePercent: 0,
      },
      {
        endpointName: 'ranker',
        variantName: 'blue',
        instanceType: 'ml.g5.12xlarge',
        instanceCount: 2,
        invocations: 10_000,
        gpuAveragePercent: 50,
      },
    ]);
    expect(fake.sageMakerTargets.filter((t) => t === 'SageMaker.ListEndpoints')).toHaveLength(2);
    // tags are read only where a variant served no calls
    expect(fake.sageMakerTargets.filter((t) => t === 'SageMaker.ListTags')).toHaveLength(1);
  });

  it('describes at most 10 endpoints at once, however many there are', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      name: `model-${i}`,
      variant: 'AllTraffic',
      instanceType: 'ml.g5.xlarge',
      count: 1,
      invocations: [],
      gpu: [],
    }));
    const slow = await startFakeAws([], many, { delayMs: 20 });
    process.env.AWS_ENDPOINT_URL_SAGEMAKER = slow.url;
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = slow.url;
    try {
      expect(await source().endpoints('2026-11-16', '2026-11-23')).toHaveLength(40);
      expect(slow.maxSageMakerInFlight).toBeLessThanOrEqual(DESCRIBE_CONCURRENCY);
      expect(slow.maxSageMakerInFlight).toBeGreaterThan(1);
    } finally {
      process.env.AWS_ENDPOINT_URL_SAGEMAKER = fake.url;
      process.env.AWS_ENDPOINT_URL_CLOUDWATCH = fake.url;
      await slow.close();
    }
  });

  it('prices a variant for the week and per 1,000 invocations', () => {
    const [idle, busy] = priceEndpoints(
      [
        { endpointName: 'a', variantName: 'v', instanceType: 'ml.g5.xlarge', instanceCount: 1, invocations: 0, gpuAveragePercent: 0 },
        {
          endpointName: 'b',
          variantName: 'v',
          instanceType: 'ml.g5.2xlarge',
          instanceCount: 2,
          invocations: 100_000,
          gpuAveragePercent: 40,
        },
      ],
      bundledCatalogs().prices,
    );
    expect(idle).toMatchObject({ cost: toMicro(1.408 * 168), perThousandInvocations: null });
    expect(busy).toMatchObject({ cost: toMicro(1.515 * 2 * 168), perThousandInvocations: Math.round(toMicro(1.515 * 2 * 168) / 100) });
  });
});

describe('utilization in the digest', () => {
  it('shows GPU time used and idle GPU spend from CloudWatch with AWS credentials and a region', async () => {
    const plan = await runDigest(DEFAULT_DIGEST_SETTINGS, new Date('2026-11-23T08:00:00Z'), process.env);
    // (10 h × 90% + 4 h × 2%) ÷ 14 h = 64.9%
    expect(plan.rows.find(([k]) => k === 'GPU time used')![1]).toBe('65% of 14 instance-hours with GPU metrics');
    expect(plan.tables.find((t) => /busiest GPU/.test(t.title))!.rows.map((r) => r[0])).toEqual([
      'train-a',
      'notebook',
      'i-0ccccccccccccccc3',
    ]);
    expect(plan.assumptions.join('\n')).toMatch(/"no metrics": the instance reports no nvidia_smi_utilization_gpu/);
    const endpoints = plan.tables.find((t) => /SageMaker endpoints/.test(t.title))!;
    expect(endpoints.rows[0]!.slice(0, 3)).toEqual(['churn-model-prod / AllTraffic', '1 × ml.g5.xlarge', '0']);
    expect(plan.assumptions.join('\n')).toMatch(/1 endpoint variant had no invocations all week \(churn-model-prod\)/);
  });

  it('says to set AWS_REGION when it is missing', async () => {
    const { AWS_REGION: _, ...withoutRegion } = process.env;
    const plan = await runDigest(DEFAULT_DIGEST_SETTINGS, new Date('2026-11-23T08:00:00Z'), withoutRegion);
    expect(plan.assumptions).toContain('GPU utilization not read: set digest.regions (or AWS_REGION) to the regions of your GPU instances');
  });

  it('reads every region in digest.regions and labels the rows with it', async () => {
    fake.ec2Requests.length = 0;
    const plan = await runDigest(
      { ...DEFAULT_DIGEST_SETTINGS, regions: ['us-east-1', 'eu-west-1'] },
      new Date('2026-11-23T08:00:00Z'),
      process.env,
    );
    const names = plan.tables.find((t) => /busiest GPU/.test(t.title))!.rows.map((r) => r[0]);
    expect(names).toContain('train-a (us-east-1)');
    expect(names).toContain('train-a (eu-west-1)');
    expect(fake.ec2Requests.filter((r) => r.Action === 'DescribeInstances')).toHaveLength(4);
  });

  it('reads other accounts through their roles and labels the rows with account and region', async () => {
    const role = 'arn:aws:iam::111111111111:role/burnrate-read';
    process.env.AWS_ENDPOINT_URL_STS = fake.url;
    const plan = await runDigest(
      { ...DEFAULT_DIGEST_SETTINGS, regions: ['us-east-1'], accounts: [{ name: 'prod', role_arn: role }] },
      new Date('2026-11-23T08:00:00Z'),
      process.env,
    );
    const names = plan.tables.find((t) => /busiest GPU/.test(t.title))!.rows.map((r) => r[0]);
    expect(names).toContain('train-a (prod/us-east-1)');
    expect(fake.assumedRoles).toContain(role);
  });

  it('the demo fleet has an idle notebook machine and one without metrics', async () => {
    const fleet = await demoUtilization.gpuInstances('2026-11-16', '2026-11-23');
    expect(fleet.some((u) => (u.averagePercent ?? 100) < 5)).toBe(true);
    expect(fleet.some((u) => u.averagePercent === null)).toBe(true);
  });
});
