// Where GPU utilization is read from: CloudWatch (EC2 GPU instances, SageMaker endpoints,
// notebooks, Studio apps) in each configured region with AWS credentials, the demo fleet without.
// With `accounts` in the settings, every account × region is read through its read-only role
// (sts:AssumeRole); each row says which account it came from. Used by the digest and the scan.
import { bundledCatalogs } from '../catalogs/catalogs.ts';
import { awsReadConfig } from './aws/awsReadClients.ts';
import { hasAwsCredentials } from './credentials.ts';
import { failureCode, isBug } from './readFailure.ts';
import { CostSourceError } from './costSource.ts';
import type { AccountSettings } from '../settings/fileSettings.ts';
import { demoUtilization } from './demo/demoUtilization.ts';
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

/** Credentials for acting in an account: its role assumed from the bot's own credentials. */
export async function assumedCredentials(roleArn: string, region: string, sessionName: string) {
  const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  // AWS_ENDPOINT_URL_STS points STS elsewhere
  return fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }, clientConfig: { region } });
}

/**
 * GPU utilization: CloudWatch in each region (and account) with AWS credentials, Cloud Monitoring in
 * each of gcp_projects with GCP credentials, the demo fleet with neither; none when AWS credentials
 * are there but no region is (and no GCP project is read).
 */
export async function utilizationSource(settings: SourceSettings, env: NodeJS.ProcessEnv): Promise<UtilizationSource | undefined> {
  const onAws = hasAwsCredentials(env);
  // each loads its SDKs (the Google clients take seconds) and AWS assumes its accounts' roles: at once
  const [gcp, aws] = await Promise.all([gcpSources(settings, env), onAws ? awsSources(settings, env) : []]);
  if (!aws.length && !gcp.length) return onAws ? undefined : demoUtilization;
  return regionalUtilization([...aws, ...gcp]);
}

/** Every AWS region, in each account when accounts are configured. */
const awsPlaces = (settings: SourceSettings, regions: string[]): Place[] => (settings.accounts?.length
  ? settings.accounts.flatMap((account) => regions.map((region) => ({ account: account.name, region })))
  : regions.map((region) => ({ region })));

/** A GCP project is read as one place: its VMs in every zone, its endpoints in the Vertex locations. */
const gcpPlace = (project: string): Place => ({ account: project, region: 'all zones', cloud: 'gcp' });

/**
 * Each configured project's GCE VMs and Vertex AI endpoints, where GCP credentials are set;
 * GCP_COMPUTE_ENDPOINT, GCP_AIPLATFORM_ENDPOINT and GCP_MONITORING_ENDPOINT point the clients elsewhere.
 */
export async function gcpSources(settings: Pick<SourceSettings, 'gcp_projects' | 'vertex_locations'>, env: NodeJS.ProcessEnv): Promise<[Place, UtilizationSource][]> {
  if (!settings.gcp_projects?.length || !env.GOOGLE_APPLICATION_CREDENTIALS) return [];
  const [{ GcpUtilization }, { computeClients, monitoringClient, vertexClients }, { VertexEndpoints }] = await Promise.all([
    import('./gcp/gcpUtilization.ts'), import('./gcp/gcpClients.ts'), import('./gcp/vertexEndpoints.ts'),
  ]);
  const { instances } = computeClients(env);
  const vertex = vertexClients(settings.vertex_locations ?? DEFAULT_VERTEX_LOCATIONS, env);
  const monitoring = monitoringClient(env);
  return settings.gcp_projects.map((project) => [gcpPlace(project), new GcpUtilization(instances, monitoring, project, new VertexEndpoints(vertex, monitoring, project))]);
}

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
    const sources = await gcpSources({ gcp_projects: [place.account!], ...(settings.vertex_locations ? { vertex_locations: settings.vertex_locations } : {}) }, env);
    return sources.length ? regionalUtilization(sources) : undefined;
  }
  const account = settings.accounts?.find((a) => a.name === place.account);
  if (place.account && !account) return undefined;
  const sources = await awsSources({ regions: [place.region], ...(account ? { accounts: [account] } : {}) }, env);
  return sources.length ? regionalUtilization(sources) : undefined;
}

/** Where Vertex AI endpoints are looked for when digest.vertex_locations is not set. */
export const DEFAULT_VERTEX_LOCATIONS = ['us-central1'];

async function awsSources(settings: SourceSettings, env: NodeJS.ProcessEnv): Promise<[Place, UtilizationSource][]> {
  const regions = regionsToRead(settings, env);
  if (!regions.length) return [];
  const [{ EC2Client }, { CloudWatchClient }, { SageMakerClient }, { CloudWatchUtilization }] = await Promise.all([
    import('@aws-sdk/client-ec2'), import('@aws-sdk/client-cloudwatch'), import('@aws-sdk/client-sagemaker'), import('./aws/cloudWatchUtilization.ts'),
  ]);
  const { prices } = bundledCatalogs();
  const gpusPerInstance = (instanceType: string) => prices.find((p) => p.cloud === 'aws' && p.instance === instanceType.replace(/^ml\./, ''))?.gpuCount ?? 1;
  const places = awsPlaces(settings, regions);
  // one role session per account, shared by the clients of all its regions
  const credentials = new Map(await Promise.all((settings.accounts ?? []).map(async (account) => [
    account.name, sharedSession(await assumedCredentials(account.role_arn, regions[0]!, 'burnrate-read'), account.role_arn),
  ] as const)));
  // AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_CLOUDWATCH and AWS_ENDPOINT_URL_SAGEMAKER point the clients elsewhere
  return places.map((place): [Place, UtilizationSource] => {
    const session = place.account ? credentials.get(place.account) : undefined;
    const config = awsReadConfig(env, { region: place.region, ...(session ? { credentials: session } : {}) });
    return [place, new CloudWatchUtilization(new EC2Client(config), new CloudWatchClient(config), new SageMakerClient(config), gpusPerInstance)];
  });
}

type CredentialProvider = Awaited<ReturnType<typeof assumedCredentials>>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;

/**
 * A provider that every client of an account shares: one AssumeRole answer serves them all until
 * five minutes before it expires (each SDK client would otherwise assume the role for itself).
 */
function sharedSession(provider: CredentialProvider, roleArn: string): () => Promise<Credentials> {
  let session: Promise<Credentials> | undefined;
  let renewAt = Infinity;
  return () => {
    if (!session || Date.now() >= renewAt) {
      renewAt = Infinity;
      session = provider().then((c) => {
        renewAt = (c.expiration?.getTime() ?? Infinity) - 5 * 60_000;
        return c;
      }, (error: unknown) => {
        session = undefined;
        // every read of the account fails with this: the note names the role, not the read
        if (isBug(error)) throw error;
        throw new CostSourceError(`could not assume ${roleArn} (sts:AssumeRole failed: ${failureCode(error)})`, { cause: error });
      });
    }
    return session;
  };
}
