// The demo account's GPU instances and how busy their GPUs were: one long training job, a sweep
// that mostly waited, a shared notebook machine left idle, and one instance without GPU metrics;
// its endpoints (with the models they serve and their load, for rightsizing), and a SageMaker
// notebook instance nobody stopped.
import type { ServingLoad } from '../servingLoad.ts';
import type { EndpointUsage, GpuInstanceUsage, NotebookUsage, UtilizationSource } from '../utilization.ts';

const FLEET: GpuInstanceUsage[] = [
  {
    instanceId: 'i-0d4e5f60718293a4b',
    instanceType: 'p4d.24xlarge',
    name: 'llm-pretrain-a',
    hours: 168,
    averagePercent: 71.4,
    maximumPercent: 100,
  },
  {
    instanceId: 'i-0a1b2c3d4e5f60718',
    instanceType: 'p4d.24xlarge',
    name: 'eval-sweep',
    hours: 62,
    averagePercent: 12.3,
    maximumPercent: 97,
  },
  {
    instanceId: 'i-09f8e7d6c5b4a3921',
    instanceType: 'g5.12xlarge',
    name: 'notebook-gpu-shared',
    hours: 168,
    averagePercent: 0.9,
    maximumPercent: 3,
  },
  {
    instanceId: 'i-0123456789abcdef0',
    instanceType: 'g5.xlarge',
    name: 'ranker-dev',
    hours: 120,
    averagePercent: 38.0,
    maximumPercent: 92,
  },
  {
    instanceId: 'i-0fedcba9876543210',
    instanceType: 'g6.xlarge',
    name: 'batch-embeddings',
    hours: 72,
    averagePercent: null,
    maximumPercent: null,
  },
];

/** A churn model nobody calls any more, beside a ranker that serves traffic. */
const ENDPOINTS: EndpointUsage[] = [
  {
    endpointName: 'churn-model-prod',
    variantName: 'AllTraffic',
    instanceType: 'ml.g5.xlarge',
    instanceCount: 1,
    invocations: 0,
    gpuAveragePercent: 0,
  },
  {
    endpointName: 'recsys-ranker',
    variantName: 'blue',
    instanceType: 'ml.g5.2xlarge',
    instanceCount: 2,
    invocations: 1_204_331,
    gpuAveragePercent: 41.2,
  },
];

/** A week of hourly calls that peak in the afternoon (UTC) and fall to `low` at night. */
const diurnal = (peak: number, low: number) =>
  Array.from({ length: 168 }, (_, hour) => Math.round(low + (peak - low) * Math.max(0, Math.sin(((hour % 24) - 6) * (Math.PI / 12)))));

/**
 * What the demo endpoints serve and how hard they work: an 8B chat model on four A10Gs that one
 * would hold, a 70B summarizer that needs its A100s, and the ranker, whose custom container names
 * no model.
 */
const SERVING: ServingLoad[] = [
  {
    kind: 'sagemaker-endpoint',
    endpointName: 'support-chat-llm',
    variantName: 'AllTraffic',
    endpointConfigName: 'support-chat-llm-config-2026-10-02',
    instanceType: 'ml.g5.12xlarge',
    instanceCount: 1,
    siblingVariants: [],
    model: { id: 'meta-llama/Llama-3.1-8B-Instruct', from: 'TGI', precision: 'bf16', tensorParallel: 4, contextTokens: 4096 },
    hourlyInvocations: diurnal(540, 30),
    modelLatencyMs: 1850,
    gpuUtilizationPeak: 11.5,
    gpuMemoryPeak: 88,
    days: 7,
  },
  {
    kind: 'sagemaker-endpoint',
    endpointName: 'contract-summarizer-70b',
    variantName: 'AllTraffic',
    endpointConfigName: 'contract-summarizer-70b-config-v3',
    instanceType: 'ml.p4d.24xlarge',
    instanceCount: 1,
    siblingVariants: [],
    model: { id: 'meta-llama/Llama-3.1-70B-Instruct', from: 'LMI', precision: 'bf16', tensorParallel: 8, contextTokens: 8192 },
    hourlyInvocations: diurnal(900, 120),
    modelLatencyMs: 6200,
    gpuUtilizationPeak: 58,
    gpuMemoryPeak: 93,
    days: 7,
  },
  {
    kind: 'sagemaker-endpoint',
    endpointName: 'recsys-ranker',
    variantName: 'blue',
    endpointConfigName: 'recsys-ranker-config-blue',
    instanceType: 'ml.g5.2xlarge',
    instanceCount: 2,
    siblingVariants: [],
    model: null,
    modelNote: 'its container names no model; tag the endpoint burnrate:model=<hf id>',
    hourlyInvocations: diurnal(12_000, 3_000),
    modelLatencyMs: 18,
    gpuUtilizationPeak: 63,
    gpuMemoryPeak: 31,
    days: 7,
  },
];

/** A GPU notebook left running since the last sprint. */
const NOTEBOOKS: NotebookUsage[] = [
  { notebookName: 'research-notebook-gpu', instanceType: 'ml.g5.xlarge', lastModified: '2026-11-09T14:20:00.000Z' },
];

/**
 * The demo account's control plane, for this process: which of its resources are stopped. Stop
 * and Restore on the demo account change it (see demoStopper.ts), and the demo source leaves a
 * stopped resource out as AWS does (a deleted endpoint, a stopped instance or notebook).
 */
export class DemoControlPlane {
  private readonly stopped = new Set<string>();
  /** endpoint/variant → the size and configuration a Resize moved it to */
  private readonly sizes = new Map<string, { instanceType: string; count: number; endpointConfigName: string }>();

  /** the variant's size and configuration as Resize left it, or undefined while it runs as bundled */
  sizeOf(endpoint: string, variant: string) {
    return this.sizes.get(`${endpoint}/${variant}`);
  }

  /** moves the variant to a size and configuration; undefined puts it back as bundled */
  resize(endpoint: string, variant: string, size: { instanceType: string; count: number; endpointConfigName: string } | undefined): void {
    if (size) this.sizes.set(`${endpoint}/${variant}`, size);
    else this.sizes.delete(`${endpoint}/${variant}`);
  }

  isRunning(resource: string): boolean {
    return !this.stopped.has(resource);
  }

  /** false when it was stopped already */
  stop(resource: string): boolean {
    if (this.stopped.has(resource)) return false;
    this.stopped.add(resource);
    return true;
  }

  /** false when it was running already */
  start(resource: string): boolean {
    return this.stopped.delete(resource);
  }
}

export const demoControlPlane = new DemoControlPlane();

/** The demo fleet as a utilization source, as its control plane has it now. */
export function demoSource(plane: DemoControlPlane): UtilizationSource {
  const wanted = (name: string, only: string[] | undefined) => plane.isRunning(name) && (!only || only.includes(name));
  return {
    name: 'demo account',
    demo: true,
    async gpuInstances(_start, _end, only) {
      return FLEET.filter((i) => wanted(i.instanceId, only)).map((instance) => ({ ...instance }));
    },
    async endpoints(_start, _end, only) {
      return ENDPOINTS.filter((e) => wanted(e.endpointName, only)).map((endpoint) => ({ ...endpoint }));
    },
    async notebooks(only) {
      return NOTEBOOKS.filter((n) => wanted(n.notebookName, only)).map((notebook) => ({ ...notebook }));
    },
    async studioApps() {
      return [];
    },
    async servingLoads(_start, _end, only) {
      return SERVING.filter((l) => plane.isRunning(l.endpointName) && (!only || only.some((o) => o.endpointName === l.endpointName))).map(
        (load) => ({ ...load, ...plane.sizeOf(load.endpointName, load.variantName) }),
      );
    },
  };
}

export const demoUtilization: UtilizationSource = demoSource(demoControlPlane);
