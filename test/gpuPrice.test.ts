// /gpu-price from the bundled catalog: every instance carrying the GPU, ranked per GPU-hour.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../commands/command.ts';
import { computeGpuPrice } from '../commands/gpuPrice.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import { offlineContext } from './support/context.ts';

const run = (text: string) => computeGpuPrice(text, offlineContext());

describe('/gpu-price', () => {
  it('lists every H100 instance across clouds, cheapest per GPU-hour first', async () => {
    const r = await run('h100');
    const table = r.tables[0]!;
    const expected = bundledCatalogs().prices.filter((p) => p.gpuId.startsWith('h100'));
    expect(table.rows.map((row) => row[0]).sort()).toEqual(expected.map((p) => p.instance).sort());
    const perGpu = table.rows.map((row) => Number(row[5]!.replace(/[$/h,]/g, '')));
    expect(perGpu).toEqual([...perGpu].sort((a, b) => a - b));
    expect(new Set(table.rows.map((row) => row[1]))).toEqual(new Set(['aws', 'gcp', 'azure']));
    // p5.48xlarge: $98.32/h for 8 GPUs
    expect(table.rows.find((row) => row[0] === 'p5.48xlarge')!.slice(4, 6)).toEqual(['$98.32/h', '$12.29/h']);
  });

  it('a family name means every variant, and only that family: l4 is not l40s, a100 is 40 GB and 80 GB', async () => {
    expect((await run('l4')).rows.map(([name]) => name)).toEqual(['L4']);
    expect((await run('a100')).rows.map(([name]) => name).sort()).toEqual(['A100 40GB', 'A100 80GB']);
  });

  it('an instance answers with its own prices and the other instances with its GPU', async () => {
    const r = await run('g5.xlarge');
    expect(r.figures.instanceOnDemand).toEqual({ value: 1.01, unit: 'USD/h' });
    expect(r.figures.instanceSpot).toEqual({ value: 0.3, unit: 'USD/h' });
    expect(r.summary).toMatch(/^g5\.xlarge: \$1\.01\/h on-demand, \$0\.300\/h spot/);
    expect(
      r.tables[0]!.rows.every((row) =>
        [
          'g5.xlarge',
          'g5.2xlarge',
          'g5.12xlarge',
          'g5.48xlarge',
          'ml.g5.xlarge',
          'ml.g5.2xlarge',
          'ml.g5.4xlarge',
          'ml.g5.8xlarge',
          'ml.g5.12xlarge',
          'ml.g5.24xlarge',
          'ml.g5.48xlarge',
          'NV36ads_A10_v5',
        ].includes(row[0]!),
      ),
    ).toBe(true);
  });

  it('filters by cloud and region, and ranks by spot on request', async () => {
    const r = await run('a100 cloud=gcp region=us-central1');
    expect(r.tables[0]!.rows.every((row) => row[1] === 'gcp' && row[2] === 'us-central1')).toBe(true);
    const spot = await run('l4 spot');
    expect(spot.tables[0]!.rows[0]![0]).toBe('g6.xlarge');
    expect(spot.figures.cheapestSpotPerGpuHour!.value).toBe(0.24);
  });

  it('says the catalog date', async () => {
    expect((await run('h100')).prices).toMatch(/as of 2026-11-22/);
  });

  it('answers unknown names and empty filters with what to type', async () => {
    await expect(run('h800')).rejects.toThrow(UsageError);
    await expect(run('h800')).rejects.toThrow(/neither a GPU nor an instance.*h100-sxm/);
    await expect(run('a100 cloud=gcp region=eu-west4')).rejects.toThrow(/drop cloud= or region=/);
    await expect(run('cloud=gcp')).rejects.toThrow(/name a GPU or an instance/);
    await expect(run('h100 cloud=oracle')).rejects.toThrow(/cloud=oracle is not one of/);
  });
});
