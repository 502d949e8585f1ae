// Vertex AI endpoints of one GCP project, in each configured location: every deployed model on
// dedicated machines (each is paid for by the node hour whether it is called or not), and the
// predictions it served hour by hour over the window from aiplatform.googleapis.com/prediction/
// online/prediction_count, in one Cloud Monitoring query per project, read once per window for the
// idle scan and rightsizing alike. A model with no series served none. For rightsizing, besides: the
// model its container loads (its Model's containerSpec, vertexContainer.ts), its mean prediction
// latency and the busiest replica's accelerator duty cycle, in one query a metric per project.
import { type EndpointServiceClient, type ModelServiceClient, protos } from '@google-cloud/aiplatform';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import { failureReason, isBug } from '../readFailure.ts';
import type { ServedModel, ServedVariant, ServingLoad } from '../servingLoad.ts';
import type { EndpointUsage } from '../utilization.ts';
import { sharedPerWindow } from '../windowReading.ts';
import { explainDenied } from './googleErrors.ts';
import { servedModelFromVertexContainer } from './vertexContainer.ts';

export const PREDICTION_METRIC = 'aiplatform.googleapis.com/prediction/online/prediction_count';
const LATENCY_METRIC = 'aiplatform.googleapis.com/prediction/online/prediction_latencies';
/** percent of the time the replica's accelerators were busy (Vertex AI scales on it too) */
const DUTY_CYCLE_METRIC = 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle';
const HOUR = 3600;

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

/** A deployed model as the idle scan reads it, with the Model it serves. */
type DeployedRow = EndpointUsage & { modelName: string };

/** The deployed models and their hourly predictions (by endpoint/deployed model) over one window. */
interface VertexReading {
  rows: DeployedRow[];
  predictions: Map<string, number[]>;
}

/** What a deployed model's container loads, or why it is not known. */
type Served = { model: ServedModel | null; note?: string };

const keyOf = (d: Pick<EndpointUsage, 'endpointName' | 'variantName'>) => `${d.endpointName}/${d.variantName}`;

export class VertexEndpoints {
  /** `clients`: an EndpointServiceClient per location (Vertex AI serves each location at its own host) */
  constructor(
    private readonly clients: Map<string, EndpointServiceClient>,
    private readonly monitoring: MetricServiceClient,
    private readonly project: string,
    /** a ModelServiceClient per location, for the models deployed models serve (rightsizing) */
    private readonly models: Map<string, ModelServiceClient> = new Map(),
  ) {}

  /** the whole project's reading per window, shared by the idle scan's endpoints and rightsizing's loads */
  private readonly projectReading = sharedPerWindow((start, end) => this.read(start, end));

  /** The deployed models (or those of the named endpoints, a re-check's, read afresh) and their hourly predictions. */
  private reading(start: string, end: string, only?: string[]): Promise<VertexReading> {
    return only ? this.read(start, end, only) : this.projectReading(start, end);
  }

  private async read(start: string, end: string, only?: string[]): Promise<VertexReading> {
    const rows = await this.deployedRows(only);
    const predictions = rows.length ? await this.series(PREDICTION_METRIC, start, end, 'ALIGN_SUM', 'REDUCE_SUM') : new Map();
    return { rows, predictions };
  }

  /** Deployed models on dedicated resources, with the predictions each served; `only`: endpoint ids. */
  async endpoints(start: string, end: string, only?: string[]): Promise<EndpointUsage[]> {
    const { rows, predictions } = await this.reading(start, end, only);
    return rows.map(({ modelName: _, ...row }) => ({
      ...row,
      invocations: (predictions.get(keyOf(row)) ?? []).reduce((a, b) => a + b, 0),
    }));
  }

  /** The deployed models on dedicated resources, in every location read, with the Model each serves. */
  private async deployedRows(only?: string[]): Promise<DeployedRow[]> {
    const rows: DeployedRow[] = [];
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
              modelName: model.model ?? '',
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
    return rows;
  }

  /**
   * Every deployed model on dedicated machines with the model its container loads and its load over
   * the window; or only the named ones, whose models the caller knows (a re-check).
   */
  async servingLoads(start: string, end: string, only?: ServedVariant[]): Promise<ServingLoad[]> {
    const { rows, predictions } = await this.reading(
      start,
      end,
      only?.map((o) => o.endpointName),
    );
    const deployed = rows.filter((d) => !only || only.some((o) => keyOf(o) === keyOf(d)));
    if (!deployed.length) return [];
    const [latency, duty, models] = await Promise.all([
      this.series(LATENCY_METRIC, start, end, 'ALIGN_MEAN', 'REDUCE_MEAN'),
      this.series(DUTY_CYCLE_METRIC, start, end, 'ALIGN_MEAN', 'REDUCE_MAX'),
      only ? new Map(only.map((o): [string, Served] => [keyOf(o), { model: o.model }])) : this.servedModels(deployed),
    ]);
    return deployed.map((d): ServingLoad => {
      const key = keyOf(d);
      const found = models.get(key);
      const duties = duty.get(key) ?? [];
      const latencies = latency.get(key) ?? [];
      return {
        kind: 'vertex-endpoint',
        endpointName: d.endpointName,
        variantName: d.variantName,
        ...(d.displayName ? { displayName: d.displayName } : {}),
        endpointConfigName: d.modelName,
        account: this.project,
        region: d.region!,
        instanceType: d.instanceType,
        instanceCount: d.instanceCount,
        siblingVariants: deployed.filter((o) => o.endpointName === d.endpointName && o !== d).map((o) => o.variantName),
        ...(d.tags ? { tags: d.tags } : {}),
        model: found?.model ?? null,
        ...(found?.model ? {} : { modelNote: found?.note ?? `its container names no model (${d.modelName})` }),
        hourlyInvocations: predictions.get(key) ?? [],
        modelLatencyMs: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
        gpuUtilizationPeak: duties.length ? Math.max(...duties) : null,
        // Vertex AI publishes accelerator memory per replica in bytes, not as a share: rightsizing sizes from the model instead
        gpuMemoryPeak: null,
        days: Math.round((duties.length / 24) * 10) / 10,
      };
    });
  }

  /** What each deployed model's container loads, one models.get per Model; a Model that cannot be read is a note of its own. */
  private async servedModels(deployed: DeployedRow[]): Promise<Map<string, Served>> {
    const byModel = new Map<string, Promise<Served>>();
    for (const d of deployed) {
      if (byModel.has(d.modelName)) continue;
      const client = this.models.get(d.region!);
      byModel.set(
        d.modelName,
        (async () => {
          if (!client) return { model: null, note: `no Vertex AI client for ${d.region}` };
          try {
            const [model] = await client.getModel({ name: d.modelName });
            const spec = model.containerSpec;
            const env = Object.fromEntries((spec?.env ?? []).map((e) => [e.name ?? '', e.value ?? '']));
            return { model: servedModelFromVertexContainer({ env, args: spec?.args ?? [] }) };
          } catch (error) {
            if (isBug(error)) throw error;
            return { model: null, note: failureReason(error, 'Vertex AI models.get') };
          }
        })(),
      );
    }
    const entries = await Promise.all(deployed.map(async (d) => [keyOf(d), await byModel.get(d.modelName)!] as const));
    return new Map(entries);
  }

  /** Hourly values per endpoint/deployed model of one metric, aligned per series and reduced across replicas. */
  private async series(
    metric: string,
    start: string,
    end: string,
    aligner: 'ALIGN_SUM' | 'ALIGN_MEAN',
    reducer: 'REDUCE_SUM' | 'REDUCE_MEAN' | 'REDUCE_MAX',
  ): Promise<Map<string, number[]>> {
    const values = new Map<string, number[]>();
    try {
      for await (const one of this.monitoring.listTimeSeriesAsync({
        name: `projects/${this.project}`,
        filter: `metric.type = "${metric}" AND resource.type = "aiplatform.googleapis.com/Endpoint"`,
        interval: {
          startTime: { seconds: Date.parse(`${start}T00:00:00Z`) / 1000 },
          endTime: { seconds: Date.parse(`${end}T00:00:00Z`) / 1000 },
        },
        aggregation: {
          alignmentPeriod: { seconds: HOUR },
          perSeriesAligner: aligner,
          crossSeriesReducer: reducer,
          groupByFields: ['resource.label.endpoint_id', 'metric.label.deployed_model_id'],
        },
        view: 'FULL',
      })) {
        const key = `${one.resource?.labels?.endpoint_id}/${one.metric?.labels?.deployed_model_id}`;
        const points = (one.points ?? []).map((p) => Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0)).reverse();
        values.set(key, [...(values.get(key) ?? []), ...points]);
      }
    } catch (error) {
      explainDenied(error, 'monitoring.timeSeries.list', 'roles/monitoring.viewer', `project ${this.project}`);
    }
    return values;
  }
}
