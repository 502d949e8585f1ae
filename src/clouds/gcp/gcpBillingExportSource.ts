// GCP's standard billing export in BigQuery as a digest cost source: one query over the weeks
// asked for, by day, service, a label and cost type. Credits are summed per row inside a
// subquery over UNNEST(credits): a comma join with UNNEST would drop rows without credits and
// count a row once per credit. A partition filter keeps the scan to the days asked for.
import type { BigQuery } from '@google-cloud/bigquery';
import {
  type Adjustment,
  type CostData,
  type CostQuery,
  type CostSource,
  CostSourceError,
  type DailyCost,
  type Forecast,
  toMicro,
} from '../costSource.ts';

/** Rows are exported up to a few days after use; partitions this much after the range are read too. */
export const LATE_EXPORT_DAYS = 3;

export function billingExportQuery(table: string): string {
  return `SELECT
  FORMAT_DATE('%F', DATE(usage_start_time)) AS day,
  service.description AS service,
  IFNULL((SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = @label LIMIT 1), '') AS grp,
  cost_type,
  SUM(cost) AS cost,
  SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)) AS credits
FROM \`${table}\`
WHERE DATE(_PARTITIONTIME) BETWEEN @start AND DATE_ADD(@end, INTERVAL ${LATE_EXPORT_DAYS} DAY)
  AND usage_start_time >= TIMESTAMP(@start) AND usage_start_time < TIMESTAMP(@end)
GROUP BY day, service, grp, cost_type`;
}

interface Row {
  day: string;
  service: string;
  grp: string;
  cost_type: string;
  cost: number;
  credits: number;
}

/**
 * GCP has no forecast API: the month end at this month's daily run rate so far. On a month's first
 * day there is nothing to extrapolate from.
 */
export function runRateForecast(usage: DailyCost[], today: string): Forecast {
  const monthStart = `${today.slice(0, 8)}01`;
  const elapsed = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${monthStart}T00:00:00Z`)) / 86_400_000);
  if (elapsed === 0) return { omitted: 'no month-end forecast on the first day of a month (GCP is forecast from its run rate)' };
  const next = new Date(`${monthStart}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const days = Math.round((next.getTime() - Date.parse(`${monthStart}T00:00:00Z`)) / 86_400_000);
  const monthToDate = usage.filter((u) => u.date >= monthStart && u.date < today).reduce((sum, u) => sum + u.cost, 0);
  return { monthToDate, monthEnd: Math.round((monthToDate / elapsed) * days) };
}

export class GcpBillingExportSource implements CostSource {
  readonly name = 'GCP billing export';

  constructor(
    private readonly bigquery: BigQuery,
    private readonly table: string,
    /** a note on which billing accounts the digest covers, when the bot may list them */
    private readonly coverage?: () => Promise<string>,
  ) {}

  async costs(query: CostQuery): Promise<CostData> {
    const coverage = this.coverage?.().catch(
      (error: unknown) => `GCP coverage: unknown (the Cloud Billing API answered: ${(error as Error).message})`,
    );
    let rows: Row[];
    try {
      [rows] = (await this.bigquery.query({
        query: billingExportQuery(this.table),
        // a DATE parameter must be a BigQueryDate: a plain string is sent with no value at all
        params: { start: this.bigquery.date(query.start), end: this.bigquery.date(query.end), label: query.groupBy },
        types: { start: 'DATE', end: 'DATE', label: 'STRING' },
      })) as [Row[], ...unknown[]];
    } catch (error) {
      const { code, message } = error as { code?: number; message: string };
      if (code === 404)
        throw new CostSourceError(`the billing export table ${this.table} was not found: check digest.gcp_billing_table (${message})`);
      if (code === 403)
        throw new CostSourceError(
          `BigQuery refused the query: grant the bot's service account roles/bigquery.jobUser and read access to the export dataset (${message})`,
        );
      throw new CostSourceError(message);
    }
    const usage: DailyCost[] = [];
    const adjustments: Adjustment[] = [];
    for (const row of rows) {
      const cost = toMicro(Number(row.cost));
      const credits = toMicro(Number(row.credits));
      if (row.cost_type === 'regular') {
        if (cost !== 0) usage.push({ date: row.day, service: `GCP ${row.service}`, group: row.grp, cost });
      } else if (row.cost_type === 'tax') adjustments.push({ date: row.day, kind: 'tax', cost });
      else if (cost !== 0) adjustments.push({ date: row.day, kind: 'refund', cost });
      if (credits !== 0) adjustments.push({ date: row.day, kind: 'credit', cost: credits });
    }
    return {
      account: `GCP billing account ${this.table.split('.')[2]!.replace('gcp_billing_export_v1_', '').replaceAll('_', '-')}`,
      demo: false,
      usage,
      adjustments,
      gpu: [],
      forecast: runRateForecast(usage, query.today),
      notes: coverage ? [await coverage] : [],
      requests: 0,
    };
  }
}
