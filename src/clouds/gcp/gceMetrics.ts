// Cloud Monitoring's metric types for GCE VMs: the Ops Agent's GPU utilization, and Compute Engine's CPU and network.
export const GPU_METRIC = 'agent.googleapis.com/gpu/utilization';
/** the Ops Agent's NVML receiver: bytes per GPU (gpu_number) and memory_state (used, free); rightsizing reads "used" */
export const GPU_MEMORY_METRIC = 'agent.googleapis.com/gpu/memory/bytes_used';
export const GPU_MEMORY_USED = 'metric.label.memory_state = "used"';
export const CPU_METRIC = 'compute.googleapis.com/instance/cpu/utilization';
export const NETWORK_METRICS = [
  'compute.googleapis.com/instance/network/received_bytes_count',
  'compute.googleapis.com/instance/network/sent_bytes_count',
];
