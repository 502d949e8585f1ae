// The weekly digest as a job: pick the weeks from the clock at run time, fetch, build, present.
// Used by /finops digest, the CLI and (later) the schedule.
import type { PlanResult } from '../../commands/planResult.ts';
import { awsReadConfig } from '../../src/clouds/aws/awsReadClients.ts';
import { hasAwsCredentials } from '../../src/clouds/credentials.ts';
import { type CostSource, CostSourceError } from '../../src/clouds/costSource.ts';
import type { CostMetric } from '../../src/clouds/aws/costExplorerSource.ts';
import { combinedSource } from '../../src/clouds/combinedSource.ts';
import { demoAccount } from '../../src/clouds/demo/demoAccount.ts';
import { bundledCatalogs } from '../../src/catalogs/catalogs.ts';
import { digestAsPlan } from './digestPresentation.ts';
import type { AccountSettings } from '../../src/settings/fileSettings.ts';
import { utilizationSource } from '../../src/clouds/registry.ts';
import { type DigestPeriod, lastFullWeek } from '../../src/calc/period.ts';
import { weeklyDigest } from './weeklyDigest.ts';

export interface DigestSettings {
  timezone: string;
  group_by: string;
  metric: CostMetric;
  /** project.dataset.gcp_billing_export_v1_… : read when GCP credentials are configured */
  gcp_billing_table?: string;
  /** AWS regions whose GPU instances and endpoints are read for utilization */
  regions?: string[];
  /** other AWS accounts whose utilization is read through their roles (the config's `accounts`) */
  accounts?: AccountSettings[];
}

/**
 * AWS Cost Explorer with AWS credentials, the GCP billing export with GCP credentials and a table,
 * both when both; the bundled demo account when neither. SDKs load only when used.
 */
export async function digestCostSource(settings: DigestSettings, env: NodeJS.ProcessEnv): Promise<CostSource> {
  const sources: CostSource[] = [];
  if (hasAwsCredentials(env)) {
    const [{ CostExplorerClient }, { CostExplorerSource }] = await Promise.all([import('@aws-sdk/client-cost-explorer'), import('../../src/clouds/aws/costExplorerSource.ts')]);
    // Cost Explorer is served from us-east-1; AWS_ENDPOINT_URL_COST_EXPLORER points it elsewhere
    sources.push(new CostExplorerSource(new CostExplorerClient(awsReadConfig(env, { region: 'us-east-1' })), settings.metric));
  }
  if (settings.gcp_billing_table && env.GOOGLE_APPLICATION_CREDENTIALS) {
    const [{ bigQueryClient, billingClient }, { GcpBillingExportSource }, { billingCoverage, coverageNote }] = await Promise.all([
      import('../../src/clouds/gcp/gcpBillingClients.ts'), import('../../src/clouds/gcp/gcpBillingExportSource.ts'), import('../../src/clouds/gcp/gcpCoverage.ts'),
    ]);
    const table = settings.gcp_billing_table;
    const coverage = async () => {
      const client = billingClient(env);
      try {
        // credentials that cannot load fail here, before google-gax can leave a rejection unhandled
        await client.auth.getClient();
        return coverageNote(await billingCoverage(client, table), table);
      } finally {
        await client.close().catch(() => {});
      }
    };
    sources.push(new GcpBillingExportSource(bigQueryClient(table.split('.')[0]!), table, coverage));
  }
  if (!sources.length) return demoAccount;
  return sources.length === 1 ? sources[0]! : combinedSource(sources);
}

export async function runDigest(
  settings: DigestSettings, now: Date, env: NodeJS.ProcessEnv, period: DigestPeriod = lastFullWeek(now, settings.timezone),
): Promise<PlanResult> {
  const source = await digestCostSource(settings, env);
  const utilization = await utilizationSource(settings, env);
  try {
    return digestAsPlan(await weeklyDigest(source, period, settings.group_by, now, { source: utilization, prices: bundledCatalogs().prices }));
  } catch (error) {
    if (!(error instanceof CostSourceError)) throw error;
    const summary = `Cloud cost ${period.week.isoWeek}: ${source.name} unavailable (${error.message})`;
    return { command: 'digest', input: period.week.isoWeek, summary, figures: {}, rows: [], tables: [], assumptions: [], method: [], unavailable: `${source.name}: ${error.message}` };
  }
}
