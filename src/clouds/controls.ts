// The other half of the registry: which Stopper acts on a resource of a kind, in its place, and
// which Resizer resizes a serving endpoint. The provider clients load only when a resource of theirs
// is acted on; without AWS credentials, AWS kinds act on the demo account's simulated control plane.
import { assumedCredentials } from './aws/awsSources.ts';
import { hasAwsCredentials } from './credentials.ts';
import type { Resizer } from './resizer.ts';
import type { FindingKind, LocalSsdPolicy } from './resourceKinds.ts';
import { ActionRefused, type Stopper } from './stopper.ts';

/** Where a Stopper acts: a GCP project (a Vertex AI endpoint's location too), or an AWS region with the role to act through. */
export type ControlPlace = { cloud: 'gcp'; project: string; location?: string } | { cloud: 'aws'; region: string; roleArn?: string };

export interface ControlOptions {
  /** what Stop does to a GCE VM's local SSDs */
  gceLocalSsd: LocalSsdPolicy;
  /** how Restore waits for an endpoint to be in service again */
  wait?: { pollMs: number; timeoutMs: number };
}

export async function controlFor(
  kind: FindingKind,
  place: ControlPlace,
  env: NodeJS.ProcessEnv,
  options: ControlOptions,
): Promise<Stopper> {
  if (place.cloud === 'gcp') {
    if (!env.GOOGLE_APPLICATION_CREDENTIALS) throw new ActionRefused('no GCP credentials are set (GOOGLE_APPLICATION_CREDENTIALS)');
    const clients = await import('./gcp/gcpClients.ts');
    if (kind === 'vertex-endpoint') {
      const { VertexEndpointStopper } = await import('./gcp/vertexEndpointStopper.ts');
      if (!place.location) throw new ActionRefused("the finding does not name the endpoint's location");
      return new VertexEndpointStopper(clients.vertexClient(place.location, env), place.project);
    }
    const { GceInstanceStopper } = await import('./gcp/gceInstanceStopper.ts');
    const { instances, operations } = clients.computeClients(env);
    return new GceInstanceStopper(instances, operations, options.gceLocalSsd);
  }
  if (!hasAwsCredentials(env)) {
    const [{ DemoStopper }, { demoControlPlane }] = await Promise.all([
      import('./demo/demoStopper.ts'),
      import('./demo/demoUtilization.ts'),
    ]);
    return new DemoStopper(demoControlPlane);
  }
  const { region, roleArn } = place;
  const config = { region, ...(roleArn ? { credentials: await assumedCredentials(roleArn, region, 'burnrate-stop') } : {}) };
  // AWS_ENDPOINT_URL_SAGEMAKER, _APPLICATION_AUTO_SCALING and _EC2 point the clients elsewhere
  if (kind === 'sagemaker-endpoint') {
    const [{ SageMakerClient }, { ApplicationAutoScalingClient }, { SageMakerEndpointStopper }] = await Promise.all([
      import('@aws-sdk/client-sagemaker'),
      import('@aws-sdk/client-application-auto-scaling'),
      import('./aws/sageMakerEndpointStopper.ts'),
    ]);
    return new SageMakerEndpointStopper(new SageMakerClient(config), new ApplicationAutoScalingClient(config), options.wait);
  }
  if (kind === 'sagemaker-notebook') {
    const [{ SageMakerClient }, { SageMakerNotebookStopper }] = await Promise.all([
      import('@aws-sdk/client-sagemaker'),
      import('./aws/sageMakerNotebookStopper.ts'),
    ]);
    return new SageMakerNotebookStopper(new SageMakerClient(config));
  }
  if (kind === 'sagemaker-studio-app') {
    const [{ SageMakerClient }, { SageMakerStudioAppStopper }] = await Promise.all([
      import('@aws-sdk/client-sagemaker'),
      import('./aws/sageMakerStudioAppStopper.ts'),
    ]);
    return new SageMakerStudioAppStopper(new SageMakerClient(config));
  }
  const [{ EC2Client }, { Ec2InstanceStopper }] = await Promise.all([import('@aws-sdk/client-ec2'), import('./aws/ec2InstanceStopper.ts')]);
  return new Ec2InstanceStopper(new EC2Client(config));
}

export interface ResizeControlOptions {
  /** how long a resize or its restore waits for the endpoint to serve again */
  wait?: { pollMs: number; timeoutMs: number };
  /** CloudWatch alarms that roll a resize back when they fire while it bakes */
  rollbackAlarms: string[];
  /** the clock that names a resize's new configuration */
  now: () => Date;
}

/** The Resizer for a SageMaker endpoint in its AWS region, through its account's stop role; the demo account's without AWS credentials. */
export async function resizerFor(
  place: Extract<ControlPlace, { cloud: 'aws' }>,
  env: NodeJS.ProcessEnv,
  options: ResizeControlOptions,
): Promise<Resizer> {
  if (!hasAwsCredentials(env)) {
    const [{ DemoResizer }, { demoControlPlane }] = await Promise.all([
      import('./demo/demoResizer.ts'),
      import('./demo/demoUtilization.ts'),
    ]);
    return new DemoResizer(demoControlPlane, options.now);
  }
  const { region, roleArn } = place;
  const config = { region, ...(roleArn ? { credentials: await assumedCredentials(roleArn, region, 'burnrate-stop') } : {}) };
  const [{ SageMakerClient }, { ApplicationAutoScalingClient }, { DEFAULT_RESIZE_OPTIONS, SageMakerEndpointResizer }] = await Promise.all([
    import('@aws-sdk/client-sagemaker'),
    import('@aws-sdk/client-application-auto-scaling'),
    import('./aws/sageMakerEndpointResizer.ts'),
  ]);
  return new SageMakerEndpointResizer(
    new SageMakerClient(config),
    new ApplicationAutoScalingClient(config),
    { ...DEFAULT_RESIZE_OPTIONS, ...(options.wait ? { wait: options.wait } : {}), rollbackAlarms: options.rollbackAlarms },
    options.now,
  );
}
