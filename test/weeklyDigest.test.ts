// The weekly digest: arithmetic on hand-made cost data, anomalies against a 4-week baseline, the
// demo account end to end, and the CLI's dry run.
import { describe, expect, it } from 'vitest';
import { digestAsPlan } from '../reports/weeklyDigest/digestPresentation.ts';
import { BASELINE_DAYS, buildWeeklyDigest, digestQuery, weeklyDigest } from '../reports/weeklyDigest/weeklyDigest.ts';
import { addDays, lastFullWeek } from '../src/calc/period.ts';
import type { CostData, DailyCost } from '../src/clouds/costSource.ts';
import { toMicro } from '../src/clouds/costSource.ts';
import { demoAccount } from '../src/clouds/demo/demoAccount.ts';
import { digestCli } from '../src/runtime/reportCli.ts';
import { type Block, MAX_BLOCKS, splitMessage } from '../src/slack/blockLimits.ts';
import { planBlocks } from '../src/slack/planBlocks.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const period = lastFullWeek(NOW, 'UTC');

function data(usage: DailyCost[], extra: Partial<CostData> = {}): CostData {
  return {
    account: 'test',
    demo: false,
    usage,
    adjustments: [],
    gpu: [],
    forecast: { omitted: 'not enough history' },
    requests: 2,
    ...extra,
  };
}

/** `perDay` USD every day from the baseline's start to the week's end, for one service and group */
function flat(service: string, group: string, perDay: (date: string) => number): DailyCost[] {
  const out: DailyCost[] = [];
  for (let d = addDays(period.week.start, -BASELINE_DAYS); d < period.week.end; d = addDays(d, 1))
    out.push({ date: d, service, group, cost: toMicro(perDay(d)) });
  return out;
}

describe('buildWeeklyDigest', () => {
  it('sums each week in integer micro-dollars and keeps credits out of the totals', () => {
    const usage = [...flat('EC2', 'research', () => 100.1), ...flat('S3', '', (d) => (d >= period.week.start ? 20 : 10))];
    const d = buildWeeklyDigest(
      data(usage, { adjustments: [{ date: period.week.start, kind: 'credit', cost: toMicro(-50) }] }),
      period,
      'team',
      NOW,
    );
    expect(d.total).toBe(toMicro(7 * 100.1 + 7 * 20));
    expect(d.previousTotal).toBe(toMicro(7 * 100.1 + 7 * 10));
    expect(Number.isInteger(d.total)).toBe(true);
    expect(d.credits).toBe(toMicro(-50));
    expect(d.increases.map((l) => l.name)).toEqual(['S3']);
    expect(d.groups.map((g) => g.name)).toEqual(['research', '(no team)']);
  });

  it('summarizes beyond the top five instead of cutting the table', () => {
    const usage = Array.from({ length: 8 }, (_, i) => flat(`svc-${i}`, 't', () => 10 * (i + 1))).flat();
    const d = buildWeeklyDigest(data(usage), period, 'team', NOW);
    expect(d.services.map((s) => s.name)).toEqual(['svc-7', 'svc-6', 'svc-5', 'svc-4', 'svc-3']);
    expect(d.otherServices).toEqual({ name: '3 other services', cost: toMicro(7 * (10 + 20 + 30)), previous: toMicro(7 * (10 + 20 + 30)) });
  });

  it('flags a day more than 3σ above its 4-week baseline, and nothing in a steady week', () => {
    const wobble = (d: string) => 100 + (Number(d.slice(8)) % 3);
    const spike = buildWeeklyDigest(data(flat('EC2', 't', (d) => (d === period.week.days[2] ? 300 : wobble(d)))), period, 'team', NOW);
    expect(spike.anomalies.map((a) => a.date)).toEqual([period.week.days[2]]);
    expect(spike.anomalies[0]!.topService).toBe('EC2');
    expect(buildWeeklyDigest(data(flat('EC2', 't', wobble)), period, 'team', NOW).anomalies).toEqual([]);
  });

  it('skips the anomaly check without a full baseline, and marks the last 48 hours provisional', () => {
    const short = flat('EC2', 't', () => 100).filter((u) => u.date >= addDays(period.week.start, -3));
    const d = buildWeeklyDigest(data(short), period, 'team', NOW);
    expect(d.anomalies).toEqual([]);
    expect(d.days.filter((day) => day.provisional).map((day) => day.date)).toEqual(['2026-11-21', '2026-11-22']);
  });

  it('asks its source for the baseline days too', () => {
    expect(digestQuery(period, 'team')).toEqual({ start: '2026-10-19', end: '2026-11-23', today: '2026-11-23', groupBy: 'team' });
  });
});

describe('the demo account digest', () => {
  it('shows last week with its anomaly, its credit and a forecast, labelled demo data', async () => {
    const d = await weeklyDigest(demoAccount, period, 'team', NOW);
    expect(d.demo).toBe(true);
    expect(d.anomalies.map((a) => a.date)).toEqual(['2026-11-18']);
    expect(d.gpu[0]!.name).toBe('p4d.24xlarge');
    expect(d.credits).toBeLessThan(0);
    expect('monthEnd' in d.forecast && d.forecast.monthEnd > d.forecast.monthToDate).toBe(true);
    const plan = digestAsPlan(d);
    expect(plan.summary).toMatch(
      /^\[demo data\] Cloud cost 2026-W47 \(Nov 16–22\): \$[\d,]+, \+\$[\d,]+ \(\+\d+\.\d%\) vs the week before$/,
    );
    for (const part of splitMessage(planBlocks(plan))) expect(part.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  });

  it('draws the two weeks as a native Slack bar chart within its limits', async () => {
    const d = await weeklyDigest(demoAccount, period, 'team', NOW);
    const charts = planBlocks(digestAsPlan(d)).blocks.filter((b) => b.type === 'data_visualization');
    expect(charts).toHaveLength(1);
    const chart = charts[0] as Extract<Block, { type: 'data_visualization' }>;
    expect(chart.title.length).toBeLessThanOrEqual(50);
    expect(chart.chart.axis_config.categories).toEqual([
      'Mon Nov 16',
      'Tue Nov 17',
      'Wed Nov 18',
      'Thu Nov 19',
      'Fri Nov 20',
      'Sat Nov 21',
      'Sun Nov 22',
    ]);
    expect(chart.chart.series.map((s) => s.name)).toEqual(['2026-W47', '2026-W46']);
    for (const series of chart.chart.series) expect(series.data.map((p) => p.label)).toEqual(chart.chart.axis_config.categories);
    expect(chart.chart.series[0]!.data[2]!.value).toBe(Math.round(d.days[2]!.cost / 1e6));
  });

  it('is the same every run', async () => {
    expect(await weeklyDigest(demoAccount, period, 'team', NOW)).toEqual(await weeklyDigest(demoAccount, period, 'team', NOW));
  });
});

describe('burnrate digest', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {} } };
  };

  it('--dry-run prints the digest of a named week; --json prints its figures', async () => {
    const text = io();
    expect(await digestCli(['--dry-run', '--week', '2026-W47'], false, text.io, NOW)).toBe(0);
    expect(text.out[0]).toMatch(/^\[demo data\] Cloud cost 2026-W47 \(Nov 16–22\)/);
    const json = io();
    expect(await digestCli(['--dry-run', '--week=2026-W47'], true, json.io, NOW)).toBe(0);
    expect(JSON.parse(json.out[0]!).figures.total.unit).toBe('USD');
  });

  it('says what rightsizing would save, from the endpoints it read for the week', async () => {
    const json = io();
    expect(await digestCli(['--dry-run', '--week=2026-W47'], true, json.io, NOW)).toBe(0);
    expect(JSON.parse(json.out[0]!).rows).toContainEqual([
      'Savings available',
      '$4,148 a month by rightsizing 1 resource (/finops rightsize)',
    ]);
  });

  it('says what to type instead', async () => {
    const noDryRun = io();
    expect(await digestCli([], false, noDryRun.io, NOW)).toBe(2);
    expect(noDryRun.err[0]).toMatch(/prints the digest with --dry-run/);
    const badWeek = io();
    expect(await digestCli(['--dry-run', '--week', '2026-47'], false, badWeek.io, NOW)).toBe(2);
    expect(badWeek.err[0]).toMatch(/--week 2026-47 is not an ISO week; write it like 2026-W47/);
    const unknown = io();
    expect(await digestCli(['--dry-run', '--post'], false, unknown.io, NOW)).toBe(2);
    expect(unknown.err[0]).toMatch(/did not understand "--post"/);
  });
});
