// Reading GCP for reports: per project, its Compute Engine GPU VMs and Vertex AI endpoints, with the
// Google clients loaded only when a project is read (they take seconds to load).
import type { Place, UtilizationSource } from '../utilization.ts';

/**
 * Each project's (a place's account) GCE VMs and Vertex AI endpoints, where GCP credentials are set;
 * GCP_COMPUTE_ENDPOINT, GCP_AIPLATFORM_ENDPOINT and GCP_MONITORING_ENDPOINT point the clients elsewhere.
 */
export async function gcpSources(
  places: Place[],
  vertexLocations: string[],
  env: NodeJS.ProcessEnv,
): Promise<[Place, UtilizationSource][]> {
  if (!places.length) return [];
  const [{ GcpUtilization }, { computeClients, monitoringClient, vertexClients, vertexModelClients }, { VertexEndpoints }] =
    await Promise.all([import('./gcpUtilization.ts'), import('./gcpClients.ts'), import('./vertexEndpoints.ts')]);
  const { instances } = computeClients(env);
  const vertex = vertexClients(vertexLocations, env);
  const models = vertexModelClients(vertexLocations, env);
  const monitoring = monitoringClient(env);
  return places.map((place) => [
    place,
    new GcpUtilization(instances, monitoring, place.account!, new VertexEndpoints(vertex, monitoring, place.account!, models)),
  ]);
}
