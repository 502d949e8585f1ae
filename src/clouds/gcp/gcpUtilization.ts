// GPU utilization of one GCP project. Its Compute Engine VMs: every running VM with GPUs (aggregated
// list over all zones, every page), each hour's busiest GPU from the Ops Agent's
// agent.googleapis.com/gpu/utilization (one Cloud Monitoring query per project, not per VM), and,
// for VMs without GPU metrics, the hourly CPU maximum and network traffic as the weaker signal; for
// those with them, the most memory a GPU held (agent.googleapis.com/gpu/memory/bytes_used), for rightsizing.
// Its Vertex AI endpoints come from vertexEndpoints.ts.
import type { InstancesClient } from '@google-cloud/compute';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import { daysBetween } from '../../calc/period.ts';
import { CostSourceError } from '../costSource.ts';
import { type EndpointUsage, type GpuInstanceUsage, summarizeHourly, type UtilizationSource } from '../utilization.ts';
import { CPU_METRIC, GPU_MEMORY_METRIC, GPU_MEMORY_USED, GPU_METRIC, NETWORK_METRICS } from './gceMetrics.ts';
import { explainDenied, isNotFound } from './googleErrors.ts';
import type { VertexEndpoints } from './vertexEndpoints.ts';

const HOUR = 3600;
/** GCE's own page limit for aggregated lists. */
const PAGE_SIZE = 500;
const LOCAL_SSD_GB = 375;

/** nvidia-tesla-t4 → t4, nvidia-l4 → l4: the short GPU name the price catalog joins to an N1 machine type. */
const gpuShortName = (acceleratorType: string) =>
  acceleratorType
    .split('/')
    .pop()!
    .replace(/^nvidia-(tesla-)?/, '');
const lastPart = (url: string | null | undefined) => (url ?? '').split('/').pop() ?? '';

interface VmFacts extends GpuInstanceUsage {
  numericId: string;
}

/** What Google's error says, as a note naming the role to grant or the project missing; other errors go on as they are. */
function denied(error: unknown, what: string, role: string, project: string): never {
  if (isNotFound(error)) throw new CostSourceError(`GCP project ${project} was not found, or the Compute Engine API is not enabled in it`);
  explainDenied(error, what, role, `project ${project}`);
}

export class GcpUtilization implements UtilizationSource {
  readonly name: string;
  /** the Vertex AI deployed models' models and load, for rightsizing, where Vertex AI is read */
  readonly servingLoads?: UtilizationSource['servingLoads'];

  constructor(
    private readonly compute: InstancesClient,
    private readonly monitoring: MetricServiceClient,
    private readonly project: string,
    private readonly vertex?: VertexEndpoints,
  ) {
    this.name = `GCP ${project}`;
    if (vertex) this.servingLoads = (start, end, only) => vertex.servingLoads(start, end, only);
  }

  /** Running VMs with GPUs attached or built into the machine type, in every zone; or only those named. */
  private async vms(only?: string[]): Promise<VmFacts[]> {
    const found: VmFacts[] = [];
    try {
      for await (const [, scoped] of this.compute.aggregatedListAsync({
        project: this.project,
        filter: 'status = RUNNING',
        maxResults: PAGE_SIZE,
        returnPartialSuccess: true,
      })) {
        for (const vm of scoped.instances ?? []) {
          const gpus = vm.guestAccelerators ?? [];
          if (!gpus.length || (only && !only.includes(vm.name ?? ''))) continue;
          const machine = lastPart(vm.machineType);
          // N1 machines take GPUs as attachments: the catalog prices the pair (n1-standard-4+t4)
          const instanceType = machine.startsWith('n1-') ? `${machine}+${gpuShortName(gpus[0]!.acceleratorType ?? '')}` : machine;
          const localSsd = (vm.disks ?? [])
            .filter((d) => d.type === 'SCRATCH')
            .reduce((s, d) => s + Number(d.diskSizeGb ?? LOCAL_SSD_GB), 0);
          const labels = vm.labels ?? {};
          found.push({
            cloud: 'gcp',
            numericId: String(vm.id),
            instanceId: vm.name!,
            name: vm.name!,
            account: this.project,
            region: lastPart(vm.zone),
            instanceType,
            ...(Object.keys(labels).length ? { tags: { ...labels } } : {}),
            ...(localSsd ? { instanceStoreGb: localSsd } : {}),
            hours: 0,
            averagePercent: null,
            maximumPercent: null,
          });
        }
      }
    } catch (error) {
      denied(error, 'compute.instances.list', 'roles/compute.viewer', this.project);
    }
    return found;
  }

  /** Hourly values per VM (by numeric id) of one metric, aligned per series and reduced across series of a VM. */
  private async hourly(
    metric: string,
    start: string,
    end: string,
    aligner: 'ALIGN_MEAN' | 'ALIGN_MAX' | 'ALIGN_SUM',
    reducer: 'REDUCE_MAX' | 'REDUCE_SUM',
    labels?: string,
  ): Promise<Map<string, number[]>> {
    const values = new Map<string, number[]>();
    try {
      const series = this.monitoring.listTimeSeriesAsync({
        name: `projects/${this.project}`,
        filter: `metric.type = "${metric}" AND resource.type = "gce_instance"${labels ? ` AND ${labels}` : ''}`,
        interval: {
          startTime: { seconds: Date.parse(`${start}T00:00:00Z`) / 1000 },
          endTime: { seconds: Date.parse(`${end}T00:00:00Z`) / 1000 },
        },
        aggregation: {
          alignmentPeriod: { seconds: HOUR },
          perSeriesAligner: aligner,
          crossSeriesReducer: reducer,
          groupByFields: ['resource.label.instance_id'],
        },
        view: 'FULL',
      });
      for await (const one of series) {
        const id = one.resource?.labels?.instance_id;
        if (!id) continue;
        const points = (one.points ?? []).map((p) => Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0));
        values.set(id, [...(values.get(id) ?? []), ...points]);
      }
    } catch (error) {
      denied(error, 'monitoring.timeSeries.list', 'roles/monitoring.viewer', this.project);
    }
    return values;
  }

  async gpuInstances(start: string, end: string, only?: string[]): Promise<GpuInstanceUsage[]> {
    const vms = await this.vms(only);
    if (!vms.length) return [];
    const [gpu, memory] = await Promise.all([
      this.hourly(GPU_METRIC, start, end, 'ALIGN_MEAN', 'REDUCE_MAX'),
      // the busiest GPU's memory in its fullest hour, what a smaller GPU must hold: rightsizing's, not a re-check's
      only ? new Map<string, number[]>() : this.hourly(GPU_MEMORY_METRIC, start, end, 'ALIGN_MAX', 'REDUCE_MAX', GPU_MEMORY_USED),
    ]);
    const usage = vms.map(({ numericId, ...vm }) => {
      const held = memory.get(numericId) ?? [];
      return {
        numericId,
        vm: {
          ...vm,
          ...summarizeHourly(gpu.get(numericId) ?? []),
          ...(held.length ? { gpuMemoryPeakMib: Math.max(...held) / 2 ** 20 } : {}),
        },
      };
    });
    const blind = usage.filter((u) => u.vm.averagePercent === null);
    if (blind.length) {
      const [cpu, received, sent] = await Promise.all([
        this.hourly(CPU_METRIC, start, end, 'ALIGN_MAX', 'REDUCE_MAX'),
        ...NETWORK_METRICS.map((metric) => this.hourly(metric, start, end, 'ALIGN_SUM', 'REDUCE_SUM')),
      ]);
      const days = daysBetween(start, end);
      for (const { numericId, vm } of blind) {
        const hours = cpu!.get(numericId) ?? [];
        if (!hours.length) continue;
        vm.hours = hours.length;
        // Compute Engine reports CPU utilization as a fraction
        vm.cpuMaximumPercent = Math.max(...hours) * 100;
        vm.networkBytesPerDay = [...(received!.get(numericId) ?? []), ...(sent!.get(numericId) ?? [])].reduce((a, b) => a + b, 0) / days;
      }
    }
    return usage.map((u) => u.vm);
  }

  async endpoints(start: string, end: string, only?: string[]): Promise<EndpointUsage[]> {
    return this.vertex ? this.vertex.endpoints(start, end, only) : [];
  }

  async notebooks(): Promise<[]> {
    return [];
  }

  async studioApps(): Promise<[]> {
    return [];
  }
}
