// The GCP clients the scan and the stops use, over REST: Compute Engine at GCP_COMPUTE_ENDPOINT,
// Cloud Monitoring at GCP_MONITORING_ENDPOINT and Vertex AI at GCP_AIPLATFORM_ENDPOINT when they
// are set (tests); Vertex AI otherwise at each location's own host. Callers import this module
// lazily, never the CommonJS packages themselves: in the worker's split Lambda bundle a dynamic
// import of a CommonJS package yields only its default export.
import { EndpointServiceClient, ModelServiceClient } from '@google-cloud/aiplatform';
import { InstancesClient, ZoneOperationsClient } from '@google-cloud/compute';
import { MetricServiceClient } from '@google-cloud/monitoring';
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

export function monitoringClient(env: NodeJS.ProcessEnv): MetricServiceClient {
  return new MetricServiceClient(googleRestOptions(env.GCP_MONITORING_ENDPOINT));
}

/** Where Vertex AI's clients for a location go: us-central1 is served at us-central1-aiplatform.googleapis.com. */
const vertexOptions = (location: string, env: NodeJS.ProcessEnv) =>
  env.GCP_AIPLATFORM_ENDPOINT
    ? googleRestOptions(env.GCP_AIPLATFORM_ENDPOINT)
    : { fallback: true, apiEndpoint: `${location}-aiplatform.googleapis.com` };

/** Vertex AI's endpoint client for a location. */
export function vertexClient(location: string, env: NodeJS.ProcessEnv): EndpointServiceClient {
  return new EndpointServiceClient(vertexOptions(location, env));
}

export function vertexClients(locations: string[], env: NodeJS.ProcessEnv): Map<string, EndpointServiceClient> {
  return new Map(locations.map((location) => [location, vertexClient(location, env)]));
}

/** Vertex AI's model clients per location: rightsizing reads each deployed model's container from its Model. */
export function vertexModelClients(locations: string[], env: NodeJS.ProcessEnv): Map<string, ModelServiceClient> {
  return new Map(locations.map((location) => [location, new ModelServiceClient(vertexOptions(location, env))]));
}
