// The Compute Engine clients, over REST, at GCP_COMPUTE_ENDPOINT when it is set (tests).
import { InstancesClient, ZoneOperationsClient } from '@google-cloud/compute';
import { googleRestOptions } from './googleClientOptions.ts';

export function computeClients(env: NodeJS.ProcessEnv): { instances: InstancesClient; operations: ZoneOperationsClient } {
  const options = googleRestOptions(env.GCP_COMPUTE_ENDPOINT);
  const instances = new InstancesClient(options);
  const operations = new ZoneOperationsClient(options);
  // as the other @google-cloud clients do: a self-signed JWT carrying the scope, with no token
  // exchange (the compute client alone leaves this off, and then exchanges at oauth2.googleapis.com)
  for (const client of [instances, operations]) client.auth.useJWTAccessWithScope = true;
  return { instances, operations };
}
