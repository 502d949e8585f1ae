// /storage-throughput: read and checkpoint bandwidth, and the tiers that meet them.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../commands/command.ts';
import { computeStorageThroughput } from '../commands/storageThroughput.ts';
import { offlineContext } from './support/context.ts';

const run = (text: string) => computeStorageThroughput(text, offlineContext());

describe('/storage-throughput', () => {
  it('reference: a 100-GPU cluster can need about 50 GB/s aggregate read', async () => {
    const r = await run('gpus=100 samples=1000/s sample=500KB');
    expect(r.figures.readBytesPerSecond).toEqual({ value: 50e9, unit: 'B/s' });
    expect(r.figures.provisionedReadBytesPerSecond!.value).toBe(75e9);
    expect(r.summary).toMatch(/^50\.0 GB\/s sustained read for 100 GPUs/);
  });

  it('sizes each storage tier for the provisioned read', async () => {
    const r = await run('gpus=100 samples=1000/s sample=500KB');
    const tier = (name: RegExp) => r.tables[0]!.rows.find((row) => name.test(row[0]!))!;
    expect(tier(/1000 MB\/s\/TiB/)[2]).toMatch(/≥ 75\.0 TiB/);
    expect(tier(/Filestore/)[1]).toBe('no');
    expect(tier(/S3/)[2]).toMatch(/≈ 834 parallel streams/);
    // 100 GPUs on 8-GPU nodes = 13 nodes, 75 GB/s ÷ 13 each
    expect(tier(/NVMe/)[2]).toMatch(/^5\.77 GB\/s per node/);
  });

  it('counts a request per sample, and per MiB of a large sample', async () => {
    expect((await run('gpus=10 samples=100/s sample=100KB')).figures.iops!.value).toBe(1000);
    expect((await run('gpus=10 samples=100/s sample=3MB')).figures.iops!.value).toBe(3000);
  });

  it("derives a model's training read rate from its tokens per second", async () => {
    const r = await run('7b gpus=8 bytes_per_token=2');
    const tokensPerGpu = (989e12 * 0.4) / (6 * 7e9);
    expect(r.figures.perGpuReadBytesPerSecond!.value).toBeCloseTo(tokensPerGpu * 2, 6);
  });

  it('checkpoint write: 14 bytes per parameter within the target time', async () => {
    const r = await run('70b gpus=512 ckpt_every=30m ckpt_time=60s');
    expect(r.figures.checkpointBytes!.value).toBe(70e9 * 14);
    expect(r.figures.checkpointWriteBytesPerSecond!.value).toBeCloseTo((70e9 * 14) / 60, 3);
    expect(r.figures.checkpointShare!.value).toBeCloseTo((100 * 60) / 1800, 9);
  });

  it('answers bad input with what to type', async () => {
    await expect(run('samples=1000/s sample=500KB')).rejects.toThrow(/give gpus=/);
    await expect(run('gpus=8 samples=1000/s')).rejects.toThrow(/together/);
    await expect(run('gpus=8')).rejects.toThrow(UsageError);
    await expect(run('gpus=8 samples=1000/s sample=500 furlongs')).rejects.toThrow(/did not understand "furlongs"|not a size/);
    await expect(run('gpus=8 samples=1000/s sample=5 h')).rejects.toThrow(/"5 h" is not a size in bytes/);
    await expect(run('gpus=8 samples=10/s sample=1MB ckpt_every=30m')).rejects.toThrow(/need a model or ckpt_size=/);
    await expect(run('gpus=8 samples=10/s sample=1MB headroom=0.5')).rejects.toThrow(/at least 1/);
  });
});
