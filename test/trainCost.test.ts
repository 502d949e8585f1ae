// /train-cost against the worked figures of our reference material, and its bad-input answers.
import { describe, expect, it } from 'vitest';
import { computeTrainCost } from '../commands/trainCost.ts';
import { offlineContext } from './support/context.ts';
import { expectUsageError } from './support/usageError.ts';

const run = (text: string) => computeTrainCost(text, offlineContext());
const figure = async (text: string, name: string) => (await run(text)).figures[name]!.value;

describe('reference figures', () => {
  it('64 A100 for 3 days at $3 per GPU-hour is $13,824', async () => {
    const r = await run('gpus=64 gpu=a100 days=3 price=3');
    expect(r.figures.onDemand).toEqual({ value: 13_824, unit: 'USD' });
    expect(r.figures.gpuHours!.value).toBe(4608);
    expect(r.summary).toMatch(/^\$13,824 on-demand/);
  });

  it('the same with units typed out: time=3 days, price=$3/h', async () => {
    expect(await figure('gpus=64 gpu=a100 time=3 days price=$3/h', 'onDemand')).toBe(13_824);
    expect(await figure('gpus=64 gpu=a100 hours=72 price=3', 'onDemand')).toBe(13_824);
  });

  it('fine-tuning a 7B model on one p4d.24xlarge for 8 h: ≈ $262, spot ≈ $105', async () => {
    const r = await run('7b instance=p4d.24xlarge hours=8');
    expect(r.figures.onDemand!.value).toBeCloseTo(262.16, 2);
    expect(Math.round(r.figures.spot!.value)).toBe(105);
  });

  it('four p4d.24xlarge for 24 h: ≈ $3,146 (spot ≈ $1,258)', async () => {
    const r = await run('instance=p4d.24xlarge instances=4 hours=24');
    expect(Math.round(r.figures.onDemand!.value)).toBe(3146);
    expect(Math.round(r.figures.spot!.value)).toBe(1258);
    expect(r.figures.gpus!.value).toBe(32);
  });

  it('48 h on a g5.2xlarge: ≈ $58', async () => {
    expect(Math.round(await figure('instance=g5.2xlarge hours=48', 'onDemand'))).toBe(58);
  });

  it('50 runs of 2 h on g5.xlarge: ≈ $101', async () => {
    expect(Math.round(await figure('instance=g5.xlarge runs=50 hours=2', 'onDemand'))).toBe(101);
  });

  it('a 70B model on 64 p5.48xlarge for 14 days: ≈ $2.1M at $98.32/h, which trains only ≈ 0.58T tokens at 40% MFU', async () => {
    const r = await run('70b instance=p5.48xlarge instances=64 days=14');
    expect(r.figures.onDemand!.value).toBeCloseTo(64 * 98.32 * 14 * 24, 2);
    expect(r.summary).toMatch(/^\$2\.11M on-demand/);
    // 512 × 989 TFLOP/s × 0.4 × 14 days ÷ (6 × 70e9)
    expect(r.figures.tokensTrained!.value / 1e12).toBeCloseTo(0.583, 2);
  });

  it('why a published $8.4M differs: 2T tokens (Llama 2 70B) take 48 days on those 512 H100s at 40% MFU', async () => {
    const r = await run('70b tokens=2T instance=p5.48xlarge instances=64');
    expect(r.figures.flops!.value).toBeCloseTo(8.4e23, -20);
    expect(r.figures.hours!.value / 24).toBeCloseTo(48.0, 1);
    expect(r.figures.onDemand!.value / 1e6).toBeCloseTo(7.25, 2);
    // at ≈ 34.5% MFU the same run costs ≈ $8.4M
    expect((await figure('70b tokens=2T instance=p5.48xlarge instances=64 mfu=34.5%', 'onDemand')) / 1e6).toBeCloseTo(8.4, 1);
  });
});

describe('compute', () => {
  it('uses active parameters for MoE models and adds a third for activation recomputation', async () => {
    const moe = await run('deepseek-v3 tokens=1T gpu=h100 gpus=64');
    expect(moe.figures.flops!.value / (6 * 1e12)).toBeGreaterThan(36e9);
    expect(moe.figures.flops!.value / (6 * 1e12)).toBeLessThan(39e9);
    const plain = await figure('7b tokens=1T gpu=h100 gpus=8', 'flops');
    expect(await figure('7b tokens=1T gpu=h100 gpus=8 recompute', 'flops')).toBeCloseTo(plain * (4 / 3), -10);
  });

  it('time scales with MFU and GPU count', async () => {
    const base = await figure('7b tokens=1T gpu=h100 gpus=8', 'hours');
    expect(await figure('7b tokens=1T gpu=h100 gpus=16', 'hours')).toBeCloseTo(base / 2, 6);
    expect(await figure('7b tokens=1T gpu=h100 gpus=8 mfu=20%', 'hours')).toBeCloseTo(base * 2, 6);
  });

  it('prices a tokens run only on instances of the exact GPU, and compares every training GPU', async () => {
    const r = await run('70b tokens=2T gpu=h100 gpus=512');
    expect(r.rows.find(([k]) => k === 'Paying for')![1]).toMatch(/a3-highgpu-8g|p5\.48xlarge|ND96isr_H100_v5/);
    const table = r.tables[0]!;
    expect(table.rows.map((row) => row[0])).not.toContain('Inferentia2');
    const costs = table.rows.map((row) => row[2]!);
    expect(costs.length).toBeGreaterThan(5);
  });

  it('spot with checkpoints adds the expected rework', async () => {
    const r = await run('7b instance=p4d.24xlarge hours=8 spot ckpt_every=30m interrupt=5%/h restart=10m');
    // T = 8 ÷ (1 − 0.05 × (0.25 + 1/6))
    const hours = 8 / (1 - 0.05 * (0.25 + 10 / 60));
    expect(r.figures.spot!.value).toBeCloseTo(13.1 * hours, 6);
    expect(r.figures.spotReworkHours!.value).toBeCloseTo(hours - 8, 6);
    expect(r.summary).toMatch(/on spot/);
  });
});

describe('bad input', () => {
  const rejects = (text: string, message: RegExp) => expectUsageError(run(text), message);

  it('says what is missing', async () => {
    await rejects('gpus=8 gpu=h100', /give a duration/);
    await rejects('tokens=1T gpu=h100', /tokens= needs a model/);
  });

  it('names the token it could not read, and what it did understand', async () => {
    const error = await rejects('gpus=64 gpu=a100 time=3 apples', /did not understand "apples"/);
    expect(error.detail.understood).toEqual(['gpus=64', 'gpu=a100', 'time=3']);
    await rejects('gpus=64 gpu=a100 days=lots', /days=lots: "lots" is not a time/);
    await rejects('gpus=64 gpu=a100 time=2 MB', /time=2 MB: "2 MB" is not a time/);
    await rejects('gpus=64 gpu=a100 days=3 mfu=140%', /mfu=140%: .* between 0% and 100%/);
    await rejects('gpus=-4 gpu=a100 days=3', /gpus must be a whole number ≥ 1/);
  });

  it('refuses contradictions instead of guessing', async () => {
    await rejects('gpus=64 gpu=a100 days=3 hours=2', /give the duration once/);
    await rejects('7b tokens=1T gpu=h100 days=2', /give one/);
    await rejects('7b instance=p4d.24xlarge hours=8 ckpt_every=30m', /add `spot`/);
    await rejects('instance=p4d.24xlarge gpu=h100 hours=3', /carries a100-40gb/);
    await rejects('7b instance=p4d.24xlarge hours=8 spot ckpt_every=40h', /checkpoint more often/);
  });

  it('suggests catalog names', async () => {
    await rejects('instance=p4d.12xlarge hours=3', /did you mean p4d\.24xlarge/);
    await rejects('gpu=h800 gpus=8 days=1', /gpu=h800 is not in the GPU catalog; known: h100-sxm/);
    await rejects('gpu=a10g gpus=8 days=1 cloud=oracle', /cloud=oracle is not one of: aws, gcp, azure/);
  });
});
