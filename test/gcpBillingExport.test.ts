// The GCP billing export source through the real BigQuery client against a loopback BigQuery,
// and AWS + GCP together in one digest, with one of them failing.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestAsPlan } from '../reports/weeklyDigest/digestPresentation.ts';
import { digestQuery, weeklyDigest } from '../reports/weeklyDigest/weeklyDigest.ts';
import { addDays, lastFullWeek } from '../src/calc/period.ts';
import { CostExplorerSource } from '../src/clouds/aws/costExplorerSource.ts';
import { combinedSource } from '../src/clouds/combinedSource.ts';
import { CostSourceError, toMicro } from '../src/clouds/costSource.ts';
import { demoAccount } from '../src/clouds/demo/demoAccount.ts';
import { GcpBillingExportSource, runRateForecast } from '../src/clouds/gcp/gcpBillingExportSource.ts';
import { digestCostSource } from '../src/clouds/registry.ts';
import { DEFAULT_DIGEST_SETTINGS } from '../src/runtime/finopsJobs.ts';
import { type BillingRow, type FakeBigQuery, startFakeBigQuery } from './support/fakeBigQuery.ts';
import { type FakeCostExplorer, startFakeCostExplorer } from './support/fakeCostExplorer.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const period = lastFullWeek(NOW, 'UTC');
const query = digestQuery(period, 'team');
const TABLE = 'acme-billing.billing_export.gcp_billing_export_v1_012345_6789AB_CDEF01';
const savedEnv = { ...process.env };

function rows(): BillingRow[] {
  const out: BillingRow[] = [];
  for (let day = query.start; day < query.end; day = addDays(day, 1)) {
    out.push({ day, service: 'Compute Engine', grp: 'research', cost_type: 'regular', cost: 300, credits: -20 });
    out.push({ day, service: 'Vertex AI', grp: '', cost_type: 'regular', cost: 120, credits: 0 });
  }
  out.push({ day: period.week.days[3]!, service: 'Compute Engine', grp: '', cost_type: 'tax', cost: 15, credits: 0 });
  return out;
}

let bigquery: FakeBigQuery;
let costExplorer: FakeCostExplorer;

beforeAll(async () => {
  bigquery = await startFakeBigQuery(rows(), 25);
  costExplorer = await startFakeCostExplorer({ data: await demoAccount.costs(query) });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(mkdtempSync(join(tmpdir(), 'burnrate-bq-')), 'key.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'acme-billing',
      private_key_id: 'k1',
      client_email: 'burnrate@acme-billing.iam.gserviceaccount.com',
      client_id: '1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      token_uri: `${bigquery.url}/token`,
    }),
  );
  Object.assign(process.env, {
    GOOGLE_APPLICATION_CREDENTIALS: keyFile,
    BIGQUERY_EMULATOR_HOST: bigquery.url,
    AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_COST_EXPLORER: costExplorer.url,
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await bigquery.close();
  await costExplorer.close();
});

/**
 * The service-account flow exchanges its JWT at a fixed Google URL, which a loopback test cannot
 * reach; the client gets a real OAuth2 client already holding an access token instead.
 */
function authClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'ya29.burnrate-test', expiry_date: Date.now() + 3_600_000, token_type: 'Bearer' });
  return client;
}
const source = () =>
  new GcpBillingExportSource(
    new BigQuery({ projectId: 'acme-billing', authClient: authClient() as unknown as BigQueryOptions['authClient'] }),
    TABLE,
  );

describe('GCP billing export source', () => {
  it('reads usage by day, service and label, every page, with credits and tax on their own lines', async () => {
    const data = await source().costs(query);
    const inWeek = data.usage.filter((u) => u.date >= period.week.start && u.date < period.week.end);
    expect(inWeek.reduce((sum, u) => sum + u.cost, 0)).toBe(toMicro(7 * 420));
    expect(new Set(data.usage.map((u) => u.service))).toEqual(new Set(['GCP Compute Engine', 'GCP Vertex AI']));
    expect(data.adjustments.filter((a) => a.kind === 'credit' && a.date >= period.week.start).reduce((s, a) => s + a.cost, 0)).toBe(
      toMicro(-140),
    );
    expect(data.adjustments.filter((a) => a.kind === 'tax')).toEqual([{ date: period.week.days[3], kind: 'tax', cost: toMicro(15) }]);
    expect(data.usage).toHaveLength(35 * 2);
    expect(bigquery.pageRequests.length).toBeGreaterThan(1);
    expect(data.account).toBe('GCP billing account 012345-6789AB-CDEF01');
  });

  it('sums credits in a subquery per row and filters partitions to the days asked for', async () => {
    await source().costs(query);
    const { sql, parameters, authorization } = bigquery.queries.at(-1)!;
    expect(sql).toContain('SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)) AS credits');
    expect(sql).not.toMatch(/,\s*UNNEST\(credits\)/);
    expect(sql).toContain(`FROM \`${TABLE}\``);
    expect(sql).toContain('DATE(_PARTITIONTIME) BETWEEN @start AND DATE_ADD(@end, INTERVAL 3 DAY)');
    const params = Object.fromEntries(parameters.map((p) => [p.name, [p.parameterType.type, p.parameterValue.value]]));
    expect(params).toEqual({ start: ['DATE', '2026-10-19'], end: ['DATE', '2026-11-23'], label: ['STRING', 'team'] });
    expect(authorization).toBe('Bearer ya29.burnrate-test');
  });

  it('says which setting to fix when the table is missing', async () => {
    bigquery.failNext = { status: 404, reason: 'notFound', message: `Not found: Table ${TABLE}` };
    await expect(source().costs(query)).rejects.toThrow(CostSourceError);
    bigquery.failNext = { status: 404, reason: 'notFound', message: `Not found: Table ${TABLE}` };
    await expect(source().costs(query)).rejects.toThrow(/check digest\.gcp_billing_table/);
  });

  it('adds a note on which billing accounts it covers, or why that is unknown', async () => {
    const bq = new BigQuery({ projectId: 'acme-billing', authClient: authClient() as unknown as BigQueryOptions['authClient'] });
    const covered = new GcpBillingExportSource(
      bq,
      TABLE,
      async () => 'GCP coverage: billing account "Main" (3 projects) is in this digest',
    );
    expect((await covered.costs(query)).notes).toEqual(['GCP coverage: billing account "Main" (3 projects) is in this digest']);
    const unknown = new GcpBillingExportSource(bq, TABLE, async () => {
      throw new Error('PERMISSION_DENIED: billing.accounts.list');
    });
    expect((await unknown.costs(query)).notes).toEqual([
      'GCP coverage: unknown (the Cloud Billing API answered: PERMISSION_DENIED: billing.accounts.list)',
    ]);
  });

  it('forecasts the month end from the run rate, except on the first day', () => {
    const usage = [
      { date: '2026-11-01', service: 's', group: '', cost: toMicro(100) },
      { date: '2026-11-02', service: 's', group: '', cost: toMicro(100) },
    ];
    expect(runRateForecast(usage, '2026-11-03')).toEqual({ monthToDate: toMicro(200), monthEnd: toMicro(3000) });
    expect(runRateForecast(usage, '2026-12-01')).toMatchObject({ omitted: expect.stringMatching(/first day of a month/) });
  });
});

describe('AWS and GCP in one digest', () => {
  const settings = { ...DEFAULT_DIGEST_SETTINGS, gcp_billing_table: TABLE };
  const both = () => combinedSource([new CostExplorerSource(new CostExplorerClient({ region: 'us-east-1' })), source()]);

  it('reads both clouds when both have credentials, the demo account when neither does', async () => {
    expect((await digestCostSource(settings, process.env)).name).toBe('AWS Cost Explorer + GCP billing export');
    expect((await digestCostSource(settings, { GOOGLE_APPLICATION_CREDENTIALS: '/k.json' })).name).toBe('GCP billing export');
    expect((await digestCostSource(DEFAULT_DIGEST_SETTINGS, { GOOGLE_APPLICATION_CREDENTIALS: '/k.json' })).name).toBe('demo account');
  });

  it('adds both clouds', async () => {
    const aws = await weeklyDigest(new CostExplorerSource(new CostExplorerClient({ region: 'us-east-1' })), period, 'team', NOW);
    const digest = await weeklyDigest(both(), period, 'team', NOW);
    expect(digest.total).toBe(aws.total + toMicro(7 * 420));
    expect(digest.services.map((l) => l.name)).toContain('GCP Compute Engine');
    expect(digest.credits).toBe(aws.credits + toMicro(-140));
    expect(digest.notes).toEqual([]);
    // month to date covers both clouds: GCP's Nov 1–22 at $420 a day
    expect(
      'monthToDate' in digest.forecast && 'monthToDate' in aws.forecast && digest.forecast.monthToDate - aws.forecast.monthToDate,
    ).toBe(toMicro(22 * 420));
  });

  it('posts AWS with a note when GCP fails', async () => {
    bigquery.failNext = {
      status: 403,
      reason: 'accessDenied',
      message: 'Access Denied: User does not have bigquery.jobs.create permission',
    };
    const digest = await weeklyDigest(both(), period, 'team', NOW);
    expect(digest.notes).toEqual([
      expect.stringMatching(
        /^GCP billing export: unavailable \(BigQuery refused the query: grant the bot's service account roles\/bigquery\.jobUser/,
      ),
    ]);
    expect(digest.total).toBeGreaterThan(0);
    expect(digest.services.map((l) => l.name)).not.toContain('GCP Compute Engine');
    expect(digestAsPlan(digest).assumptions).toContain(digest.notes[0]);
  });
});
