// Rightsizing through the real SageMaker, CloudWatch and Application Auto Scaling clients against the
// loopback AWS: the model each variant's container names, its load, and the size recommended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../reports/idleScan/scanJob.ts';
import { DEFAULT_RIGHTSIZING, type NotRecommended, type Recommendation } from '../reports/rightsizing/recommend.ts';
import { type RightsizingReport, runRightsizing } from '../reports/rightsizing/rightsizeJob.ts';
import { servedModelFromEnvironment, servedModelFromTag } from '../src/clouds/aws/servingContainer.ts';
import { servedModelFromVertexContainer } from '../src/clouds/gcp/vertexContainer.ts';
import { type FakeAws, type FakeEndpoint, startFakeAws } from './support/fakeAws.ts';
import { TGI_LLAMA_8B_ON_FOUR } from './support/servingFleet.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const week = (value: (h: number) => number) => Array.from({ length: 168 }, (_, h) => value(h));
const daytime = (peak: number, night: number) => week((h) => (h % 24 >= 9 && h % 24 < 18 ? peak : night));

// the TGI settings with the prompt limit too
const TGI_8B = { ...TGI_LLAMA_8B_ON_FOUR, MAX_INPUT_TOKENS: '3072' };

const ENDPOINTS: FakeEndpoint[] = [
  // an 8B chat model on four A10Gs at 10% GPU: one A10G holds it and its peak
  {
    name: 'chat-8b',
    variant: 'AllTraffic',
    instanceType: 'ml.g5.12xlarge',
    count: 1,
    modelEnv: TGI_8B,
    invocations: daytime(600, 40),
    latencyMs: week(() => 1500),
    gpu: week(() => 40), // summed over 4 GPUs: 10% each
    gpuMemory: week(() => 360),
  },
  // a 70B model that needs its eight A100s
  {
    name: 'summarizer-70b',
    variant: 'AllTraffic',
    instanceType: 'ml.p4d.24xlarge',
    count: 1,
    modelEnv: {
      OPTION_MODEL_ID: 'meta-llama/Llama-3.1-70B-Instruct',
      OPTION_TENSOR_PARALLEL_DEGREE: 'max',
      OPTION_MAX_MODEL_LEN: '8192',
      OPTION_ROLLING_BATCH: 'vllm',
      OPTION_DTYPE: 'bf16',
    },
    invocations: daytime(900, 100),
    latencyMs: week(() => 6000),
    gpu: week(() => 440),
    gpuMemory: week(() => 720),
  },
  // quiet all week but for one burst
  {
    name: 'bursty-8b',
    variant: 'AllTraffic',
    instanceType: 'ml.g5.12xlarge',
    count: 1,
    modelEnv: { SM_VLLM_MODEL: 'meta-llama/Llama-3.1-8B-Instruct', SM_VLLM_MAX_MODEL_LEN: '4096', SM_VLLM_TENSOR_PARALLEL_SIZE: '4' },
    invocations: week((h) => (h === 100 ? 3000 : 20)),
    latencyMs: week(() => 1200),
    gpu: week((h) => (h === 100 ? 120 : 8)),
  },
  // two variants of one endpoint: only the oversized one moves
  {
    name: 'ab-test',
    variant: 'big',
    instanceType: 'ml.g5.12xlarge',
    count: 1,
    modelEnv: TGI_8B,
    invocations: daytime(300, 30),
    latencyMs: week(() => 1500),
    gpu: week(() => 20),
    gpuMemory: week(() => 350),
  },
  {
    name: 'ab-test',
    variant: 'small',
    instanceType: 'ml.g5.xlarge',
    count: 1,
    modelEnv: { ...TGI_8B, SM_NUM_GPUS: '1' },
    invocations: daytime(300, 30),
    latencyMs: week(() => 1500),
    gpu: week(() => 30),
    gpuMemory: week(() => 90),
  },
  // a custom container named by its tag; autoscaling keeps two instances
  {
    name: 'custom-8b',
    variant: 'AllTraffic',
    instanceType: 'ml.g5.12xlarge',
    count: 2,
    modelEnv: { SAGEMAKER_PROGRAM: 'inference.py' },
    tags: { 'burnrate:model': 'meta-llama/Llama-3.1-8B-Instruct bf16' },
    invocations: daytime(400, 40),
    latencyMs: week(() => 1500),
    gpu: week(() => 30),
    gpuMemory: week(() => 300),
    autoscaling: { min: 2, max: 4, policies: [] },
  },
];

const AWS_ENV = (fake: FakeAws): NodeJS.ProcessEnv => ({
  AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_SAGEMAKER: fake.url,
  AWS_ENDPOINT_URL_CLOUDWATCH: fake.url,
  AWS_ENDPOINT_URL_EC2: fake.url,
  AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: fake.url,
  HF_ENDPOINT: 'http://127.0.0.1:9', // nothing answers: the registry must size these models offline
  BURNRATE_HUB_TIMEOUT_MS: '200',
});

/** Runs rightsizing as the CLI does, with the SDKs reading credentials and endpoints from the process environment. */
async function withAwsAt<T>(at: FakeAws, work: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, AWS_ENV(at));
  try {
    return await work();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}
const rightsize = (at: FakeAws, settings = DEFAULT_RIGHTSIZING): Promise<RightsizingReport> =>
  withAwsAt(at, () => runRightsizing({ regions: ['us-east-1'] }, NOW, process.env, settings));

let fake: FakeAws;
let report: RightsizingReport;
const recommendation = (name: string, variant = 'AllTraffic') =>
  report.recommendations.find((r) => r.endpointName === name && r.variantName === variant);
const skipped = (id: string) => report.notRecommended.find((s) => s.id === id);

beforeAll(async () => {
  fake = await startFakeAws([], ENDPOINTS);
  report = await rightsize(fake);
});
afterAll(() => fake.close());

describe('rightsizing against the loopback AWS', () => {
  it('moves an 8B model on four A10Gs at low load down to one, with its saving', () => {
    const r = recommendation('chat-8b')!;
    expect(r.current).toEqual({ instanceType: 'ml.g5.12xlarge', count: 1, monthlyCost: 7.09 * 730 });
    expect(r.recommended.instanceType).toBe('ml.g5.xlarge');
    expect(r.recommended.count).toBe(1);
    expect(r.monthlySaving).toBeCloseTo((7.09 - 1.408) * 730, 6);
    expect(r.model).toMatchObject({ id: 'llama-3.1-8b', contextTokens: 4096 });
    expect(r.model!.needBytes).toBeGreaterThan(16e9);
    expect(r.confidence).toBe('high');
    expect(r.evidence.join('\n')).toMatch(/peak 10 calls\/min/);
    expect(r.evidence.join('\n')).toMatch(/GPU peak 10% per GPU, GPU memory peak 90%/);
    expect(r.changes).toMatch(/copy of chat-8b-config with 1 × ml\.g5\.xlarge for AllTraffic.*blue\/green/);
  });

  it('does not move a 70B model to anything that cannot hold it', () => {
    expect(recommendation('summarizer-70b')).toBeUndefined();
    expect(skipped('summarizer-70b/AllTraffic')!.reason).toMatch(/already the cheapest size that holds the model/);
  });

  it('calls a recommendation on bursty load low confidence', () => {
    const r = recommendation('bursty-8b')!;
    expect(r.confidence).toBe('low');
    expect(r.evidence[0]).toMatch(/bursty/);
  });

  it('changes only the variant concerned on a multi-variant endpoint', () => {
    const big = recommendation('ab-test', 'big')!;
    expect(big.recommended.instanceType).toBe('ml.g5.xlarge');
    expect(big.changes).toMatch(/small unchanged/);
    expect(recommendation('ab-test', 'small')).toBeUndefined();
  });

  it('reads the model from the burnrate:model tag and keeps the autoscaling minimum', () => {
    const r = recommendation('custom-8b')!;
    expect(r.recommended).toMatchObject({ instanceType: 'ml.g5.xlarge', count: 2 });
    expect(r.confidence).toBe('medium');
  });

  it('calls two days of data low confidence, and says how many days it had', async () => {
    const young = await startFakeAws([], [{ ...ENDPOINTS[0]!, name: 'new-chat', gpu: week(() => 40).slice(0, 48) }]);
    try {
      const r = (await rightsize(young)).recommendations[0]!;
      expect(r.confidence).toBe('low');
      expect(r.evidence.at(-1)).toBe('2 days of data (fewer than 7)');
    } finally {
      await young.close();
    }
  });

  it('recommends nothing that saves less than the floor, and says so', async () => {
    const floored = await rightsize(fake, { ...DEFAULT_RIGHTSIZING, minMonthlySaving: 5000 });
    expect(floored.recommendations.find((r) => r.endpointName === 'chat-8b')).toBeUndefined();
    expect(floored.notRecommended.find((s) => s.id === 'chat-8b/AllTraffic')!.reason).toBe(
      'it would save $4,148 a month, under the $5,000 floor (rightsizing.min_monthly_saving)',
    );
  });

  it('reads the models a hundred a page and the metrics in batches, never a call per resource', async () => {
    const once = await startFakeAws([], ENDPOINTS);
    try {
      await rightsize(once);
      // one Search page of models, one of the endpoints that carry the burnrate:model tag; no ListTags, no DescribeModel
      expect(once.sageMakerTargets.filter((t) => t === 'SageMaker.Search')).toHaveLength(2);
      expect(once.sageMakerTargets.filter((t) => t === 'SageMaker.ListTags' || t === 'SageMaker.DescribeModel')).toEqual([]);
      const requests = once.metricRequests.filter((r) => !r.nextToken);
      expect(requests).toHaveLength(1);
      expect(requests[0]!.queries).toHaveLength(ENDPOINTS.length * 4);
    } finally {
      await once.close();
    }
  });
});

describe('rightsizing in the daily scan', () => {
  it('adds what to resize to the scan from the reading the scan makes anyway', async () => {
    const scanned = await startFakeAws([], ENDPOINTS);
    try {
      const report = await withAwsAt(scanned, () => runScan({ regions: ['us-east-1'] }, NOW, process.env));
      expect(report.rightsizing.map((r) => `${r.endpointName}/${r.variantName}`)).toEqual([
        'custom-8b/AllTraffic',
        'ab-test/big',
        'chat-8b/AllTraffic',
        'bursty-8b/AllTraffic',
      ]);
      expect(report.plan.rows).toContainEqual(['Rightsizing would save', expect.stringMatching(/^\$[\d,]+ a month$/)]);
      expect(report.plan.tables.at(-1)!.title).toMatch(/^Rightsizing: \$[\d,]+ a month to save$/);
      // each endpoint described once, its series in the scan's one GetMetricData batch, the models in one Search page (and the tagged endpoints in another)
      const endpointNames = new Set(ENDPOINTS.map((e) => e.name));
      expect(scanned.sageMakerTargets.filter((t) => t === 'SageMaker.DescribeEndpoint')).toHaveLength(endpointNames.size);
      expect(scanned.sageMakerTargets.filter((t) => t === 'SageMaker.Search')).toHaveLength(2);
      expect(
        scanned.metricRequests.filter((r) => !r.nextToken && r.queries.some((q) => q.MetricStat?.Metric.Namespace !== 'AWS/EC2')),
      ).toHaveLength(1);
    } finally {
      await scanned.close();
    }
  });
});

describe('rightsizing in a scan whose model search is denied', () => {
  it('still reports what is idle, and says what rightsizing could not read', async () => {
    const denied = await startFakeAws(
      [],
      [...ENDPOINTS, { name: 'forgotten', variant: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, invocations: [], gpu: [] }],
    );
    try {
      denied.failNext('Search', 'AccessDeniedException', 'not authorized to perform sagemaker:Search');
      const report = await withAwsAt(denied, () => runScan({ regions: ['us-east-1'] }, NOW, process.env));
      expect(report.findings.map((f) => f.name)).toEqual(['forgotten']);
      expect(report.rightsizing).toEqual([]);
      expect(report.plan.assumptions).toContain(
        "us-east-1: AWS denied Search: grant the bot's role sagemaker:Search; left out there: Endpoint models and load",
      );
      expect(report.plan.unavailable).toBeUndefined();
    } finally {
      await denied.close();
    }
  });
});

describe('rightsizing GPU machines that name no model', () => {
  const hours = (n: number, value: number) => Array.from({ length: n }, () => value);
  it('advises a cheaper type from the busiest GPU’s memory and use, with the commands', async () => {
    const aws = await startFakeAws([
      // four L40S whose busiest GPU peaks at 35% and holds 9 GiB: four A10G serve it
      {
        instanceId: 'i-0embed000000000001',
        instanceType: 'g6e.12xlarge',
        name: 'embeddings',
        gpus: [hours(168, 35)],
        gpuMemoryUsedMib: [hours(168, 9216)],
      },
      // its GPU holds 40 GiB: nothing cheaper with as many GPUs holds that
      {
        instanceId: 'i-0big0000000000002',
        instanceType: 'g6e.12xlarge',
        name: 'big-kv',
        gpus: [hours(168, 35)],
        gpuMemoryUsedMib: [hours(168, 40960)],
      },
      // no agent memory metric: not sized
      { instanceId: 'i-0blind00000000003', instanceType: 'g6e.12xlarge', name: 'blind', gpus: [hours(168, 35)] },
    ]);
    try {
      const r = await rightsize(aws);
      const advice = r.recommendations.find((x) => x.kind === 'ec2-gpu-instance')!;
      expect(advice).toMatchObject({
        id: 'i-0embed000000000001',
        name: 'embeddings',
        current: { instanceType: 'g6e.12xlarge', count: 1 },
        recommended: { instanceType: 'g5.12xlarge', count: 1 },
        model: null,
        confidence: 'medium',
      });
      expect(advice.monthlySaving).toBeCloseTo((10.49 - 5.67) * 730, 6);
      expect(advice.commands).toEqual([
        'aws ec2 stop-instances --instance-ids i-0embed000000000001',
        'aws ec2 wait instance-stopped --instance-ids i-0embed000000000001',
        `aws ec2 modify-instance-attribute --instance-id i-0embed000000000001 --instance-type '{"Value": "g5.12xlarge"}'`,
        'aws ec2 start-instances --instance-ids i-0embed000000000001',
      ]);
      expect(r.recommendations.filter((x) => x.kind === 'ec2-gpu-instance')).toHaveLength(1);
      expect(r.notRecommended.find((x) => x.id === 'i-0big0000000000002')!.reason).toMatch(/already the cheapest type that holds/);
      expect(r.notRecommended.find((x) => x.id === 'i-0blind00000000003')!.reason).toMatch(/no GPU utilization or GPU memory/);
    } finally {
      await aws.close();
    }
  });
});

describe('rightsizing when reads fail', () => {
  it('turns a denied model search into one line saying what to grant', async () => {
    const one = await startFakeAws([], ENDPOINTS.slice(0, 2));
    try {
      one.failNext('Search', 'AccessDeniedException', 'not authorized to perform sagemaker:Search');
      const r = await rightsize(one);
      expect(r.notes).toEqual([
        "us-east-1: AWS denied Search: grant the bot's role sagemaker:Search; left out there: Endpoint models and load",
      ]);
      expect(r.recommendations).toEqual([]);
      // the machines were read: the report is not empty of everything
      expect(r.unavailable).toBeUndefined();
    } finally {
      await one.close();
    }
  });

  it('keeps today’s count when the autoscaling minimum cannot be read, and says why', async () => {
    const one = await startFakeAws([], [ENDPOINTS.find((e) => e.name === 'custom-8b')!]);
    try {
      one.failNext('DescribeScalableTargets', 'AccessDeniedException', 'not authorized');
      const r = (await rightsize(one)).recommendations[0]!;
      expect(r.recommended).toMatchObject({ instanceType: 'ml.g5.xlarge', count: 2 });
      expect(r.confidence).toBe('medium');
      expect(r.evidence.at(-1)).toBe(
        "autoscaling minimum unknown (AWS denied DescribeScalableTargets: grant the bot's role application-autoscaling:DescribeScalableTargets): no fewer than today's 2",
      );
    } finally {
      await one.close();
    }
  });

  it('says when the model a variant names is not found', async () => {
    const one = await startFakeAws([], [{ ...ENDPOINTS[0]!, modelDeleted: true }]);
    try {
      const r = await rightsize(one);
      expect(r.notRecommended).toEqual([
        {
          id: 'chat-8b/AllTraffic',
          reason: 'the model could not be known: SageMaker Search found no model chat-8b-AllTraffic-model',
          unsized: true,
        },
      ]);
    } finally {
      await one.close();
    }
  });

  it('turns throttled metrics into one line naming the place, the API and the error code', async () => {
    const one = await startFakeAws([], ENDPOINTS.slice(0, 1));
    try {
      one.failRegion('us-east-1', 'ThrottlingException', 'Rate exceeded');
      const r = await rightsize(one);
      expect(r.recommendations).toEqual([]);
      expect(r.notes).toEqual([
        'us-east-1: EC2 DescribeInstances failed (ThrottlingException (HTTP 400)); left out there: GPU instances',
        'us-east-1: SageMaker ListEndpoints failed (ThrottlingException (HTTP 400)); left out there: Endpoint models and load',
      ]);
      expect(r.unavailable).toBe('no endpoint or GPU machine could be read; the notes say why');
    } finally {
      await one.close();
    }
  });
});

describe('the serving container settings', () => {
  it('reads TGI, LMI and vLLM settings as their documentation names them', () => {
    expect(servedModelFromEnvironment({ ...TGI_8B, HF_MODEL_QUANTIZE: 'awq' }, 4)).toEqual({
      id: 'meta-llama/Llama-3.1-8B-Instruct',
      from: 'TGI',
      precision: 'awq',
      tensorParallel: 4,
      contextTokens: 4096,
    });
    expect(servedModelFromEnvironment({ HF_MODEL_ID: 'Qwen/Qwen2.5-7B-Instruct', MAX_INPUT_LENGTH: '2048' }, 1)).toMatchObject({
      contextTokens: 2048,
    });
    expect(
      servedModelFromEnvironment(
        { HF_MODEL_ID: 'meta-llama/Llama-3.1-70B', OPTION_TENSOR_PARALLEL_DEGREE: 'max', OPTION_DTYPE: 'fp16' },
        8,
      ),
    ).toEqual({ id: 'meta-llama/Llama-3.1-70B', from: 'LMI', precision: 'fp16', tensorParallel: 8 });
    expect(
      servedModelFromEnvironment(
        { SM_VLLM_MODEL: 'Qwen/Qwen2.5-7B-Instruct', SM_VLLM_QUANTIZATION: 'fp8', SM_VLLM_MAX_MODEL_LEN: '32768' },
        1,
      ),
    ).toEqual({ id: 'Qwen/Qwen2.5-7B-Instruct', from: 'vLLM', precision: 'fp8', contextTokens: 32768 });
  });

  it('names no model for a container without one, and ignores settings that are not numbers', () => {
    expect(servedModelFromEnvironment({ SAGEMAKER_PROGRAM: 'inference.py' }, 1)).toBeNull();
    expect(servedModelFromEnvironment({ HF_MODEL_ID: 'org/m', SM_NUM_GPUS: 'four', MAX_TOTAL_TOKENS: '-1' }, 1)).toEqual({
      id: 'org/m',
      from: 'TGI',
    });
  });

  it("reads a Vertex AI container's vLLM flags (either spelling) and TGI launcher environment", () => {
    expect(
      servedModelFromVertexContainer({
        env: {},
        args: [
          '--host=0.0.0.0',
          '--model',
          'Qwen/Qwen2.5-7B-Instruct',
          '--tensor-parallel-size=2',
          '--max-model-len',
          '8192',
          '--quantization=awq',
        ],
      }),
    ).toEqual({ id: 'Qwen/Qwen2.5-7B-Instruct', from: 'vLLM', precision: 'awq', tensorParallel: 2, contextTokens: 8192 });
    expect(
      servedModelFromVertexContainer({
        env: { MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct', NUM_SHARD: '1', MAX_TOTAL_TOKENS: '4096', DTYPE: 'bfloat16' },
        args: [],
      }),
    ).toEqual({ id: 'meta-llama/Llama-3.1-8B-Instruct', from: 'TGI', precision: 'bf16', tensorParallel: 1, contextTokens: 4096 });
    expect(servedModelFromVertexContainer({ env: { AIP_HTTP_PORT: '8080' }, args: ['--port=8080'] })).toBeNull();
  });

  it('reads the burnrate:model tag with an optional precision', () => {
    expect(servedModelFromTag({ 'burnrate:model': 'org/model fp8' })).toEqual({ id: 'org/model', from: 'tag', precision: 'fp8' });
    expect(servedModelFromTag({ 'burnrate:model': '  ' })).toBeNull();
    expect(servedModelFromTag({})).toBeNull();
  });
});

// the types the JSON promises, checked by the compiler on the report above
export type Checked = [Recommendation, NotRecommended];
