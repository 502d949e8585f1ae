// /availability and /utilization: the reference formulas.
import { describe, expect, it } from 'vitest';
import { computeAvailability } from '../commands/availability.ts';
import { computeUtilization } from '../commands/utilization.ts';
import { offlineContext } from './support/context.ts';

const availability = (text: string) => computeAvailability(text, offlineContext());
const utilization = (text: string) => computeUtilization(text, offlineContext());

describe('/availability', () => {
  it('99.9% allows 86.4 s a day, 10.08 min a week, 43.8 min a month, 8.76 h a year', async () => {
    const r = await availability('99.9%');
    expect(r.figures.downtimePerDay!.value).toBeCloseTo(86.4, 9);
    expect(r.figures.downtimePerWeek!.value).toBeCloseTo(604.8, 9);
    expect(r.figures.downtimePerMonth!.value).toBeCloseTo(0.001 * 730 * 3600, 9);
    expect(r.figures.downtimePerYear!.value).toBeCloseTo(8.76 * 3600, 6);
    expect(r.summary).toBe('99.9% allows 43.8 min of downtime a month (8.8 h a year)');
  });

  it('takes the target without a percent sign', async () => {
    expect((await availability('99.99')).figures.downtimePerYear!.value).toBeCloseTo(0.0001 * 8760 * 3600, 6);
  });

  it('works back from a downtime: (1 − downtime ÷ total time) × 100', async () => {
    const r = await availability('downtime=43.8m per=month');
    expect(r.figures.availability!.value).toBeCloseTo(99.9, 9);
    expect((await availability('downtime=1h per=day')).figures.availability!.value).toBeCloseTo((1 - 1 / 24) * 100, 9);
  });

  it('answers impossible targets and periods with what to type', async () => {
    await expect(availability('101%')).rejects.toThrow(/between 0% and 100%/);
    await expect(availability('100%')).rejects.toThrow(/allows no downtime/);
    await expect(availability('')).rejects.toThrow(/give an availability target/);
    await expect(availability('downtime=2h per=fortnight')).rejects.toThrow(/per=fortnight is not one of: day, week, month, year/);
    await expect(availability('downtime=25h per=day')).rejects.toThrow(/longer than a day/);
  });
});

describe('/utilization', () => {
  it('(used ÷ capacity) × 100 for memory, counts and storage', async () => {
    expect((await utilization('used=60GB total=80GB')).figures.utilization!.value).toBe(75);
    expect((await utilization('used=6 total=8')).figures.utilization!.value).toBe(75);
    expect((await utilization('used=1.2TiB total=4TiB')).figures.utilization!.value).toBeCloseTo(30, 9);
    expect((await utilization('used=512GiB total=1TiB')).figures.utilization!.value).toBeCloseTo(50, 9);
  });

  it('prices the unused share', async () => {
    const r = await utilization('used=6 total=8 cost=70000');
    expect(r.figures.unusedCost).toEqual({ value: 17_500, unit: 'USD' });
  });

  it('refuses mismatched or impossible amounts', async () => {
    await expect(utilization('used=6 total=80GB')).rejects.toThrow(/measure different things/);
    await expect(utilization('used=90GB total=80GB')).rejects.toThrow(/more than total=80GB/);
    await expect(utilization('used=60GB')).rejects.toThrow(/give used= and total=/);
    await expect(utilization('used=lots total=8')).rejects.toThrow(/used=lots: "lots" is not a count or an amount with a unit/);
  });
});
