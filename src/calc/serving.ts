// LLM serving on the roofline: each decode step reads the weights (and the batch's KV cache) once,
// so a step takes bytes ÷ bandwidth however many sequences share it, until compute takes over.
// Prefill is compute-bound: 2 FLOPs per active parameter per prompt token.

/** Share of peak HBM bandwidth that decode kernels reach (vLLM/TensorRT-LLM report 70–85%). */
export const DECODE_BANDWIDTH_EFFICIENCY = 0.8;
/** Share of dense BF16 peak a prefill or a large decode batch reaches. */
export const SERVING_MFU = 0.5;

export interface DecodeShape {
  /** weight bytes each GPU holds */
  perGpuWeightBytes: number;
  /** share of the weights in MoE experts, and how many of how many a token uses */
  expertShare: number;
  expertsPerToken: number;
  experts: number;
  perGpuKvBytesPerToken: number;
  /** average tokens in a sequence's KV cache during decode */
  averageContext: number;
  pipeline: number;
  gpuBandwidth: number;
  gpuFlops: number;
  gpus: number;
  activeParams: number;
}

/** Weight bytes one decode step reads on each GPU: every dense weight, and the experts the batch touches. */
export function weightBytesRead(s: DecodeShape, batch: number): number {
  const touched = s.experts > 0 ? Math.min(1, (batch * s.expertsPerToken) / s.experts) : 1;
  return s.perGpuWeightBytes * (1 - s.expertShare + s.expertShare * touched);
}

export function decodeStepSeconds(s: DecodeShape, batch: number): number {
  const memory =
    (weightBytesRead(s, batch) + batch * s.averageContext * s.perGpuKvBytesPerToken) / (s.gpuBandwidth * DECODE_BANDWIDTH_EFFICIENCY);
  const compute = (2 * s.activeParams * batch) / (s.gpus * s.gpuFlops * SERVING_MFU);
  return Math.max(memory, compute) * s.pipeline;
}

export function prefillSeconds(s: DecodeShape, promptTokens: number): number {
  return (2 * s.activeParams * promptTokens) / (s.gpus * s.gpuFlops * SERVING_MFU);
}

/** The largest batch whose decode step meets the per-token latency target; null if even one sequence misses it. */
export function largestBatch(s: DecodeShape, maxBatch: number, stepTarget: number): number | null {
  if (decodeStepSeconds(s, 1) > stepTarget) return null;
  let low = 1;
  let high = Math.max(1, maxBatch);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (decodeStepSeconds(s, mid) <= stepTarget) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Requests a second one replica serves at a batch: GPU time per request is its prefill plus its share of the decode steps. */
export function requestsPerSecond(s: DecodeShape, batch: number, promptTokens: number, outputTokens: number): number {
  return 1 / (prefillSeconds(s, promptTokens) + (outputTokens * decodeStepSeconds(s, batch)) / batch);
}
