// The idle scan: what counts as idle, the waste on each finding, the report, and the scan over the
// real EC2, CloudWatch and SageMaker clients against loopback fakes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idleFindings } from '../reports/idleScan/idleFindings.ts';
import { runScan, scanAsPlan } from '../reports/idleScan/scanJob.ts';
import { findingRef } from '../src/actions/findingRef.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import { gpuUtilizationExpression, neuronCoreUtilizationExpression } from '../src/clouds/aws/cloudWatchUtilization.ts';
import { DemoStopper } from '../src/clouds/demo/demoStopper.ts';
import { DemoControlPlane, demoSource } from '../src/clouds/demo/demoUtilization.ts';
import { ActionRefused, type CloudCall } from '../src/clouds/stopper.ts';
import type { EndpointUsage, GpuInstanceUsage, StudioAppUsage } from '../src/clouds/utilization.ts';
import { money } from '../src/present/format.ts';
import { scanCli } from '../src/runtime/reportCli.ts';
import { scanMessage } from '../src/slack/findingBlocks.ts';
import { type FakeAws, startFakeAws } from './support/fakeAws.ts';

const prices = bundledCatalogs().prices;
const NOW = new Date('2026-11-23T08:00:00Z');
const instance = (over: Partial<GpuInstanceUsage>): GpuInstanceUsage => ({
  instanceId: 'i-1',
  instanceType: 'g5.12xlarge',
  hours: 168,
  averagePercent: 1,
  maximumPercent: 3,
  ...over,
});
const variant = (over: Partial<EndpointUsage>): EndpointUsage => ({
  endpointName: 'e',
  variantName: 'v',
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  invocations: 0,
  gpuAveragePercent: 0,
  ...over,
});

describe('what is idle', () => {
  it('an EC2 GPU machine whose busiest GPU stayed under 5% all week, priced a month at the catalog rate', () => {
    const [finding] = idleFindings({ instances: [instance({ name: 'notebook' })], endpoints: [] }, prices).findings;
    expect(finding).toMatchObject({ kind: 'ec2-gpu-instance', name: 'notebook', confidence: 'high', monthlyWaste: 5.67 * 730 });
    expect(finding!.evidence).toMatch(/peak 3\.0%, average 1\.0% across 168 hourly datapoints/);
    expect(finding!.stopEffect).toBe(
      'stops the instance: EBS volumes, its ID and private IP are kept; it has no instance store, so no local data is lost; a GPU type may lack capacity when it is started again',
    );
  });

  it('not a machine whose busiest GPU reached the threshold once, nor one without GPU metrics', () => {
    expect(
      idleFindings(
        { instances: [instance({ maximumPercent: 5 }), instance({ maximumPercent: null, averagePercent: null })], endpoints: [] },
        prices,
      ).findings,
    ).toEqual([]);
  });

  it('without GPU metrics, judges on CPU under 10% and network under 5 MB a day, with low confidence', () => {
    const blind = (over: Partial<GpuInstanceUsage>) =>
      instance({ averagePercent: null, maximumPercent: null, cpuMaximumPercent: 3, networkBytesPerDay: 1e6, ...over });
    const [finding] = idleFindings({ instances: [blind({ name: 'quiet' })], endpoints: [] }, prices).findings;
    expect(finding).toMatchObject({ name: 'quiet', confidence: 'low' });
    expect(finding!.evidence).toBe('no GPU metrics, so judged on CPU and network over 7 days: CPU peak 3.0%, network 1.00 MB a day');
    expect(
      idleFindings({ instances: [blind({ cpuMaximumPercent: 30 }), blind({ networkBytesPerDay: 2e7 })], endpoints: [] }, prices).findings,
    ).toEqual([]);
  });

  it('fewer hours of data than the window lowers the confidence', () => {
    expect(idleFindings({ instances: [instance({ hours: 40 })], endpoints: [] }, prices).findings[0]!.confidence).toBe('medium');
  });

  it('an endpoint with no calls on any variant (high), or one idle variant beside busy ones (medium)', () => {
    const whole = idleFindings({ instances: [], endpoints: [variant({ endpointName: 'churn' })] }, prices).findings;
    expect(whole[0]).toMatchObject({ kind: 'sagemaker-endpoint', id: 'churn/v', confidence: 'high', monthlyWaste: 1.408 * 730 });
    const partly = idleFindings(
      { instances: [], endpoints: [variant({ variantName: 'green' }), variant({ variantName: 'blue', invocations: 5000 })] },
      prices,
    ).findings;
    expect(partly).toHaveLength(1);
    expect(partly[0]).toMatchObject({ id: 'e/green', confidence: 'medium' });
    expect(partly[0]!.evidence).toMatch(/other variants served 5,000 calls/);
  });

  it('leaves out what carries the keep tag or is on the allowlist, and counts it', () => {
    const usage = {
      instances: [
        instance({ instanceId: 'i-keep', tags: { 'burnrate:keep': 'true' } }),
        instance({ instanceId: 'i-listed', name: 'shared-box' }),
        instance({ instanceId: 'i-idle' }),
      ],
      endpoints: [variant({ endpointName: 'kept-endpoint', tags: { owner: 'ml', 'burnrate:keep': 'true' } })],
    };
    const result = idleFindings(usage, prices, undefined, { keepTag: { key: 'burnrate:keep', value: 'true' }, allow: ['shared-box'] });
    expect(result.findings.map((f) => f.id)).toEqual(['i-idle']);
    expect([...result.excluded].sort()).toEqual(['i-keep', 'kept-endpoint', 'shared-box']);
    const plan = scanAsPlan(result, [], { start: '2026-11-16', end: '2026-11-23' }, false);
    expect(plan.assumptions).toContain('3 idle resources excluded by the keep tag or scan.allow: kept-endpoint, i-keep, shared-box');
  });

  it('a notebook instance in service a day or more since it was last started, with low confidence and why', () => {
    const notebook = (name: string, lastModified: string, tags?: Record<string, string>) => ({
      notebookName: name,
      instanceType: 'ml.g5.xlarge',
      lastModified,
      ...(tags ? { tags } : {}),
    });
    const result = idleFindings(
      {
        instances: [],
        endpoints: [],
        notebooks: [
          notebook('old', '2026-11-20T06:30:00.000Z'),
          notebook('fresh', '2026-11-22T20:00:00.000Z'),
          notebook('kept', '2026-11-01T00:00:00.000Z', { 'burnrate:keep': 'true' }),
        ],
      },
      prices,
      undefined,
      undefined,
      NOW,
    );
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ kind: 'sagemaker-notebook', id: 'old', confidence: 'low', monthlyWaste: 1.408 * 730 });
    expect(result.findings[0]!.evidence).toBe(
      'in service for 3 days 1 h since it was last started or changed (2026-11-20 06:30 UTC); SageMaker records no user activity for notebook instances, so this is the best signal there is',
    );
    expect(result.findings[0]!.stopEffect).toMatch(
      /^stops the notebook instance: its ML storage volume \(\/home\/ec2-user\/SageMaker\) is kept/,
    );
    expect(result.excluded).toEqual(['kept']);
  });

  it('a Studio app without user activity for 8 hours: high confidence on real activity, low where only health checks moved it', () => {
    const app = (appName: string, over: Partial<StudioAppUsage>): StudioAppUsage => ({
      domainId: 'd-1',
      owner: { space: 'ml-team' },
      appType: 'JupyterLab',
      appName,
      instanceType: 'ml.g5.xlarge',
      createdAt: '2026-11-01T00:00:00.000Z',
      resourceSpec: {},
      ...over,
    });
    const { findings } = idleFindings(
      {
        instances: [],
        endpoints: [],
        studioApps: [
          app('left-open', { lastUserActivity: '2026-11-22T20:00:00.000Z' }),
          app('in-use', { lastUserActivity: '2026-11-23T07:00:00.000Z' }),
          app('checks-only', { owner: { userProfile: 'ada' } }),
        ],
      },
      prices,
      undefined,
      undefined,
      NOW,
    );
    expect(findings.map((f) => [f.id, f.name, f.confidence])).toEqual([
      ['d-1/space:ml-team/JupyterLab/left-open', 'JupyterLab left-open (space ml-team)', 'high'],
      ['d-1/user:ada/JupyterLab/checks-only', 'JupyterLab checks-only (user ada)', 'low'],
    ]);
    expect(findings[0]!.evidence).toBe(
      'no user activity for 0 days 12 h (last at 2026-11-22 20:00 UTC, DescribeApp LastUserActivityTimestamp)',
    );
    expect(findings[1]!.evidence).toBe(
      'in service for 22 days 8 h since 2026-11-01 00:00 UTC; SageMaker recorded no user activity apart from its health checks',
    );
  });

  it('says when the catalog cannot price a type', () => {
    expect(
      idleFindings({ instances: [instance({ instanceType: 'g4ad.xlarge' })], endpoints: [] }, prices).findings[0]!.monthlyWaste,
    ).toBeNull();
  });
});

describe('the report', () => {
  it('leads with the total monthly waste and groups kinds by what they waste', () => {
    const plan = scanAsPlan(
      idleFindings({ instances: [instance({})], endpoints: [variant({})] }, prices),
      [],
      { start: '2026-11-16', end: '2026-11-23' },
      false,
    );
    expect(plan.summary).toBe(
      `Idle GPUs and endpoints: $${Math.round(5.67 * 730 + 1.408 * 730).toLocaleString('en-US')} a month across 2 findings`,
    );
    expect(plan.tables.map((t) => t.title.split(':')[0])).toEqual(['EC2 GPU instances', 'SageMaker endpoints']);
  });

  it('the demo account has an idle endpoint, an idle notebook machine and a forgotten notebook instance', async () => {
    const { plan, findings } = await runScan({}, NOW, {});
    expect(plan.summary).toBe(
      `[demo data] Idle GPUs and endpoints: ${money(5.67 * 730 + 1.408 * 730 + 1.408 * 730)} a month across 3 findings`,
    );
    expect(findings.map((f) => f.kind).sort()).toEqual(['ec2-gpu-instance', 'sagemaker-endpoint', 'sagemaker-notebook']);
  });
});

describe("the demo account's control plane", () => {
  it('Stop takes a resource out of what the demo account lists, Restore brings it back, and neither acts twice', async () => {
    const plane = new DemoControlPlane();
    const source = demoSource(plane);
    const { findings } = idleFindings(
      { instances: await source.gpuInstances('', ''), endpoints: await source.endpoints('', ''), notebooks: await source.notebooks() },
      prices,
    );
    const stopper = new DemoStopper(plane);
    const calls: CloudCall[] = [];
    for (const finding of findings) await stopper.stop(findingRef(finding), calls);
    expect(calls.map((c) => `${c.call} ${c.before}→${c.after}`)).toEqual(
      expect.arrayContaining([
        'demo:StopInstances running→stopping',
        'demo:DeleteEndpoint InService→Deleting',
        'demo:StopNotebookInstance InService→Stopping',
      ]),
    );
    expect(calls.every((c) => /^demo-[0-9a-f-]{36}$/.test(c.requestId))).toBe(true);
    expect((await source.endpoints('', '')).map((e) => e.endpointName)).toEqual(['recsys-ranker']);
    expect((await source.notebooks()).map((n) => n.notebookName)).toEqual([]);
    expect((await source.gpuInstances('', '')).map((i) => i.name)).not.toContain('notebook-gpu-shared');
    const endpoint = findingRef(findings.find((f) => f.kind === 'sagemaker-endpoint')!);
    await expect(stopper.stop(endpoint, [])).rejects.toThrow(new ActionRefused('it is stopped already'));
    await stopper.restore(endpoint, undefined, calls);
    expect(calls.at(-1)).toMatchObject({ call: 'demo:CreateEndpoint', before: 'none', after: 'InService' });
    expect((await source.endpoints('', '', ['churn-model-prod'])).map((e) => e.endpointName)).toEqual(['churn-model-prod']);
    await expect(stopper.restore(endpoint, undefined, [])).rejects.toThrow(new ActionRefused('it is running already'));
  });
});

describe('the report in Slack', () => {
  it('groups findings by kind with their buttons, shows at most 18, and counts the rest with the command that lists them', () => {
    const instances = Array.from({ length: 20 }, (_, k) =>
      instance({ instanceId: `i-${k}`, name: `box-${k}`, instanceType: k % 2 ? 'g5.xlarge' : 'p4d.24xlarge' }),
    );
    const endpoints = Array.from({ length: 5 }, (_, k) => variant({ endpointName: `model-${k}` }));
    const result = idleFindings({ instances, endpoints }, prices);
    const plan = scanAsPlan(result, [], { start: '2026-11-16', end: '2026-11-23' }, false);
    const message = scanMessage({ plan, findings: result.findings, rightsizing: [] }, () => true);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.blocks.filter((b) => b.type === 'actions')).toHaveLength(18);
    const titles = message.blocks.flatMap((b) =>
      b.type === 'section' && /^\*(EC2|SageMaker)[^*]*a month\*$/.test(b.text?.text ?? '') ? [b.text!.text] : [],
    );
    // the 20 machines waste more than the 5 endpoints: their kind comes first, under one title, and fills the 18
    const ec2Waste = result.findings.filter((f) => f.kind === 'ec2-gpu-instance').reduce((s, f) => s + f.monthlyWaste!, 0);
    expect(titles).toEqual([`*EC2 GPU instances: ${money(ec2Waste)} a month*`]);
    const overflow = message.blocks.find((b) => b.type === 'context' && /more findings/.test(b.elements[0]!.text));
    const restWaste =
      result.findings
        .filter((f) => f.kind === 'ec2-gpu-instance')
        .slice(18)
        .reduce((s, f) => s + f.monthlyWaste!, 0) +
      5 * 1.408 * 730;
    expect(overflow?.type === 'context' && overflow.elements[0]!.text).toBe(
      `…and 7 more findings (${money(restWaste)} a month). \`npx burnrate scan --dry-run\` lists them all.`,
    );
  });

  it('offers no Stop on a partly idle endpoint, and only the actions approvals.actions enables', () => {
    const result = idleFindings(
      { instances: [instance({})], endpoints: [variant({ variantName: 'green' }), variant({ variantName: 'blue', invocations: 9 })] },
      prices,
    );
    const plan = scanAsPlan(result, [], { start: '2026-11-16', end: '2026-11-23' }, false);
    const message = scanMessage(
      { plan, findings: result.findings, rightsizing: [] },
      (ref, action) => ref.kind !== 'ec2-gpu-instance' || action !== 'stop',
    );
    const actions = message.blocks.flatMap((b) => (b.type === 'actions' ? [b.elements.map((e) => e.action_id)] : []));
    expect(actions).toEqual([
      ['idle_snooze', 'idle_keep'],
      ['idle_snooze', 'idle_keep'],
    ]);
    expect(JSON.stringify(message.blocks)).toContain("the endpoint's other variants still serve, so burnrate offers no Stop");
  });
});

/** A loopback AWS for the describe block, with the SDK's clients pointed at it. */
function withFakeAws(start: () => Promise<FakeAws>): () => FakeAws {
  const savedEnv = { ...process.env };
  let fake: FakeAws;
  beforeAll(async () => {
    fake = await start();
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_EC2: fake.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: fake.url,
      AWS_ENDPOINT_URL_SAGEMAKER: fake.url,
    });
  });
  afterAll(async () => {
    process.env = savedEnv;
    await fake.close();
  });
  return () => fake;
}

describe('the scan over AWS', () => {
  const hours = (n: number, value: number) => Array.from({ length: n }, () => value);
  const fake = withFakeAws(() =>
    startFakeAws(
      [
        { instanceId: 'i-0aaaaaaaaaaaaaaa1', instanceType: 'p4d.24xlarge', name: 'busy', gpus: [hours(168, 2), hours(168, 90)] },
        { instanceId: 'i-0bbbbbbbbbbbbbbb2', instanceType: 'g5.xlarge', name: 'forgotten', gpus: [hours(168, 1)] },
        {
          instanceId: 'i-0ccccccccccccccc3',
          instanceType: 'g5.xlarge',
          name: 'kept-on-purpose',
          tags: { 'burnrate:keep': 'true' },
          gpus: [hours(168, 0)],
        },
        // no CloudWatch agent: 2% CPU and 1 KB an hour of traffic
        {
          instanceId: 'i-0ddddddddddddddd4',
          instanceType: 'g6.xlarge',
          name: 'agentless',
          gpus: [],
          cpu: hours(168, 2),
          networkIn: hours(168, 1000),
        },
      ],
      [
        { name: 'old-model', variant: 'AllTraffic', instanceType: 'ml.g5.2xlarge', count: 2, invocations: [], gpu: hours(168, 0) },
        {
          name: 'live-model',
          variant: 'AllTraffic',
          instanceType: 'ml.g5.xlarge',
          count: 1,
          invocations: hours(168, 30),
          gpu: hours(168, 20),
        },
        {
          name: 'standby-model',
          variant: 'AllTraffic',
          instanceType: 'ml.g5.xlarge',
          count: 1,
          invocations: [],
          gpu: hours(168, 0),
          tags: { 'burnrate:keep': 'true' },
        },
      ],
    ),
  );

  it('finds the forgotten machine (its busiest GPU, not the average of two) and the endpoint nobody calls', async () => {
    const { plan } = await runScan({ regions: ['us-east-1'] }, NOW, process.env);
    const found = plan.tables.flatMap((t) => t.rows.map((r) => r[0]));
    expect(found.sort()).toEqual(['agentless', 'forgotten', 'old-model']);
    expect(plan.figures.monthlyWaste!.value).toBeCloseTo(1.01 * 730 + 1.515 * 2 * 730 + 0.8 * 730, 6);
    const agentless = plan.tables.flatMap((t) => t.rows).find((r) => r[0] === 'agentless')!;
    expect(agentless[3]).toBe('low');
    // read from EC2 tagSet and SageMaker ListTags
    expect(plan.assumptions).toContain('2 idle resources excluded by the keep tag or scan.allow: standby-model, kept-on-purpose');
  });

  it('a region that fails is named in the notes with the reason, and the other regions are complete', async () => {
    fake().failRegion('ap-east-1', 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const { plan } = await runScan({ regions: ['us-east-1', 'ap-east-1'] }, NOW, process.env);
    expect(plan.tables.flatMap((t) => t.rows.map((r) => r[0])).sort()).toEqual([
      'agentless (us-east-1)',
      'forgotten (us-east-1)',
      'old-model (us-east-1)',
    ]);
    expect(plan.assumptions).toContain(
      'ap-east-1: EC2 DescribeInstances failed (UnrecognizedClientException (HTTP 400)); left out there: GPU instances',
    );
    expect(plan.assumptions).toContain(
      'ap-east-1: SageMaker ListEndpoints failed (UnrecognizedClientException (HTTP 400)); left out there: Endpoints (SageMaker, Vertex AI), Endpoint models and load',
    );
    expect(plan.unavailable).toBeUndefined();
    // every place failing: one line per place and API (instances, endpoints, notebooks, Studio apps), and the report says it read nothing
    const { plan: none } = await runScan({ regions: ['ap-east-1', 'ap-east-1'] }, NOW, process.env);
    expect(none.assumptions.filter((a) => a.startsWith('ap-east-1: '))).toHaveLength(4);
    expect(none.unavailable).toBe('nothing could be read: every place failed (the notes say where and why)');
  });

  it('burnrate scan --dry-run prints it; without --dry-run it says what to type', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-scan-')), 'state.sqlite'),
      },
    };
    expect(await scanCli(['--dry-run'], false, io, NOW)).toBe(0);
    expect(out[0]).toMatch(/^Idle GPUs and endpoints: /);
    expect(await scanCli([], false, io, NOW)).toBe(2);
    expect(err[0]).toMatch(/prints the scan with --dry-run/);
  });
});

describe('Inferentia and Trainium over AWS', () => {
  const hours = (n: number, value: number) => Array.from({ length: n }, () => value);
  const fake = withFakeAws(() =>
    startFakeAws(
      [
        {
          instanceId: 'i-0eeeeeeeeeeeeeee5',
          instanceType: 'inf2.xlarge',
          name: 'idle-inferentia',
          gpus: [],
          neuronCores: [hours(168, 0.5), hours(168, 2)],
        },
        {
          instanceId: 'i-0fffffffffffffff6',
          instanceType: 'trn1.32xlarge',
          name: 'training-run',
          gpus: [],
          neuronCores: [hours(168, 1), hours(168, 85)],
        },
        // no Container Insights; an NVIDIA series under its id must not be taken for NeuronCores
        {
          instanceId: 'i-0aaaaaaaaaaaaaab7',
          instanceType: 'inf2.xlarge',
          name: 'outside-eks',
          gpus: [hours(168, 0)],
          cpu: hours(168, 50),
          networkIn: hours(168, 1e9),
        },
      ],
      [],
    ),
  );

  it('judges them on their busiest NeuronCore from Container Insights, and without it on CPU and network', async () => {
    const { plan, findings } = await runScan({ regions: ['us-east-1'] }, NOW, process.env);
    expect(plan.tables.flatMap((t) => t.rows).map((r) => r[0])).toEqual(['idle-inferentia']);
    expect(findings[0]!.evidence).toBe(
      'busiest NeuronCore (Container Insights node_neuroncore_utilization) over 7 days: peak 2.0%, average 2.0% across 168 hourly datapoints',
    );
    expect(findings[0]!.monthlyWaste).toBeCloseTo(0.76 * 730, 6);
    const queries = fake()
      .metricRequests.flatMap((r) => r.queries)
      .map((q) => q.Expression)
      .filter(Boolean);
    expect(queries).toContain(neuronCoreUtilizationExpression('i-0eeeeeeeeeeeeeee5'));
    expect(queries).not.toContain(gpuUtilizationExpression('i-0aaaaaaaaaaaaaab7'));
  });
});

describe('endpoints without instances of their own: inference components, serverless', () => {
  const hours = (n: number, value: number) => Array.from({ length: n }, () => value);
  const fake = withFakeAws(() =>
    startFakeAws(
      [],
      [
        // its two components served calls: busy, although no call is counted on the variant
        {
          name: 'llm-hub',
          variant: 'AllTraffic',
          instanceType: 'ml.g5.2xlarge',
          count: 2,
          invocations: [],
          gpu: [],
          components: [
            { name: 'llama-ic', invocations: hours(168, 12) },
            { name: 'mistral-ic', invocations: [] },
          ],
        },
        {
          name: 'quiet-hub',
          variant: 'AllTraffic',
          instanceType: 'ml.g5.xlarge',
          count: 1,
          invocations: [],
          gpu: [],
          components: [{ name: 'old-ic', invocations: [] }],
        },
        { name: 'empty-hub', variant: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, invocations: [], gpu: [], components: [] },
        // serverless: warm capacity nobody used; one that costs nothing idle; one that served calls
        {
          name: 'warm-serverless',
          variant: 'AllTraffic',
          instanceType: '',
          count: 0,
          invocations: [],
          gpu: [],
          serverless: { memoryMb: 6144, provisionedConcurrency: 4 },
        },
        {
          name: 'cold-serverless',
          variant: 'AllTraffic',
          instanceType: '',
          count: 0,
          invocations: [],
          gpu: [],
          serverless: { memoryMb: 2048 },
        },
        {
          name: 'busy-serverless',
          variant: 'AllTraffic',
          instanceType: '',
          count: 0,
          invocations: hours(168, 3),
          gpu: [],
          serverless: { memoryMb: 2048, provisionedConcurrency: 1 },
        },
      ],
      { listPageSize: 1 },
    ),
  );

  it('counts their calls per component, and reports the idle ones with no Stop, saying what to do instead', async () => {
    const { findings: all } = await runScan({ regions: ['us-east-1'] }, NOW, process.env);
    const findings = all.filter((f) => f.name.endsWith('-hub'));
    expect(findings.map((f) => [f.name, f.evidence])).toEqual([
      ['quiet-hub', 'Invocations summed over 7 days: 0 (variant AllTraffic, across its 1 inference component)'],
      ['empty-hub', 'Invocations summed over 7 days: 0 (variant AllTraffic, which hosts no inference component)'],
    ]);
    for (const f of findings) {
      expect(f.noStop).toBe(true);
      expect(f.stopEffect).toMatch(/^nothing: burnrate does not stop an endpoint that hosts inference components/);
    }
    // their calls are read with the component's own dimension
    expect(
      fake()
        .metricRequests.flatMap((r) => r.queries)
        .map((q) => q.MetricStat?.Metric.Dimensions.map((d) => d.Name).join('+')),
    ).toEqual(expect.arrayContaining(['InferenceComponentName']));
  });

  it('reports a serverless endpoint whose provisioned concurrency served no call, unpriced and with no Stop, and no other serverless one', async () => {
    const { findings } = await runScan({ regions: ['us-east-1'] }, NOW, process.env);
    const serverless = findings.filter((f) => f.name.endsWith('-serverless'));
    expect(serverless.map((f) => [f.name, f.instanceType, f.count, f.monthlyWaste, f.noStop])).toEqual([
      ['warm-serverless', 'serverless 6144 MB', 4, null, true],
    ]);
    expect(serverless[0]!.evidence).toBe(
      'Invocations summed over 7 days: 0 (variant AllTraffic; serverless, 4 provisioned concurrency at 6,144 MB, priced outside the catalog)',
    );
    expect(serverless[0]!.stopEffect).toMatch(
      /^nothing: a serverless endpoint has no instances to stop; update it to a configuration without provisioned concurrency/,
    );
  });
});
