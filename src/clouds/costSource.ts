// What a cost source returns for a digest: daily usage cost by service and by one grouping
// dimension, credits/refunds/tax apart, GPU instance spend, and the month-end forecast. Money is
// integer micro-dollars, so sums never drift.

/** Cost Explorer's cost metrics, which the settings choose by name. */
export type CostMetric = 'UnblendedCost' | 'AmortizedCost' | 'NetAmortizedCost';

export type MicroUsd = number;

export const toMicro = (usd: number): MicroUsd => Math.round(usd * 1e6);
export const fromMicro = (micro: MicroUsd): number => micro / 1e6;

export interface DailyCost {
  date: string;
  service: string;
  /** value of the configured grouping dimension (tag, project or account); '' when untagged */
  group: string;
  cost: MicroUsd;
}

export interface Adjustment {
  date: string;
  kind: 'credit' | 'refund' | 'tax';
  cost: MicroUsd;
}

export interface GpuInstanceCost {
  date: string;
  instanceType: string;
  cost: MicroUsd;
  hours: number;
}

export type Forecast = { monthEnd: MicroUsd; monthToDate: MicroUsd } | { omitted: string };

/** Usage cost of one usage type of a service on one day (Cost Explorer's USAGE_TYPE, e.g. USE1-BoxUsage:p4d.24xlarge). */
export interface UsageTypeCost {
  date: string;
  service: string;
  usageType: string;
  cost: MicroUsd;
}

export interface CostData {
  /** who this is: "AWS 123456789012", "demo account" */
  account: string;
  demo: boolean;
  usage: DailyCost[];
  adjustments: Adjustment[];
  gpu: GpuInstanceCost[];
  /** usage cost by service and usage type for the two weeks, where the source can say what moved at that level */
  usageTypes?: UsageTypeCost[];
  forecast: Forecast;
  /** billed API requests made to produce this (Cost Explorer charges $0.01 each) */
  requests: number;
  /** what the reader should know: a source that could not answer, a forecast that leaves one out */
  notes?: string[];
}

export interface CostQuery {
  /** first day, inclusive */
  start: string;
  /** last day, exclusive */
  end: string;
  /** the zone's date today, for month-to-date and forecast */
  today: string;
  /** the grouping dimension's name, e.g. team */
  groupBy: string;
}

/** A cost source that cannot answer, with a reason that says what to fix. */
export class CostSourceError extends Error {
  override name = 'CostSourceError';
}

export interface CostSource {
  name: string;
  costs(query: CostQuery): Promise<CostData>;
}
