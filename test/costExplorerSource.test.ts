// The Cost Explorer source through the real SDK against a loopback Cost Explorer serving the demo
// account's costs: the digest over the wire must equal the digest built from the same data.
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDigest } from '../reports/weeklyDigest/digestJob.ts';
import { buildWeeklyDigest, digestQuery, type WeeklyDigest, weeklyDigest } from '../reports/weeklyDigest/weeklyDigest.ts';
import { addDays, lastFullWeek } from '../src/calc/period.ts';
import { CostExplorerSource } from '../src/clouds/aws/costExplorerSource.ts';
import { type CostData, CostSourceError } from '../src/clouds/costSource.ts';
import { demoAccount } from '../src/clouds/demo/demoAccount.ts';
import { DEFAULT_DIGEST_SETTINGS } from '../src/runtime/finopsJobs.ts';
import { type FakeCostExplorer, startFakeCostExplorer } from './support/fakeCostExplorer.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const period = lastFullWeek(NOW, 'UTC');
const savedEnv = { ...process.env };
let demoData: CostData;
let fake: FakeCostExplorer;
let client: CostExplorerClient;

beforeAll(async () => {
  demoData = await demoAccount.costs(digestQuery(period, 'team'));
  fake = await startFakeCostExplorer({ data: demoData });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_COST_EXPLORER: fake.url,
  });
  client = new CostExplorerClient({ region: 'us-east-1' });
});
afterAll(async () => {
  client.destroy();
  process.env = savedEnv;
  await fake.close();
});

const figures = (d: WeeklyDigest) => ({
  total: d.total,
  previousTotal: d.previousTotal,
  credits: d.credits,
  services: d.services,
  otherServices: d.otherServices,
  groups: d.groups,
  increases: d.increases,
  decreases: d.decreases,
  anomalies: d.anomalies,
  forecast: d.forecast,
  gpu: d.gpu.map((g) => ({ ...g, hours: Math.round(g.hours * 10) / 10 })),
  days: d.days,
});

async function overTheWire(): Promise<WeeklyDigest> {
  fake.requests.length = 0;
  return weeklyDigest(new CostExplorerSource(client, 'UnblendedCost', 'AWS 123456789012'), period, 'team', NOW);
}

describe('the digest job', () => {
  it('reads Cost Explorer when AWS credentials are configured, and says how many requests it made', async () => {
    const plan = await runDigest(DEFAULT_DIGEST_SETTINGS, NOW, process.env);
    expect(plan.summary).toMatch(/^Cloud cost 2026-W47 \(Nov 16–22\): \$[\d,]+/);
    expect(plan.assumptions).toContain('4 Cost Explorer requests ($0.01 each)');
  });

  it('posts "unavailable" with the reason instead of failing when AWS refuses', async () => {
    fake.options.failWith = 'AccessDeniedException';
    try {
      const plan = await runDigest(DEFAULT_DIGEST_SETTINGS, NOW, process.env);
      expect(plan.summary).toMatch(
        /^Cloud cost 2026-W47: AWS Cost Explorer unavailable \(AWS denied GetCostAndUsage: grant the bot's role ce:GetCostAndUsage/,
      );
    } finally {
      delete fake.options.failWith;
      // the requests running beside the one refused still land; let them before the next test counts
      await new Promise((r) => setTimeout(r, 300));
    }
  });
});

describe('Cost Explorer source', () => {
  it('gives the same digest as the data it serves, in four requests', async () => {
    const wire = await overTheWire();
    expect(figures(wire)).toEqual(figures(buildWeeklyDigest(demoData, period, 'team', NOW)));
    expect(wire.demo).toBe(false);
    expect(wire.requests).toBe(4);
    expect(fake.requests).toHaveLength(4);
  });

  it('names the usage type behind each service that moved, still in four requests', async () => {
    const wire = await overTheWire();
    const ec2 = wire.increases.find((m) => m.name === 'Amazon Elastic Compute Cloud - Compute')!;
    expect(ec2.usageType!.name).toBe('USE1-BoxUsage:p4d.24xlarge');
    expect(ec2.usageType!.cost - ec2.usageType!.previous).toBeGreaterThan(0);
    expect(ec2.usageType!.cost - ec2.usageType!.previous).toBeLessThanOrEqual(ec2.cost - ec2.previous);
    expect(wire.decreases.length).toBeGreaterThan(0);
    for (const move of wire.decreases) expect(move.usageType!.cost).toBeLessThan(move.usageType!.previous);
    const byUsageType = fake.requests.find((r) => (r.body.GroupBy as { Key: string }[])[1]!.Key === 'USAGE_TYPE')!;
    expect(byUsageType.body).toMatchObject({
      TimePeriod: { Start: '2026-11-09', End: '2026-11-23' },
      Filter: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } },
      GroupBy: [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
      ],
    });
    expect(wire.requests).toBe(4);
  });

  it('reads GPU instances and credits from one request: EC2 usage by instance type, and credits, refunds and tax', async () => {
    const wire = await overTheWire();
    const records = fake.requests.find((r) => (r.body.GroupBy as { Key: string }[])[0]!.Key === 'RECORD_TYPE')!;
    expect(records.body).toMatchObject({
      TimePeriod: { Start: '2026-11-09', End: '2026-11-23' },
      Metrics: ['UnblendedCost', 'UsageQuantity'],
      Filter: {
        Or: [
          {
            And: [
              { Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } },
              { Dimensions: { Key: 'SERVICE', Values: ['Amazon Elastic Compute Cloud - Compute'] } },
            ],
          },
          { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund', 'Tax'] } },
        ],
      },
      GroupBy: [
        { Type: 'DIMENSION', Key: 'RECORD_TYPE' },
        { Type: 'DIMENSION', Key: 'INSTANCE_TYPE' },
      ],
    });
    // the fake also holds a CPU instance and a SageMaker g5.xlarge: neither is an EC2 GPU instance
    expect(wire.gpu.map((g) => g.name).sort()).toEqual(['g5.12xlarge', 'g5.xlarge', 'g6.xlarge', 'p4d.24xlarge']);
    expect(wire.gpu.find((g) => g.name === 'g5.xlarge')!.cost).toBe(
      buildWeeklyDigest(demoData, period, 'team', NOW).gpu.find((g) => g.name === 'g5.xlarge')!.cost,
    );
    expect(wire.credits).toBe(-250_000_000);
  });

  it('asks for usage by service and tag with credits filtered out, signed for ce in us-east-1', async () => {
    await overTheWire();
    const usage = fake.requests.find((r) => (r.body.GroupBy as { Key: string }[])[0]!.Key === 'SERVICE')!;
    expect(usage.target).toBe('AWSInsightsIndexService.GetCostAndUsage');
    expect(usage.authorization).toMatch(/Credential=AKIDBURNRATETEST\/\d{8}\/us-east-1\/ce\/aws4_request/);
    expect(usage.body).toMatchObject({
      TimePeriod: { Start: '2026-10-19', End: '2026-11-23' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      Filter: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } },
      GroupBy: [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'TAG', Key: 'team' },
      ],
    });
    const forecast = fake.requests.find((r) => r.target === 'AWSInsightsIndexService.GetCostForecast')!;
    expect(forecast.body).toMatchObject({
      TimePeriod: { Start: '2026-11-23', End: '2026-12-01' },
      Metric: 'UNBLENDED_COST',
      Granularity: 'MONTHLY',
    });
  });

  it('follows NextPageToken to the end', async () => {
    fake.options.daysPerPage = 6;
    try {
      const wire = await overTheWire();
      expect(figures(wire)).toEqual(figures(buildWeeklyDigest(demoData, period, 'team', NOW)));
      expect(fake.requests.filter((r) => r.body.NextPageToken).length).toBeGreaterThan(5);
      expect(wire.requests).toBe(fake.requests.length);
    } finally {
      delete fake.options.daysPerPage;
    }
  });

  it('waits out throttling and still answers', async () => {
    fake.options.throttle = 2;
    const wire = await overTheWire();
    expect(wire.total).toBe(buildWeeklyDigest(demoData, period, 'team', NOW).total);
  });

  it('leaves out the forecast with a note when AWS cannot forecast the account', async () => {
    fake.options.forecastError = 'DataUnavailableException';
    try {
      const wire = await overTheWire();
      expect(wire.forecast).toEqual({
        omitted: expect.stringMatching(/^no month-end forecast: Cost Explorer cannot forecast this account yet/),
      });
    } finally {
      delete fake.options.forecastError;
    }
  });

  it('says which setting to fix when no cost carries the tag', async () => {
    const untagged = { ...demoData, usage: demoData.usage.map((u) => ({ ...u, group: '' })) };
    const original = fake.options.data;
    fake.options.data = untagged;
    try {
      const wire = await overTheWire();
      expect(wire.notes).toEqual([expect.stringMatching(/^no cost carries the tag "team": activate it in Billing → Cost allocation tags/)]);
      expect(wire.groups.map((g) => g.name)).toEqual(['(no team)']);
    } finally {
      fake.options.data = original;
    }
  });

  it('forecasts from the first day of a month (the whole month) and on its last day (one day left)', async () => {
    const source = new CostExplorerSource(client);
    const forecastOf = async (today: string) => {
      fake.requests.length = 0;
      await source.costs({ start: addDays(today, -35), end: addDays(today, -1), today, groupBy: 'team' });
      return fake.requests.find((r) => r.target === 'AWSInsightsIndexService.GetCostForecast')!.body.TimePeriod;
    };
    expect(await forecastOf('2026-12-01')).toEqual({ Start: '2026-12-01', End: '2027-01-01' });
    expect(await forecastOf('2026-11-30')).toEqual({ Start: '2026-11-30', End: '2026-12-01' });
    expect(await forecastOf('2028-02-29')).toEqual({ Start: '2028-02-29', End: '2028-03-01' });
  });

  it('names the IAM action when access is denied', async () => {
    fake.options.failWith = 'AccessDeniedException';
    try {
      await expect(overTheWire()).rejects.toThrow(CostSourceError);
      await expect(overTheWire()).rejects.toThrow(/grant the bot's role ce:GetCostAndUsage/);
    } finally {
      delete fake.options.failWith;
    }
  });
});
