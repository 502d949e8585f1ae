// What a serving endpoint runs and how hard it works: the model its container names and the load
// CloudWatch saw over the window. Rightsizing reads this (UtilizationSource.servingLoads); each
// provider fills it its own way.

/** The model a serving container is configured to load, as its environment (or a tag) names it. */
export interface ServedModel {
  /** a Hugging Face id (or a path the container loads from) */
  id: string;
  /** what named it: the container family whose settings were read, or the burnrate:model tag */
  from: 'TGI' | 'LMI' | 'vLLM' | 'tag';
  /** a weight format burnrate knows (bf16, fp16, fp8, awq, gptq, int8, nf4); absent: the model's own */
  precision?: string;
  /** GPUs one copy of the model spans (tensor parallel degree) */
  tensorParallel?: number;
  /** the longest sequence (prompt + output) the container accepts, tokens */
  contextTokens?: number;
}

export interface ServingLoad {
  /** a SageMaker endpoint variant, or a Vertex AI deployed model (its endpoint id and deployed model id) */
  kind: 'sagemaker-endpoint' | 'vertex-endpoint';
  endpointName: string;
  variantName: string;
  /** how people name it: a Vertex AI endpoint's display name */
  displayName?: string;
  /** the endpoint configuration the variant runs (what a resize copies); a Vertex AI deployed model's Model resource */
  endpointConfigName: string;
  account?: string;
  region?: string;
  instanceType: string;
  instanceCount: number;
  /** the endpoint's tags, read by a re-check (the production tag) */
  tags?: Record<string, string>;
  /** the variant's other variants on the same endpoint, by name: a resize touches only this one */
  siblingVariants: string[];
  /** Application Auto Scaling's minimum for the variant, when it is registered (today's count when it could not be read) */
  minInstances?: number;
  /** why the autoscaling minimum could not be read */
  minimumUnread?: string;
  model: ServedModel | null;
  /** why the model is not known (its container names none, no model of that name was found) */
  modelNote?: string;
  /** invocations per hour over the window (a missing datapoint is an hour without calls) */
  hourlyInvocations: number[];
  /** mean ModelLatency over the window, milliseconds; null without the metric */
  modelLatencyMs: number | null;
  /** the busiest hour's GPU utilization per GPU, 0–100; null without the metric */
  gpuUtilizationPeak: number | null;
  /** the busiest hour's GPU memory use per GPU, 0–100; null without the metric */
  gpuMemoryPeak: number | null;
  /** days of GPU metrics in the window (hours reported ÷ 24) */
  days: number;
}

/** A variant whose model is known already (its configuration has not changed): a re-check reads its load alone. */
export interface ServedVariant {
  endpointName: string;
  variantName: string;
  model: ServedModel;
}
