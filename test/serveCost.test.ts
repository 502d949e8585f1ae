// /serve-cost against the reference monthly examples, the roofline it rests on, and bad input.
import { describe, expect, it } from 'vitest';
import { computeServeCost } from '../commands/serveCost.ts';
import {
  DECODE_BANDWIDTH_EFFICIENCY,
  type DecodeShape,
  decodeStepSeconds,
  largestBatch,
  requestsPerSecond,
  weightBytesRead,
} from '../src/calc/serving.ts';
import { offlineContext } from './support/context.ts';
import { expectUsageError } from './support/usageError.ts';

const run = (text: string) => computeServeCost(text, offlineContext());
const figure = async (text: string, name: string) => (await run(text)).figures[name]!.value;

// The reference figures were priced on 30-day months (720 h); burnrate's default is the average
// month of 730 h, so each is checked both ways: exact on 30 days, within 2% on the default.
describe('reference monthly examples', () => {
  it('a small model on 1× g6.xlarge ≈ $580', async () => {
    expect(await figure('instance=g6.xlarge month=30d', 'monthly')).toBeCloseTo(576, 0);
    expect(Math.abs((await figure('instance=g6.xlarge', 'monthly')) / 580 - 1)).toBeLessThan(0.02);
  });

  it('7B on 1× g5.2xlarge ≈ $870', async () => {
    expect(Math.round(await figure('7b instance=g5.2xlarge month=30d', 'monthly'))).toBe(871);
    expect(Math.abs((await figure('7b instance=g5.2xlarge', 'monthly')) / 870 - 1)).toBeLessThan(0.02);
  });

  it('an ml.g5.xlarge endpoint 24/7 ≈ $730 (the reference priced it at the g5.xlarge rate)', async () => {
    expect(Math.round(await figure('instance=g5.xlarge month=30d', 'monthly'))).toBe(727);
    expect(Math.abs((await figure('instance=g5.xlarge', 'monthly')) / 730 - 1)).toBeLessThan(0.02);
  });

  it('a g5.xlarge endpoint at 5% utilization wastes about $690 a month', async () => {
    const r = await run('instance=g5.xlarge util=5% month=30d');
    expect(Math.round(r.figures.idle!.value)).toBe(691);
    expect(r.summary).toMatch(/\$690\.84 of it idle at 5\.0% utilization/);
    expect(Math.abs((await figure('instance=g5.xlarge util=5%', 'idle')) / 690 - 1)).toBeLessThan(0.02);
  });
});

describe('the roofline', () => {
  const shape: DecodeShape = {
    perGpuWeightBytes: 14e9,
    expertShare: 0,
    expertsPerToken: 0,
    experts: 0,
    perGpuKvBytesPerToken: 131_072,
    averageContext: 600,
    pipeline: 1,
    gpuBandwidth: 600e9,
    gpuFlops: 125e12,
    gpus: 1,
    activeParams: 7e9,
  };

  it('a decode step of one sequence reads the weights once at the achievable bandwidth', () => {
    const expected = (14e9 + 600 * 131_072) / (600e9 * DECODE_BANDWIDTH_EFFICIENCY);
    expect(decodeStepSeconds(shape, 1)).toBeCloseTo(expected, 9);
  });

  it('batching shares the weight read, so throughput grows with batch until compute binds', () => {
    const tokensPerSecond = (b: number) => b / decodeStepSeconds(shape, b);
    expect(tokensPerSecond(32)).toBeGreaterThan(10 * tokensPerSecond(1));
    expect(tokensPerSecond(256)).toBeGreaterThan(tokensPerSecond(32));
  });

  it('the batch is the largest whose step meets the latency target', () => {
    const batch = largestBatch(shape, 256, 0.05)!;
    expect(decodeStepSeconds(shape, batch)).toBeLessThanOrEqual(0.05);
    expect(decodeStepSeconds(shape, batch + 1)).toBeGreaterThan(0.05);
    expect(largestBatch(shape, 256, 0.01)).toBeNull();
  });

  it('an MoE step reads only the experts its batch touches', () => {
    const moe = { ...shape, expertShare: 0.9, expertsPerToken: 8, experts: 256 };
    expect(weightBytesRead(moe, 1)).toBeCloseTo(14e9 * (0.1 + (0.9 * 8) / 256), 0);
    expect(weightBytesRead(moe, 64)).toBeCloseTo(14e9, 0);
  });

  it("requests per second include each request's prefill", () => {
    const withoutPrefill = 64 / (200 * decodeStepSeconds(shape, 64));
    expect(requestsPerSecond(shape, 64, 500, 200)).toBeLessThan(withoutPrefill);
  });
});

describe('sizing from traffic', () => {
  it('50k requests a day of a 7B model fit on one small GPU; the cost per 1K requests follows', async () => {
    const r = await run('7b requests=50k/day tokens_in=500 tokens_out=200');
    expect(r.figures.replicas!.value).toBe(1);
    const perMonth = (50_000 / 86_400) * 730 * 3600;
    expect(r.figures.perThousandRequests!.value).toBeCloseTo((r.figures.monthly!.value / perMonth) * 1000, 9);
    expect(r.figures.perMillionTokens!.value).toBeCloseTo((r.figures.monthly!.value / (perMonth * 700)) * 1e6, 9);
    expect(r.tables[0]!.rows.length).toBeGreaterThan(3);
  });

  it('more traffic needs more replicas of the chosen instance', async () => {
    const few = await figure('7b instance=g5.xlarge requests=50k/day', 'replicas');
    const many = await figure('7b instance=g5.xlarge requests=5m/day', 'replicas');
    expect(many).toBeGreaterThan(few * 20);
  });

  it('a tighter latency target lowers the batch', async () => {
    const loose = await figure('7b instance=g5.xlarge latency=60ms', 'batch');
    const tight = await figure('7b instance=g5.xlarge latency=35ms', 'batch');
    expect(tight).toBeLessThan(loose);
    expect((await run('7b instance=g5.xlarge latency=5ms')).summary).toMatch(/misses the 5\.00 ms\/token target/);
  });
});

describe('bad input', () => {
  const rejects = (text: string, message: RegExp) => expectUsageError(run(text), message);

  it('says what to give and refuses what cannot be combined', async () => {
    await rejects('util=5%', /give instance=/);
    await rejects('requests=50k/day', /needs a model/);
    await rejects('7b requests=50k/day util=5%', /works utilization out from requests=/);
    await rejects('7b instance=g5.xlarge instances=2 requests=1k/day', /give one/);
    await rejects('7b requests=50k/fortnight', /"fortnight" is not a unit of time/);
    await rejects('instance=g5.xlarge util=120%', /between 0% and 100%/);
    await rejects('instance=g5.4xlarge', /did you mean g5\.xlarge/);
    await rejects('llama-3.1-405b bf16 instance=g5.xlarge', /does not fit on g5\.xlarge/);
    await rejects('7b requests=1k/day peak=0.5', /at least 1/);
  });
});
