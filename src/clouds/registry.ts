// The one place that knows which provider answers: where costs and GPU utilization are read from.
// Costs: Cost Explorer with AWS credentials, the GCP billing export with GCP credentials, the demo
// account with neither. Utilization: CloudWatch (EC2 GPU instances, SageMaker endpoints, notebooks,
// Studio apps) in each configured region with AWS credentials, Compute Engine and Vertex AI in each
// GCP project, the demo fleet without. With `accounts` in the settings, every account × region is
// read through its read-only role (sts:AssumeRole); each row says which account it came from.
// Reports reach providers only through here and the interfaces; each provider loads when used.

import type { AccountSettings } from '../settings/fileSettings.ts';
import { awsReadConfig } from './aws/awsReadClients.ts';
import { awsSources } from './aws/awsSources.ts';
import { combinedSource } from './combinedSource.ts';
import type { CostMetric, CostSource } from './costSource.ts';
import { hasAwsCredentials } from './credentials.ts';
import { demoAccount } from './demo/demoAccount.ts';
import { demoUtilization } from './demo/demoUtilization.ts';
import { gcpSources } from './gcp/gcpSources.ts';
import { type Place, regionalUtilization, type UtilizationSource } from './utilization.ts';

export interface SourceSettings {
  regions?: string[];
  /** other accounts, read through their roles; none: the bot's own account */
  accounts?: AccountSettings[];
  /** GCP projects whose Compute Engine GPU VMs and Vertex AI endpoints are read, with GOOGLE_APPLICATION_CREDENTIALS */
  gcp_projects?: string[];
  /** the locations whose Vertex AI endpoints are read (default us-central1) */
  vertex_locations?: string[];
}

/** The regions to read: digest.regions, or AWS_REGION / AWS_DEFAULT_REGION. */
export function regionsToRead(settings: SourceSettings, env: NodeJS.ProcessEnv): string[] {
  const fallback = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return settings.regions?.length ? settings.regions : fallback ? [fallback] : [];
}

/**
 * AWS Cost Explorer with AWS credentials, the GCP billing export with GCP credentials and a table,
 * both when both; the bundled demo account when neither. SDKs load only when used.
 */
export async function digestCostSource(
  settings: { metric: CostMetric; gcp_billing_table?: string },
  env: NodeJS.ProcessEnv,
): Promise<CostSource> {
  const sources: CostSource[] = [];
  if (hasAwsCredentials(env)) {
    const [{ CostExplorerClient }, { CostExplorerSource }] = await Promise.all([
      import('@aws-sdk/client-cost-explorer'),
      import('./aws/costExplorerSource.ts'),
    ]);
    // Cost Explorer is served from us-east-1; AWS_ENDPOINT_URL_COST_EXPLORER points it elsewhere
    sources.push(new CostExplorerSource(new CostExplorerClient(awsReadConfig(env, { region: 'us-east-1' })), settings.metric));
  }
  if (settings.gcp_billing_table && env.GOOGLE_APPLICATION_CREDENTIALS) {
    const [{ bigQueryClient, billingClient }, { GcpBillingExportSource }, { billingCoverage, coverageNote }] = await Promise.all([
      import('./gcp/gcpBillingClients.ts'),
      import('./gcp/gcpBillingExportSource.ts'),
      import('./gcp/gcpCoverage.ts'),
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

/**
 * GPU utilization: CloudWatch in each region (and account) with AWS credentials, Cloud Monitoring in
 * each of gcp_projects with GCP credentials, the demo fleet with neither; none when AWS credentials
 * are there but no region is (and no GCP project is read).
 */
export async function utilizationSource(settings: SourceSettings, env: NodeJS.ProcessEnv): Promise<UtilizationSource | undefined> {
  const onAws = hasAwsCredentials(env);
  // each loads its SDKs (the Google clients take seconds) and AWS assumes its accounts' roles: at once
  const [gcp, aws] = await Promise.all([gcpSourcesFor(settings, env), onAws ? awsSourcesFor(settings, env) : []]);
  if (!aws.length && !gcp.length) return onAws ? undefined : demoUtilization;
  return regionalUtilization([...aws, ...gcp]);
}

/** Every AWS region, in each account when accounts are configured. */
const awsPlaces = (settings: SourceSettings, regions: string[]): Place[] =>
  settings.accounts?.length
    ? settings.accounts.flatMap((account) => regions.map((region) => ({ account: account.name, region })))
    : regions.map((region) => ({ region }));

/** A GCP project is read as one place: its VMs in every zone, its endpoints in the Vertex locations. */
const gcpPlace = (project: string): Place => ({ account: project, region: 'all zones', cloud: 'gcp' });

/**
 * The places the settings read, each readable on its own: every AWS region (× account) with AWS
 * credentials, every GCP project with GCP credentials. The scan fans out over them.
 */
export function scanPlaces(settings: SourceSettings, env: NodeJS.ProcessEnv): Place[] {
  const aws = hasAwsCredentials(env) ? awsPlaces(settings, regionsToRead(settings, env)) : [];
  return [...aws, ...(env.GOOGLE_APPLICATION_CREDENTIALS ? (settings.gcp_projects ?? []).map(gcpPlace) : [])];
}

/** The source for one of scanPlaces' places; undefined when the settings no longer name it. */
export async function placeSource(place: Place, settings: SourceSettings, env: NodeJS.ProcessEnv): Promise<UtilizationSource | undefined> {
  if (place.cloud === 'gcp') {
    if (!settings.gcp_projects?.includes(place.account ?? '')) return undefined;
    const sources = await gcpSourcesFor(
      { gcp_projects: [place.account!], ...(settings.vertex_locations ? { vertex_locations: settings.vertex_locations } : {}) },
      env,
    );
    return sources.length ? regionalUtilization(sources) : undefined;
  }
  const account = settings.accounts?.find((a) => a.name === place.account);
  if (place.account && !account) return undefined;
  const sources = await awsSourcesFor({ regions: [place.region], ...(account ? { accounts: [account] } : {}) }, env);
  return sources.length ? regionalUtilization(sources) : undefined;
}

/** Where Vertex AI endpoints are looked for when digest.vertex_locations is not set. */
export const DEFAULT_VERTEX_LOCATIONS = ['us-central1'];

/** The AWS places the settings name, each with its clients. */
function awsSourcesFor(settings: SourceSettings, env: NodeJS.ProcessEnv): Promise<[Place, UtilizationSource][]> {
  const regions = regionsToRead(settings, env);
  return awsSources(awsPlaces(settings, regions), regions, settings.accounts ?? [], env);
}

/**
 * The GCP projects the settings name, where GCP credentials are set; GCP_COMPUTE_ENDPOINT,
 * GCP_AIPLATFORM_ENDPOINT and GCP_MONITORING_ENDPOINT point the clients elsewhere.
 */
export function gcpSourcesFor(
  settings: Pick<SourceSettings, 'gcp_projects' | 'vertex_locations'>,
  env: NodeJS.ProcessEnv,
): Promise<[Place, UtilizationSource][]> {
  if (!env.GOOGLE_APPLICATION_CREDENTIALS) return Promise.resolve([]);
  return gcpSources((settings.gcp_projects ?? []).map(gcpPlace), settings.vertex_locations ?? DEFAULT_VERTEX_LOCATIONS, env);
}
