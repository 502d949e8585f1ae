// The weekly digest as figures: totals and change, what moved, by team, GPU spend, anomalies and
// the month-end view. Pure: cost data in, digest out; rendering happens elsewhere.

import type { CommandContext } from '../../commands/command.ts';
import { addDays, type DigestPeriod, isProvisional } from '../../src/calc/period.ts';
import type { InstancePrice } from '../../src/catalogs/hardware.ts';
import { type CostData, type CostQuery, type CostSource, type Forecast, type MicroUsd, toMicro } from '../../src/clouds/costSource.ts';
import {
  type EndpointUsage,
  type GpuInstanceUsage,
  IDLE_PARTS,
  readUtilization,
  type UtilizationSource,
} from '../../src/clouds/utilization.ts';
import { type RightsizingSettings, rightsizeLoads } from '../rightsizing/recommend.ts';

/** A day is anomalous above its 4-week baseline's mean + 3 standard deviations. */
export const ANOMALY_SIGMAS = 3;
export const BASELINE_DAYS = 28;
const TOP = 5;

export interface Line {
  name: string;
  cost: MicroUsd;
  previous: MicroUsd;
}
/** A service that moved, and the usage type within it that moved most the same way, when the source says */
export interface Move extends Line {
  usageType?: Line;
}
export interface Day {
  date: string;
  cost: MicroUsd;
  previous: MicroUsd;
  provisional: boolean;
}
export interface Anomaly {
  date: string;
  cost: MicroUsd;
  baselineMean: MicroUsd;
  baselineSd: MicroUsd;
  topService: string;
}

export interface GpuInstanceLine extends GpuInstanceUsage {
  /** hours × the catalog's on-demand price; null when the catalog does not list the type */
  cost: MicroUsd | null;
  /** the share of that cost the GPUs spent idle: cost × (1 − average utilization) */
  idleCost: MicroUsd | null;
}

export interface WeeklyDigest {
  account: string;
  demo: boolean;
  period: DigestPeriod;
  groupBy: string;
  total: MicroUsd;
  previousTotal: MicroUsd;
  credits: MicroUsd;
  refunds: MicroUsd;
  tax: MicroUsd;
  days: Day[];
  services: Line[];
  /** services beyond the top ones, summed */
  otherServices: Line | null;
  increases: Move[];
  decreases: Move[];
  groups: Line[];
  otherGroups: Line | null;
  gpu: (Line & { hours: number })[];
  anomalies: Anomaly[];
  forecast: Forecast;
  requests: number;
  /** the sources' notes: one unavailable, a forecast that leaves one out */
  notes: string[];
  /** GPU instances and how busy they were; absent when no utilization source was asked */
  utilization?: GpuInstanceLine[];
  /** SageMaker endpoint variants, their traffic and cost */
  endpoints?: EndpointLine[];
  /** what rightsizing would save a month, on how many endpoints and machines; absent when not read */
  savings?: { monthlySaving: number; variants: number };
}

export interface EndpointLine extends EndpointUsage {
  /** the week's hosting cost: 168 h × instances × the catalog price; null when not listed */
  cost: MicroUsd | null;
  perThousandInvocations: MicroUsd | null;
}

/** Prices each endpoint variant for the week it was up and per 1,000 invocations. */
export function priceEndpoints(usage: EndpointUsage[], prices: InstancePrice[], weekHours = 168): EndpointLine[] {
  return usage
    .map((u) => {
      const hourly = prices.find((p) => p.instance === u.instanceType)?.onDemandPerHour;
      const cost = hourly === undefined ? null : toMicro(hourly * u.instanceCount * weekHours);
      return {
        ...u,
        cost,
        perThousandInvocations: cost === null || u.invocations === 0 ? null : Math.round((cost / u.invocations) * 1000),
      };
    })
    .sort((a, b) => a.invocations - b.invocations || (b.cost ?? 0) - (a.cost ?? 0));
}

/** Prices each instance's reported hours and the idle share of them. */
export function priceUtilization(usage: GpuInstanceUsage[], prices: InstancePrice[]): GpuInstanceLine[] {
  return usage
    .map((u) => {
      const hourly = prices.find((p) => p.cloud === (u.cloud ?? 'aws') && p.instance === u.instanceType)?.onDemandPerHour;
      const cost = hourly === undefined ? null : toMicro(hourly * u.hours);
      const idleCost = cost === null || u.averagePercent === null ? null : Math.round(cost * (1 - u.averagePercent / 100));
      return { ...u, cost, idleCost };
    })
    .sort((a, b) => (b.idleCost ?? -1) - (a.idleCost ?? -1));
}

const sum = (xs: MicroUsd[]) => xs.reduce((a, b) => a + b, 0);

function lines(rows: { key: string; date: string; cost: MicroUsd }[], period: DigestPeriod): Line[] {
  const byKey = new Map<string, Line>();
  for (const row of rows) {
    const line = byKey.get(row.key) ?? { name: row.key, cost: 0, previous: 0 };
    if (row.date >= period.week.start && row.date < period.week.end) line.cost += row.cost;
    else if (row.date >= period.previous.start && row.date < period.previous.end) line.previous += row.cost;
    byKey.set(row.key, line);
  }
  return [...byKey.values()].filter((l) => l.cost !== 0 || l.previous !== 0).sort((a, b) => b.cost - a.cost);
}

function topAndRest(all: Line[], label: string): { top: Line[]; rest: Line | null } {
  const top = all.slice(0, TOP);
  const others = all.slice(TOP);
  return {
    top,
    rest: others.length
      ? { name: `${others.length} other ${label}`, cost: sum(others.map((l) => l.cost)), previous: sum(others.map((l) => l.previous)) }
      : null,
  };
}

/** Each service's move with the usage type behind it: the one that moved most in the same direction. */
function withUsageTypes(moves: Line[], data: CostData, period: DigestPeriod): Move[] {
  return moves.map((move) => {
    const types = lines(
      (data.usageTypes ?? []).filter((u) => u.service === move.name).map((u) => ({ key: u.usageType, date: u.date, cost: u.cost })),
      period,
    );
    const { up, down } = largestMoves(types, 1, 1);
    const usageType = move.cost > move.previous ? up[0] : down[0];
    return usageType ? { ...move, usageType } : move;
  });
}

/** The largest increases and the largest decreases, by amount moved, biggest first. */
function largestMoves(all: Line[], increases: number, decreases: number): { up: Line[]; down: Line[] } {
  const byDelta = [...all].sort((a, b) => b.cost - b.previous - (a.cost - a.previous));
  return {
    up: byDelta.filter((l) => l.cost > l.previous).slice(0, increases),
    down: byDelta
      .filter((l) => l.cost < l.previous)
      .reverse()
      .slice(0, decreases),
  };
}

function dailyTotals(data: CostData): Map<string, MicroUsd> {
  const daily = new Map<string, MicroUsd>();
  for (const u of data.usage) daily.set(u.date, (daily.get(u.date) ?? 0) + u.cost);
  return daily;
}

function anomalies(data: CostData, daily: Map<string, MicroUsd>, period: DigestPeriod): Anomaly[] {
  const found: Anomaly[] = [];
  for (const date of period.week.days) {
    const baseline = Array.from({ length: BASELINE_DAYS }, (_, i) => daily.get(addDays(date, -(i + 1)))).filter(
      (c): c is number => c !== undefined,
    );
    if (baseline.length < BASELINE_DAYS) continue;
    const mean = sum(baseline) / baseline.length;
    const sd = Math.sqrt(sum(baseline.map((c) => (c - mean) ** 2)) / baseline.length);
    const cost = daily.get(date) ?? 0;
    if (cost > mean + ANOMALY_SIGMAS * sd) {
      const services = lines(
        data.usage.filter((u) => u.date === date).map((u) => ({ key: u.service, date: period.week.start, cost: u.cost })),
        period,
      );
      found.push({ date, cost, baselineMean: Math.round(mean), baselineSd: Math.round(sd), topService: services[0]?.name ?? '' });
    }
  }
  return found;
}

export function buildWeeklyDigest(data: CostData, period: DigestPeriod, groupBy: string, now: Date): WeeklyDigest {
  const services = lines(
    data.usage.map((u) => ({ key: u.service, date: u.date, cost: u.cost })),
    period,
  );
  const groups = lines(
    data.usage.map((u) => ({ key: u.group || `(no ${groupBy})`, date: u.date, cost: u.cost })),
    period,
  );
  const daily = dailyTotals(data);
  const byDate = (date: string) => daily.get(date) ?? 0;
  const moved = largestMoves(services, 3, 3);
  const inWeek = (d: { date: string }) => d.date >= period.week.start && d.date < period.week.end;
  const adjustments = (kind: 'credit' | 'refund' | 'tax') =>
    sum(data.adjustments.filter((a) => a.kind === kind && inWeek(a)).map((a) => a.cost));
  const gpuLines = new Map<string, Line & { hours: number }>();
  for (const g of data.gpu) {
    const line = gpuLines.get(g.instanceType) ?? { name: g.instanceType, cost: 0, previous: 0, hours: 0 };
    if (inWeek(g)) {
      line.cost += g.cost;
      line.hours += g.hours;
    } else if (g.date >= period.previous.start && g.date < period.previous.end) line.previous += g.cost;
    gpuLines.set(g.instanceType, line);
  }
  const serviceSplit = topAndRest(services, 'services');
  const groupSplit = topAndRest(groups, `${groupBy} values`);
  return {
    account: data.account,
    demo: data.demo,
    period,
    groupBy,
    total: sum(services.map((s) => s.cost)),
    previousTotal: sum(services.map((s) => s.previous)),
    credits: adjustments('credit'),
    refunds: adjustments('refund'),
    tax: adjustments('tax'),
    days: period.week.days.map((date, i) => ({
      date,
      cost: byDate(date),
      previous: byDate(period.previous.days[i]!),
      provisional: isProvisional(date, now),
    })),
    services: serviceSplit.top,
    otherServices: serviceSplit.rest,
    increases: withUsageTypes(moved.up, data, period),
    decreases: withUsageTypes(moved.down, data, period),
    groups: groupSplit.top,
    otherGroups: groupSplit.rest,
    gpu: [...gpuLines.values()].sort((a, b) => b.cost - a.cost),
    anomalies: anomalies(data, daily, period),
    forecast: data.forecast,
    requests: data.requests,
    notes: data.notes ?? [],
  };
}

/** The query a digest needs: both weeks, plus the baseline days the anomaly check looks back over. */
export function digestQuery(period: DigestPeriod, groupBy: string): CostQuery {
  return { start: addDays(period.week.start, -BASELINE_DAYS), end: period.week.end, today: period.today, groupBy };
}

export interface UtilizationInput {
  source: UtilizationSource | undefined;
  prices: InstancePrice[];
  /** sizes the models endpoints serve, for the savings rightsizing would make; without it none are read */
  rightsizing?: { models: CommandContext; settings: RightsizingSettings };
}

export async function weeklyDigest(
  source: CostSource,
  period: DigestPeriod,
  groupBy: string,
  now: Date,
  utilization?: UtilizationInput,
): Promise<WeeklyDigest> {
  const [data, reading] = await Promise.all([
    source.costs(digestQuery(period, groupBy)),
    utilization &&
      readUtilization(
        utilization.source,
        period.week.start,
        period.week.end,
        utilization.rightsizing ? [...IDLE_PARTS, 'servingLoads'] : IDLE_PARTS,
      ),
  ]);
  const digest = buildWeeklyDigest(data, period, groupBy, now);
  if (reading) {
    digest.utilization = priceUtilization(reading.instances, utilization!.prices);
    digest.endpoints = priceEndpoints(reading.endpoints, utilization!.prices);
    digest.notes.push(...reading.notes);
    const sizing = utilization!.rightsizing;
    if (sizing) {
      const { recommendations } = await rightsizeLoads(reading.servingLoads, sizing.models, sizing.settings, reading.instances);
      digest.savings = { monthlySaving: recommendations.reduce((sum, r) => sum + r.monthlySaving, 0), variants: recommendations.length };
    }
  }
  return digest;
}
