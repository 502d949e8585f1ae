// Which metric says how busy a machine's accelerators are, per provider and machine, in the words
// reports use: the evidence of a finding, and what to install where a machine reports nothing.
import { acceleratorMetric, isNeuronInstance } from './aws/cloudWatchMetrics.ts';
import { GPU_METRIC } from './gcp/gceMetrics.ts';
import type { GpuInstanceUsage } from './utilization.ts';

export interface AcceleratorSignal {
  /** what the machine has: GPUs, or Inferentia and Trainium NeuronCores */
  accelerator: 'GPU' | 'NeuronCore';
  /** the metric read, as evidence names it */
  metric: string;
  /** the note for a machine that reports no such metric: what to install */
  whenMissing: string;
}

export function acceleratorSignal(machine: Pick<GpuInstanceUsage, 'cloud' | 'instanceType'>): AcceleratorSignal {
  if (machine.cloud === 'gcp') {
    return {
      accelerator: 'GPU',
      metric: `Ops Agent ${GPU_METRIC}`,
      whenMissing: `"no metrics" on a GCE VM: it reports no ${GPU_METRIC}; install the Ops Agent, which collects NVIDIA GPU metrics`,
    };
  }
  if (isNeuronInstance(machine.instanceType)) {
    return {
      accelerator: 'NeuronCore',
      metric: acceleratorMetric(machine.instanceType),
      whenMissing:
        '"no metrics" on Inferentia or Trainium: no node_neuroncore_utilization for it; burnrate reads NeuronCores from Container Insights with enhanced observability, which records them for EKS nodes',
    };
  }
  return {
    accelerator: 'GPU',
    metric: acceleratorMetric(machine.instanceType),
    whenMissing:
      '"no metrics": the instance reports no nvidia_smi_utilization_gpu; install the CloudWatch agent with its nvidia_gpu section',
  };
}
