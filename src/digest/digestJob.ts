// The weekly digest as a job: pick the weeks from the clock at run time, fetch, build, present.
// Used by /finops digest, the CLI and (later) the schedule.
import type { PlanResult } from '../../commands/planResult.ts';
import { hasAwsCredentials } from '../cloud/credentials.ts';
import { googleRestOptions } from '../cloud/googleClientOptions.ts';
import { type CostSource, CostSourceError } from './costData.ts';
import type { CostMetric } from './costExplorerSource.ts';
import { combinedSource } from './combinedSource.ts';
import { demoAccount } from './demoAccount.ts';
import { demoUtilization } from './demoUtilization.ts';
import { regionalUtilization, type UtilizationSource } from './gpuUtilization.ts';
import { bundledCatalogs } from '../catalogs/catalogs.ts';
import { digestAsPlan } from './digestPresentation.ts';
import { type DigestPeriod, lastFullWeek } from './period.ts';
import { weeklyDigest } from './weeklyDigest.ts';

export interface DigestSettings {
  timezone: string;
  group_by: string;
  metric: CostMetric;
  /** project.dataset.gcp_billing_export_v1_… : read when GCP credentials are configured */
  gcp_billing_table?: string;
  /** AWS regions whose GPU instances and endpoints are read for utilization */
  regions?: string[];
}

/**
 * AWS Cost Explorer with AWS credentials, the GCP billing export with GCP credentials and a table,
 * both when both; the bundled demo account when neither. SDKs load only when used.
 */
export async function digestCostSource(settings: DigestSettings, env: NodeJS.ProcessEnv): Promise<CostSource> {
  const sources: CostSource[] = [];
  if (hasAwsCredentials(env)) {
    const [{ CostExplorerClient }, { CostExplorerSource }] = await Promise.all([import('@aws-sdk/client-cost-explorer'), import('./costExplorerSource.ts')]);
    // Cost Explorer is served from us-east-1; AWS_ENDPOINT_URL_COST_EXPLORER points it elsewhere
    sources.push(new CostExplorerSource(new CostExplorerClient({ region: 'us-east-1' }), settings.metric));
  }
  if (settings.gcp_billing_table && env.GOOGLE_APPLICATION_CREDENTIALS) {
    const [{ BigQuery }, { CloudBillingClient }, { GcpBillingExportSource }, { billingCoverage, coverageNote }] = await Promise.all([
      import('@google-cloud/bigquery'), import('@google-cloud/billing'), import('./gcpBillingExportSource.ts'), import('./gcpCoverage.ts'),
    ]);
    const table = settings.gcp_billing_table;
    const coverage = async () => {
      const client = new CloudBillingClient(googleRestOptions(env.GCP_CLOUDBILLING_ENDPOINT) as ConstructorParameters<typeof CloudBillingClient>[0]);
      try {
        // credentials that cannot load fail here, before google-gax can leave a rejection unhandled
        await client.auth.getClient();
        return coverageNote(await billingCoverage(client, table), table);
      } finally {
        await client.close().catch(() => {});
      }
    };
    // BIGQUERY_EMULATOR_HOST points the BigQuery client elsewhere
    sources.push(new GcpBillingExportSource(new BigQuery({ projectId: table.split('.')[0] }), table, coverage));
  }
  if (!sources.length) return demoAccount;
  return sources.length === 1 ? sources[0]! : combinedSource(sources);
}

/**
 * GPU utilization: CloudWatch in each of digest.regions (default AWS_REGION or AWS_DEFAULT_REGION)
 * with AWS credentials, the demo fleet without; none when credentials are there but no region is.
 */
export async function utilizationSource(settings: DigestSettings, env: NodeJS.ProcessEnv): Promise<UtilizationSource | undefined> {
  if (!hasAwsCredentials(env)) return demoUtilization;
  const fallback = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const regions = settings.regions?.length ? settings.regions : fallback ? [fallback] : [];
  if (!regions.length) return undefined;
  const [{ EC2Client }, { CloudWatchClient }, { SageMakerClient }, { CloudWatchUtilization }] = await Promise.all([
    import('@aws-sdk/client-ec2'), import('@aws-sdk/client-cloudwatch'), import('@aws-sdk/client-sagemaker'), import('./cloudWatchUtilization.ts'),
  ]);
  const { prices } = bundledCatalogs();
  const gpusPerInstance = (instanceType: string) => prices.find((p) => p.cloud === 'aws' && p.instance === instanceType.replace(/^ml\./, ''))?.gpuCount ?? 1;
  // AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_CLOUDWATCH and AWS_ENDPOINT_URL_SAGEMAKER point the clients elsewhere
  return regionalUtilization(regions.map((region) => [region,
    new CloudWatchUtilization(new EC2Client({ region }), new CloudWatchClient({ region }), new SageMakerClient({ region }), gpusPerInstance)]));
}

export async function runDigest(
  settings: DigestSettings, now: Date, env: NodeJS.ProcessEnv, period: DigestPeriod = lastFullWeek(now, settings.timezone),
): Promise<PlanResult> {
  const source = await digestCostSource(settings, env);
  const utilization = await utilizationSource(settings, env);
  try {
    const digest = await weeklyDigest(source, period, settings.group_by, now, utilization && { source: utilization, prices: bundledCatalogs().prices });
    if (!utilization) digest.notes.push('GPU utilization not read: set digest.regions (or AWS_REGION) to the regions of your GPU instances');
    return digestAsPlan(digest);
  } catch (error) {
    if (!(error instanceof CostSourceError)) throw error;
    const summary = `Cloud cost ${period.week.isoWeek}: ${source.name} unavailable (${error.message})`;
    return { command: 'digest', input: period.week.isoWeek, summary, figures: {}, rows: [], tables: [], assumptions: [], method: [] };
  }
}
