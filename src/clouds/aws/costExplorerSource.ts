// AWS Cost Explorer as a digest cost source, in at most four billed requests for a typical account
// (more only when a result runs to several pages, which are all followed):
//   1. daily usage by SERVICE and the configured tag (RECORD_TYPE = Usage, so credits stay out),
//      back over the anomaly baseline
//   2. the two weeks' daily usage by SERVICE and USAGE_TYPE: which usage type moved each service
//   3. the two weeks' daily cost by RECORD_TYPE and INSTANCE_TYPE, of EC2 usage and of credits,
//      refunds and tax: GPU and accelerator instances' cost and hours, and the adjustments on
//      their own lines
//   4. the month-end forecast (omitted with a note when AWS cannot forecast)
import {
  type CostExplorerClient,
  type Dimension,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  GetCostForecastCommand,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { addDays } from '../../calc/period.ts';
import {
  type Adjustment,
  type CostData,
  type CostMetric,
  type CostQuery,
  type CostSource,
  CostSourceError,
  type DailyCost,
  type Forecast,
  type GpuInstanceCost,
  type MicroUsd,
  toMicro,
  type UsageTypeCost,
} from '../costSource.ts';
import { asReadFailure } from '../readFailure.ts';

const FORECAST_METRIC: Record<CostMetric, 'UNBLENDED_COST' | 'AMORTIZED_COST' | 'NET_AMORTIZED_COST'> = {
  UnblendedCost: 'UNBLENDED_COST',
  AmortizedCost: 'AMORTIZED_COST',
  NetAmortizedCost: 'NET_AMORTIZED_COST',
};

const EC2_COMPUTE = 'Amazon Elastic Compute Cloud - Compute';
/** GPU and accelerator families: p*, g*, inf*, trn* (g and p also cover G4ad/G5g and P-series) */
export const GPU_INSTANCE = /^(p\d|g\d|inf\d|trn\d)/;
const ADJUSTMENTS: Record<string, Adjustment['kind']> = { Credit: 'credit', Refund: 'refund', Tax: 'tax' };
const dimension = (key: Dimension, values: string[]): Expression => ({ Dimensions: { Key: key, Values: values } });

const amount = (metrics: Record<string, { Amount?: string }> | undefined, metric: string): MicroUsd =>
  toMicro(Number(metrics?.[metric]?.Amount ?? 0));

/** What an AWS error means for whoever configures burnrate, as one line; bugs are thrown as they are. */
function explained(error: unknown, action: string): CostSourceError {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as Error).message;
  if (name === 'AccessDeniedException') return new CostSourceError(`AWS denied ${action}: grant the bot's role ce:${action} (${message})`);
  if (name === 'DataUnavailableException')
    return new CostSourceError(`Cost Explorer has no data yet: enable it in the Billing console and allow 24 hours (${message})`);
  if (name === 'BillExpirationException') return new CostSourceError(`Cost Explorer cannot reach that far back (${message})`);
  return asReadFailure(error, `Cost Explorer ${action}`);
}

export class CostExplorerSource implements CostSource {
  readonly name = 'AWS Cost Explorer';

  constructor(
    private readonly client: CostExplorerClient,
    private readonly metric: CostMetric = 'UnblendedCost',
    private readonly account = 'AWS',
  ) {}

  private async pages(input: GetCostAndUsageCommandInput, counter: { requests: number }): Promise<ResultByTime[]> {
    const results: ResultByTime[] = [];
    let token: string | undefined;
    do {
      counter.requests++;
      let page;
      try {
        page = await this.client.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }));
      } catch (error) {
        throw explained(error, 'GetCostAndUsage');
      }
      results.push(...(page.ResultsByTime ?? []));
      token = page.NextPageToken || undefined;
    } while (token);
    return results;
  }

  async costs(query: CostQuery): Promise<CostData> {
    const counter = { requests: 0 };
    const twoWeeks = { Start: addDays(query.end, -14), End: query.end };
    const usageOnly = dimension('RECORD_TYPE', ['Usage']);
    const [usagePages, usageTypePages, recordPages, forecast] = await Promise.all([
      this.pages(
        {
          TimePeriod: { Start: query.start, End: query.end },
          Granularity: 'DAILY',
          Metrics: [this.metric],
          Filter: usageOnly,
          GroupBy: [
            { Type: 'DIMENSION', Key: 'SERVICE' },
            { Type: 'TAG', Key: query.groupBy },
          ],
        },
        counter,
      ),
      this.pages(
        {
          TimePeriod: twoWeeks,
          Granularity: 'DAILY',
          Metrics: [this.metric],
          Filter: usageOnly,
          GroupBy: [
            { Type: 'DIMENSION', Key: 'SERVICE' },
            { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
          ],
        },
        counter,
      ),
      this.pages(
        {
          TimePeriod: twoWeeks,
          Granularity: 'DAILY',
          Metrics: [this.metric, 'UsageQuantity'],
          Filter: { Or: [{ And: [usageOnly, dimension('SERVICE', [EC2_COMPUTE])] }, dimension('RECORD_TYPE', Object.keys(ADJUSTMENTS))] },
          GroupBy: [
            { Type: 'DIMENSION', Key: 'RECORD_TYPE' },
            { Type: 'DIMENSION', Key: 'INSTANCE_TYPE' },
          ],
        },
        counter,
      ),
      this.forecast(query, counter),
    ]);

    const usage: DailyCost[] = usagePages
      .flatMap((day) =>
        (day.Groups ?? []).map((g) => {
          const [service = '', tag = ''] = g.Keys ?? [];
          // tag group keys come back as "team$research", or "team$" when the resource has no such tag
          return { date: day.TimePeriod!.Start!, service, group: tag.slice(tag.indexOf('$') + 1), cost: amount(g.Metrics, this.metric) };
        }),
      )
      .filter((u) => u.cost !== 0);
    const usageTypes: UsageTypeCost[] = usageTypePages
      .flatMap((day) =>
        (day.Groups ?? []).map((g) => {
          const [service = '', usageType = ''] = g.Keys ?? [];
          return { date: day.TimePeriod!.Start!, service, usageType, cost: amount(g.Metrics, this.metric) };
        }),
      )
      .filter((u) => u.cost !== 0);
    const adjustments: Adjustment[] = [];
    const gpu: GpuInstanceCost[] = [];
    for (const day of recordPages) {
      const date = day.TimePeriod!.Start!;
      const byKind = new Map<Adjustment['kind'], MicroUsd>();
      for (const g of day.Groups ?? []) {
        // credits, refunds and tax are summed over whatever instance type they come grouped under
        const [recordType = '', instanceType = ''] = g.Keys ?? [];
        const cost = amount(g.Metrics, this.metric);
        const kind = ADJUSTMENTS[recordType];
        if (kind) byKind.set(kind, (byKind.get(kind) ?? 0) + cost);
        else if (recordType === 'Usage' && GPU_INSTANCE.test(instanceType)) {
          gpu.push({ date, instanceType, cost, hours: Number(g.Metrics?.UsageQuantity?.Amount ?? 0) });
        }
      }
      for (const [kind, cost] of byKind) if (cost !== 0) adjustments.push({ date, kind, cost });
    }
    const notes: string[] = [];
    if (usage.length && usage.every((u) => u.group === '')) {
      // Cost Explorer groups everything under "team$" when no cost carries the tag: usually the tag
      // is not activated for cost allocation, or the key is misspelt
      notes.push(
        `no cost carries the tag "${query.groupBy}": activate it in Billing → Cost allocation tags (it applies from then on), or set digest.group_by to a tag you use`,
      );
    }
    const monthStart = `${query.today.slice(0, 8)}01`;
    const monthToDate = usage.filter((u) => u.date >= monthStart && u.date < query.today).reduce((sum, u) => sum + u.cost, 0);
    return {
      account: this.account,
      demo: false,
      usage,
      adjustments,
      gpu,
      usageTypes,
      forecast: 'rest' in forecast ? { monthToDate, monthEnd: monthToDate + forecast.rest } : forecast,
      requests: counter.requests,
      notes,
    };
  }

  /** The rest of the month from today. On a month's first day the forecast is the whole month. */
  private async forecast(query: CostQuery, counter: { requests: number }): Promise<{ rest: MicroUsd } | Forecast> {
    const next = new Date(`${query.today.slice(0, 8)}01T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    counter.requests++;
    try {
      const result = await this.client.send(
        new GetCostForecastCommand({
          TimePeriod: { Start: query.today, End: next.toISOString().slice(0, 10) },
          Metric: FORECAST_METRIC[this.metric],
          Granularity: 'MONTHLY',
        }),
      );
      return { rest: toMicro(Number(result.Total?.Amount ?? 0)) };
    } catch (error) {
      const name = (error as { name?: string }).name;
      // too little history, or nothing left to forecast: the digest says so instead of failing
      if (name === 'DataUnavailableException' || name === 'ValidationException') {
        return { omitted: `no month-end forecast: Cost Explorer cannot forecast this account yet (${(error as Error).message})` };
      }
      // the forecast is one line of the digest: any other failure leaves that line out, not the digest
      return { omitted: `no month-end forecast: ${explained(error, 'GetCostForecast').message}` };
    }
  }
}
