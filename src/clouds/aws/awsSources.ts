// Reading AWS for reports: one set of SDK clients per place (account × region), each account's read
// role assumed once and its session shared by all its clients.
import { bundledCatalogs } from '../../catalogs/catalogs.ts';
import type { AccountSettings } from '../../settings/fileSettings.ts';
import { CostSourceError } from '../costSource.ts';
import { failureCode, isBug } from '../readFailure.ts';
import type { Place, UtilizationSource } from '../utilization.ts';
import { awsReadConfig } from './awsReadClients.ts';

/** Credentials for acting in an account: its role assumed from the bot's own credentials. */
export async function assumedCredentials(roleArn: string, region: string, sessionName: string) {
  const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  // AWS_ENDPOINT_URL_STS points STS elsewhere
  return fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 },
    clientConfig: { region },
  });
}

/**
 * CloudWatch, EC2 and SageMaker clients for each place (an account's region, or the bot's own),
 * through the account's read role where one is named. `regions[0]` is where the roles are assumed.
 */
export async function awsSources(
  places: Place[],
  regions: string[],
  accounts: AccountSettings[],
  env: NodeJS.ProcessEnv,
): Promise<[Place, UtilizationSource][]> {
  if (!places.length) return [];
  const [{ EC2Client }, { CloudWatchClient }, { SageMakerClient }, { ApplicationAutoScalingClient }, { CloudWatchUtilization }] =
    await Promise.all([
      import('@aws-sdk/client-ec2'),
      import('@aws-sdk/client-cloudwatch'),
      import('@aws-sdk/client-sagemaker'),
      import('@aws-sdk/client-application-auto-scaling'),
      import('./cloudWatchUtilization.ts'),
    ]);
  const { prices } = bundledCatalogs();
  const gpusPerInstance = (instanceType: string) =>
    prices.find((p) => p.cloud === 'aws' && p.instance === instanceType.replace(/^ml\./, ''))?.gpuCount ?? 1;
  // one role session per account, shared by the clients of all its regions
  const credentials = new Map(
    await Promise.all(
      accounts.map(
        async (account) =>
          [
            account.name,
            sharedSession(await assumedCredentials(account.role_arn, regions[0]!, 'burnrate-read'), account.role_arn),
          ] as const,
      ),
    ),
  );
  // AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_CLOUDWATCH, AWS_ENDPOINT_URL_SAGEMAKER and
  // AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING point the clients elsewhere
  return places.map((place): [Place, UtilizationSource] => {
    const session = place.account ? credentials.get(place.account) : undefined;
    const config = awsReadConfig(env, { region: place.region, ...(session ? { credentials: session } : {}) });
    return [
      place,
      new CloudWatchUtilization(
        new EC2Client(config),
        new CloudWatchClient(config),
        new SageMakerClient(config),
        gpusPerInstance,
        new ApplicationAutoScalingClient(config),
      ),
    ];
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
      session = provider().then(
        (c) => {
          renewAt = (c.expiration?.getTime() ?? Infinity) - 5 * 60_000;
          return c;
        },
        (error: unknown) => {
          session = undefined;
          // every read of the account fails with this: the note names the role, not the read
          if (isBug(error)) throw error;
          throw new CostSourceError(`could not assume ${roleArn} (sts:AssumeRole failed: ${failureCode(error)})`, { cause: error });
        },
      );
    }
    return session;
  };
}
