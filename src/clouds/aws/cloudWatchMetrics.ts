// The CloudWatch metrics an EC2 accelerator instance's use is read from: the CloudWatch agent's
// per-GPU utilization for NVIDIA machines, Container Insights' per-NeuronCore utilization for
// Inferentia and Trainium (recorded for EKS nodes).

/** Inferentia and Trainium: NeuronCores, not GPUs. */
export const isNeuronInstance = (instanceType: string): boolean => /^(inf|trn)\d/.test(instanceType);

/** The accelerator metric read for an instance type, as evidence names it. */
export const acceleratorMetric = (instanceType: string): string =>
  isNeuronInstance(instanceType) ? 'Container Insights node_neuroncore_utilization' : 'CWAgent nvidia_smi_utilization_gpu';
