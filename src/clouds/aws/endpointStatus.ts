// Waiting for a SageMaker endpoint to settle after a create or an update: InService, or a status it
// will not leave by itself.
import { DescribeEndpointCommand, type DescribeEndpointCommandOutput, type SageMakerClient } from '@aws-sdk/client-sagemaker';

export interface EndpointWait {
  pollMs: number;
  timeoutMs: number;
}

/** Statuses an endpoint leaves by itself: a create, an update or its rollback under way. */
const MOVING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

/** The endpoint once it has settled (InService, Failed, UpdateRollbackFailed, OutOfService), or undefined when the wait ran out. */
export async function settledEndpoint(
  client: SageMakerClient,
  name: string,
  wait: EndpointWait,
): Promise<DescribeEndpointCommandOutput | undefined> {
  const until = Date.now() + wait.timeoutMs;
  for (;;) {
    const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: name }));
    if (!MOVING.has(endpoint.EndpointStatus ?? '')) return endpoint;
    if (Date.now() > until) return undefined;
    await new Promise((r) => setTimeout(r, wait.pollMs));
  }
}
