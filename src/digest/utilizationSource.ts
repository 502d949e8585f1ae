// Where GPU utilization is read from: CloudWatch (EC2 GPU instances, SageMaker endpoints) in each
// configured region with AWS credentials, the demo fleet without. Used by the digest and the scan.
import { bundledCatalogs } from '../catalogs/catalogs.ts';
import { hasAwsCredentials } from '../cloud/credentials.ts';
import { demoUtilization } from './demoUtilization.ts';
import { regionalUtilization, type UtilizationSource } from './gpuUtilization.ts';

/**
 * GPU utilization: CloudWatch in each of digest.regions (default AWS_REGION or AWS_DEFAULT_REGION)
 * with AWS credentials, the demo fleet without; none when credentials are there but no region is.
 */
export async function utilizationSource(settings: { regions?: string[] }, env: NodeJS.ProcessEnv): Promise<UtilizationSource | undefined> {
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

