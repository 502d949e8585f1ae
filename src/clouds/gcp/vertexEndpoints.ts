// Vertex AI endpoints of one GCP project, in each configured location: every deployed model on
// dedicated machines (each is paid for by the node hour whether it is called or not), and the
// predictions it served over the window from aiplatform.googleapis.com/prediction/online/
// prediction_count, in one Cloud Monitoring query per project. A model with no series served none.
import { type EndpointServiceClient, protos } from '@google-cloud/aiplatform';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { EndpointUsage } from '../utilization.ts';
import { explainDenied } from './googleErrors.ts';

export const PREDICTION_METRIC = 'aiplatform.googleapis.com/prediction/online/prediction_count';

/** NVIDIA_TESLA_T4 (or its number) → t4: the GPU an N1 machine is priced with in the catalog. */
function acceleratorName(type: unknown): string | undefined {
  const name =
    typeof type === 'number' ? protos.google.cloud.aiplatform.v1.AcceleratorType[type] : typeof type === 'string' ? type : undefined;
  if (!name || name === 'ACCELERATOR_TYPE_UNSPECIFIED') return undefined;
  return name
    .toLowerCase()
    .replace(/^nvidia_(tesla_)?/, '')
    .replace(/_/g, '-');
}

/** The endpoint's id: the last part of projects/P/locations/L/endpoints/ID. */
export const endpointId = (name: string) => name.split('/').pop()!;

export class VertexEndpoints {
  /** `clients`: an EndpointServiceClient per location (Vertex AI serves each location at its own host) */
  constructor(
    private readonly clients: Map<string, EndpointServiceClient>,
    private readonly monitoring: MetricServiceClient,
    private readonly project: string,
  ) {}

  /** Deployed models on dedicated resources, with the predictions each served; `only`: endpoint ids. */
  async endpoints(start: string, end: string, only?: string[]): Promise<EndpointUsage[]> {
    const rows: EndpointUsage[] = [];
    for (const [location, client] of this.clients) {
      try {
        for await (const endpoint of client.listEndpointsAsync({ parent: `projects/${this.project}/locations/${location}` })) {
          const id = endpointId(endpoint.name ?? '');
          if (only && !only.includes(id)) continue;
          const labels = endpoint.labels ?? {};
          for (const model of endpoint.deployedModels ?? []) {
            const resources = model.dedicatedResources;
            if (!resources?.machineSpec?.machineType) continue;
            const machine = resources.machineSpec.machineType;
            const gpu = acceleratorName(resources.machineSpec.acceleratorType);
            rows.push({
              cloud: 'gcp',
              endpointName: id,
              displayName: endpoint.displayName || id,
              variantName: model.id!,
              account: this.project,
              region: location,
              instanceType: machine.startsWith('n1-') && gpu ? `${machine}+${gpu}` : machine,
              instanceCount: Number(resources.minReplicaCount ?? 1),
              ...(Object.keys(labels).length ? { tags: { ...labels } } : {}),
              invocations: 0,
              gpuAveragePercent: null,
            });
          }
        }
      } catch (error) {
        explainDenied(error, 'aiplatform.endpoints.list', 'roles/aiplatform.viewer', `project ${this.project}, location ${location}`);
      }
    }
    if (!rows.length) return rows;
    const served = await this.predictions(start, end);
    for (const row of rows) row.invocations = served.get(`${row.endpointName}/${row.variantName}`) ?? 0;
    return rows;
  }

  /** Predictions per endpoint/deployed model over the whole window: one aligned point per series. */
  private async predictions(start: string, end: string): Promise<Map<string, number>> {
    const from = Date.parse(`${start}T00:00:00Z`) / 1000;
    const to = Date.parse(`${end}T00:00:00Z`) / 1000;
    const served = new Map<string, number>();
    try {
      for await (const series of this.monitoring.listTimeSeriesAsync({
        name: `projects/${this.project}`,
        filter: `metric.type = "${PREDICTION_METRIC}" AND resource.type = "aiplatform.googleapis.com/Endpoint"`,
        interval: { startTime: { seconds: from }, endTime: { seconds: to } },
        aggregation: {
          alignmentPeriod: { seconds: to - from },
          perSeriesAligner: 'ALIGN_SUM',
          crossSeriesReducer: 'REDUCE_SUM',
          groupByFields: ['resource.label.endpoint_id', 'metric.label.deployed_model_id'],
        },
        view: 'FULL',
      })) {
        const key = `${series.resource?.labels?.endpoint_id}/${series.metric?.labels?.deployed_model_id}`;
        const count = (series.points ?? []).reduce((s, p) => s + Number(p.value?.int64Value ?? p.value?.doubleValue ?? 0), 0);
        served.set(key, (served.get(key) ?? 0) + count);
      }
    } catch (error) {
      explainDenied(error, 'monitoring.timeSeries.list', 'roles/monitoring.viewer', `project ${this.project}`);
    }
    return served;
  }
}
