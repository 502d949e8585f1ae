// Where GPU utilization is read from: CloudWatch (EC2 GPU instances, SageMaker endpoints,
// notebooks, Studio apps) in each configured region with AWS credentials, the demo fleet without.
// With `accounts` in the settings, every account × region is read through its read-only role
// (sts:AssumeRole); each row says which account it came from. Used by the digest and the scan.
import { bundledCatalogs } from '../catalogs/catalogs.ts';
import { hasAwsCredentials } from '../cloud/credentials.ts';
import type { AccountSettings } from '../runtime/settings.ts';
import { demoUtilization } from './demoUtilization.ts';
import { type Place, regionalUtilization, type UtilizationSource } from './gpuUtilization.ts';

export interface SourceSettings {
  regions?: string[];
  /** other accounts, read through their roles; none: the bot's own account */
  accounts?: AccountSettings[];
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
 * GPU utilization: CloudWatch in each region (and account) with AWS credentials, the demo fleet
 * without; none when credentials are there but no region is.
 */
export async function utilizationSource(settings: SourceSettings, env: NodeJS.ProcessEnv): Promise<UtilizationSource | undefined> {
  if (!hasAwsCredentials(env)) return demoUtilization;
  const regions = regionsToRead(settings, env);
  if (!regions.length) return undefined;
  const [{ EC2Client }, { CloudWatchClient }, { SageMakerClient }, { CloudWatchUtilization }] = await Promise.all([
    import('@aws-sdk/client-ec2'), import('@aws-sdk/client-cloudwatch'), import('@aws-sdk/client-sagemaker'), import('./cloudWatchUtilization.ts'),
  ]);
  const { prices } = bundledCatalogs();
  const gpusPerInstance = (instanceType: string) => prices.find((p) => p.cloud === 'aws' && p.instance === instanceType.replace(/^ml\./, ''))?.gpuCount ?? 1;
  const places: Place[] = settings.accounts?.length
    ? settings.accounts.flatMap((account) => regions.map((region) => ({ account: account.name, region })))
    : regions.map((region) => ({ region }));
  // one role session per account, shared by the clients of all its regions
  const credentials = new Map(await Promise.all((settings.accounts ?? []).map(async (account) => [
    account.name, sharedSession(await assumedCredentials(account.role_arn, regions[0]!, 'burnrate-read')),
  ] as const)));
  // AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_CLOUDWATCH and AWS_ENDPOINT_URL_SAGEMAKER point the clients elsewhere
  return regionalUtilization(places.map((place): [Place, UtilizationSource] => {
    const session = place.account ? credentials.get(place.account) : undefined;
    const config = { region: place.region, ...(session ? { credentials: session } : {}) };
    return [place, new CloudWatchUtilization(new EC2Client(config), new CloudWatchClient(config), new SageMakerClient(config), gpusPerInstance)];
  }));
}

type CredentialProvider = Awaited<ReturnType<typeof assumedCredentials>>;
type Credentials = Awaited<ReturnType<CredentialProvider>>;

/**
 * A provider that every client of an account shares: one AssumeRole answer serves them all until
 * five minutes before it expires (each SDK client would otherwise assume the role for itself).
 */
function sharedSession(provider: CredentialProvider): () => Promise<Credentials> {
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
        throw error;
      });
    }
    return session;
  };
}
