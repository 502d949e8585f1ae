// /gpu-memory: how much GPU memory a model needs, what it fits on, at what price.
import type { Architecture } from '../src/calc/architecture.ts';
import { type CloudOffer, type FitRow, fitTable } from '../src/calc/fit.ts';
import {
  type Breakdown,
  estimateMemory,
  type MemoryEstimate,
  type MemoryScenario,
  type Mode,
  type ModelStates,
  type ParallelLayout,
  type TrainingPrecision,
  VLLM_DEFAULT_UTILIZATION,
} from '../src/calc/gpuMemory.ts';
import { computeFormatNote, KV_BYTES, type KvPrecisionId, type PrecisionId, WEIGHT_FORMATS } from '../src/calc/precision.ts';
import { findGpu, type Gpu, runsPyTorch } from '../src/catalogs/hardware.ts';
import { grouped } from '../src/present/format.ts';
import { type Command, type CommandContext, UsageError } from './command.ts';
import { GPU_MEMORY_KEYS, type GpuMemoryRequest, parseGpuMemoryText } from './gpuMemoryGrammar.ts';
import { type ResolvedModel, resolveModel } from './modelResolver.ts';

export interface GpuServing {
  gpuId: string;
  /** GPUs the row covers: the layout asked (tp=, pp=, gpus=), else the fewest that fit */
  gpus: number;
  layout: string;
  utilization: number;
  kvCacheTokens: number;
  concurrentSequences: number;
}

export interface GpuMemoryResult {
  command: 'gpu-memory';
  input: string;
  /** the answer in one line; every rendering leads with it */
  summary: string;
  model: { id: string; params: number; paramsSource: string; source: string; assumedArchitecture?: string };
  mode: Mode;
  precision: string;
  trainingPrecision?: TrainingPrecision;
  kvPrecision?: KvPrecisionId;
  batch: number;
  /** inference: context (prompt + generated); training: sequence length */
  tokens: number;
  engine: string;
  parallel: ParallelLayout;
  totalBytes: number;
  perGpuBytes: number;
  gpus: number;
  breakdown: Breakdown;
  peakPhase: string;
  /** per GPU: parameters, gradients and optimizer states that stay allocated (the ZeRO paper's model states) */
  modelStates: ModelStates;
  trainableParams: number;
  fits: FitRow[];
  cheapest: (CloudOffer & { gpuName: string; gpus: number }) | null;
  serving?: GpuServing[];
  /** what the reader must not miss (a context past the model's own), shown right under the answer */
  warnings: string[];
  assumptions: string[];
  method: string[];
}

const DEFAULT_CONTEXT = 4096;
/**
 * The most GPUs any one job could span: the largest clusters built by 2025 hold 100,000 to 200,000
 * GPUs. An answer needing more memory than this many of the largest GPU in the catalog is refused.
 */
export const LARGEST_CLUSTER_GPUS = 200_000;
const DEFAULT_SEQUENCE = 2048;

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 10e9 ? 1 : 0)} GB`;

function largestTensorParallel(arch: Architecture, gpus: number): number {
  let tp = 1;
  for (const t of [2, 4, 8]) if (t <= gpus && gpus % t === 0 && (arch.mla || arch.kvHeads % t === 0)) tp = t;
  return tp;
}

function layoutFor(request: GpuMemoryRequest, model: ResolvedModel): ParallelLayout {
  const { arch } = model;
  const inference = request.mode === 'inference';
  let tensor = request.tensor;
  let pipeline = request.pipeline;
  const gpus = request.gpus ?? (tensor ?? 1) * (pipeline ?? 1);
  if (inference) {
    tensor ??= pipeline ? gpus / pipeline : largestTensorParallel(arch, gpus);
    pipeline ??= gpus / tensor;
  } else {
    tensor ??= 1;
    pipeline ??= 1;
  }
  if (!arch.mla && arch.kvHeads % tensor !== 0) {
    const options = [1, 2, 4, 8, 16].filter((t) => arch.kvHeads % t === 0).join(', ');
    throw new UsageError(`tp=${tensor} does not divide ${model.id}'s ${arch.kvHeads} KV heads; use tp=${options}`);
  }
  if (!Number.isInteger(pipeline) || pipeline < 1) {
    throw new UsageError(`gpus=${gpus} cannot be split into tp=${tensor} × pp; make gpus a multiple of tp`);
  }
  if (pipeline > arch.layers) throw new UsageError(`pp=${pipeline} is more stages than ${model.id}'s ${arch.layers} layers`);
  const data = gpus / (tensor * pipeline);
  if (!Number.isInteger(data)) throw new UsageError(`gpus=${gpus} is not a multiple of tp × pp = ${tensor * pipeline}`);
  return { tensor, pipeline, data, zeroStage: request.zero ?? 0 };
}

function weightsFormat(request: GpuMemoryRequest, model: ResolvedModel): PrecisionId {
  if (request.mode === 'qlora') return 'nf4';
  const precision = request.precision ?? (request.mode === 'lora' ? 'bf16' : model.nativePrecision);
  if (WEIGHT_FORMATS[precision].expertsOnly && !model.arch.moe) {
    throw new UsageError(`${precision} quantizes MoE experts and ${model.id} has none; use int4, fp8 or a GGUF format`);
  }
  return precision;
}

export function buildScenario(request: GpuMemoryRequest, model: ResolvedModel): MemoryScenario {
  const weights = weightsFormat(request, model);
  const inference = request.mode === 'inference';
  const defaultLength = Math.min(inference ? DEFAULT_CONTEXT : DEFAULT_SEQUENCE, model.arch.maxContext);
  return {
    arch: model.arch,
    totalParams: model.params,
    mode: request.mode,
    weights,
    training: {
      precision: request.trainingPrecision ?? 'mixed',
      optimizer: request.optimizer ?? 'adamw',
      checkpointing: request.checkpointing,
    },
    lora: { rank: request.loraRank ?? 16, targets: request.loraTargets ?? 'all-linear' },
    kv: request.kv ?? (weights === 'fp32' ? 'fp32' : weights === 'fp16' ? 'fp16' : 'bf16'),
    batch: request.batch ?? 1,
    sequence: (inference ? request.context : request.sequence) ?? defaultLength,
    parallel: layoutFor(request, model),
    engine: request.engine,
  };
}

/** The number format the job's matmuls run in: full training computes in BF16 (or FP32), inference and adapters in the weights' format. */
function computePrecision(s: MemoryScenario): PrecisionId {
  if (s.mode !== 'train') return s.weights;
  return s.training.precision === 'fp32' ? 'fp32' : 'bf16';
}

function layoutLabel(p: ParallelLayout): string {
  const parts: string[] = [];
  if (p.tensor > 1) parts.push(`TP${p.tensor}`);
  if (p.pipeline > 1) parts.push(`PP${p.pipeline}`);
  if (p.data > 1) parts.push(p.zeroStage ? `ZeRO-${p.zeroStage} ×${p.data}` : `DP${p.data}`);
  return parts.join(' + ');
}

/** The layout burnrate assumes when a job is spread over `count` GPUs of one kind. */
function scaledScenario(base: MemoryScenario, count: number): MemoryScenario {
  if (count === 1) return { ...base, parallel: { tensor: 1, pipeline: 1, data: 1, zeroStage: base.parallel.zeroStage } };
  if (base.mode === 'inference') {
    const tensor = largestTensorParallel(base.arch, count);
    return { ...base, parallel: { tensor, pipeline: count / tensor, data: 1, zeroStage: 0 } };
  }
  return { ...base, parallel: { tensor: 1, pipeline: 1, data: count, zeroStage: 3 } };
}

/** KV-cache tokens a layout holds: the pool is each GPU's share less what is not KV cache, whole tokens on every rank. */
function servingOn(scenario: MemoryScenario, gpu: Gpu, utilization: number, estimate = estimateMemory(scenario)): GpuServing {
  const fixed = estimate.perGpuBytes - estimate.breakdown.kvCache;
  const pool = Math.max(0, utilization * gpu.usableBytes - fixed);
  const kvCacheTokens = estimate.kvBytesPerToken > 0 ? Math.floor(pool / estimate.kvBytesPerToken) : 0;
  return {
    gpuId: gpu.id,
    gpus: estimate.gpus,
    layout: layoutLabel(scenario.parallel),
    utilization,
    kvCacheTokens,
    concurrentSequences: Math.floor(kvCacheTokens / scenario.sequence),
  };
}

export interface ServingCapacity {
  /** weight bytes each GPU holds (and reads once per decode step) */
  perGpuWeightBytes: number;
  /** KV cache bytes each GPU holds per token */
  perGpuKvBytesPerToken: number;
  /** tokens of KV cache the whole group can hold under vLLM's memory share */
  kvCacheTokens: number;
  /** pipeline stages a token passes through one after another */
  pipeline: number;
  layout: string;
}

/**
 * What serving `model` with vLLM on `count` × `gpu` leaves for KV cache, with the same estimate and
 * layout /gpu-memory uses; null when the model does not fit there.
 */
export function servingCapacity(
  model: ResolvedModel,
  precision: PrecisionId | undefined,
  contextTokens: number,
  gpu: Gpu,
  count: number,
): ServingCapacity | null {
  const request: GpuMemoryRequest = {
    model: model.id,
    precision,
    mode: 'inference',
    checkpointing: false,
    engine: 'vllm',
    context: contextTokens,
  };
  let scenario: MemoryScenario;
  try {
    scenario = scaledScenario(buildScenario(request, model), count);
  } catch (error) {
    if (error instanceof UsageError) return null;
    throw error;
  }
  const estimate = estimateMemory(scenario);
  const serving = servingOn(scenario, gpu, VLLM_DEFAULT_UTILIZATION, estimate);
  if (serving.concurrentSequences < 1) return null;
  return {
    perGpuWeightBytes: estimate.breakdown.weights,
    perGpuKvBytesPerToken: estimate.kvBytesPerToken,
    kvCacheTokens: serving.kvCacheTokens,
    pipeline: scenario.parallel.pipeline,
    layout: layoutLabel(scenario.parallel),
  };
}

function summarize(result: Omit<GpuMemoryResult, 'summary'>, candidates: FitRow[]): string {
  const size =
    result.gpus > 1 ? `≈ ${gb(result.totalBytes)} (${gb(result.perGpuBytes)} per GPU × ${result.gpus})` : `≈ ${gb(result.totalBytes)}`;
  const fitting = candidates.filter((f) => f.count !== null).sort((a, b) => a.count! - b.count! || a.usableBytes - b.usableBytes);
  if (!fitting.length)
    return `${size} · does not fit on up to 64 of ${candidates.length === 1 ? candidates[0]!.gpuName : 'any GPU in the catalog'}`;
  const options: string[] = [];
  for (const f of fitting) {
    if (options.length === 2) break;
    if (options.length === 1 && f.count === fitting[0]!.count) continue;
    options.push(`${f.count}× ${f.gpuName}${f.layout ? ` with ${f.layout}` : ''}`);
  }
  const price = result.cheapest
    ? ` · from $${result.cheapest.onDemandPerHour.toFixed(2)}/h (${result.cheapest.instances > 1 ? `${result.cheapest.instances}× ` : ''}${result.cheapest.instance}, ${result.cheapest.cloud.toUpperCase()})`
    : '';
  return `${size} · fits ${options.join(', or ')}${price}`;
}

export async function computeGpuMemory(text: string, context: CommandContext): Promise<GpuMemoryResult> {
  const request = parseGpuMemoryText(text);
  const model = await resolveModel(request.model, context);
  const { gpus, prices } = context.catalogs;
  const chosenGpu = request.gpu === undefined ? undefined : findGpu(gpus, request.gpu);
  if (request.gpu !== undefined && !chosenGpu) {
    throw new UsageError(`gpu=${request.gpu} is not in the GPU catalog; known: ${gpus.map((g) => g.id).join(', ')}`);
  }
  const scenario = buildScenario(request, model);
  const estimate = estimateMemory(scenario);
  const largest = gpus.reduce((a, b) => (b.usableBytes > a.usableBytes ? b : a));
  if (!Number.isFinite(estimate.totalBytes) || estimate.totalBytes > LARGEST_CLUSTER_GPUS * largest.usableBytes) {
    const need = Number.isFinite(estimate.totalBytes)
      ? `≈ ${grouped(Math.round(estimate.totalBytes / 1e15))} PB`
      : 'more memory than can be counted';
    throw new UsageError(
      `batch ${grouped(scenario.batch)} × ${grouped(scenario.sequence)} tokens needs ${need}, more than any GPU cluster holds ` +
        `(${grouped(LARGEST_CLUSTER_GPUS)} × ${largest.name}); lower batch= or ${request.mode === 'inference' ? 'ctx=' : 'seq='}`,
      { understood: [text] },
    );
  }
  const vllm = scenario.engine === 'vllm';
  const utilization = request.utilization ?? VLLM_DEFAULT_UTILIZATION;
  const usableShare = vllm ? utilization : 1;

  const rows = fitTable(gpus, prices, (count) => {
    try {
      const scaled = scaledScenario(scenario, count);
      return { perGpuBytes: estimateMemory(scaled).perGpuBytes / usableShare, layout: layoutLabel(scaled.parallel) };
    } catch {
      return null;
    }
  }).map((row) => {
    const gpu = gpus.find((g) => g.id === row.gpuId)!;
    const computeNote = computeFormatNote(computePrecision(scenario), gpu.native) ?? undefined;
    const perGpuBytes = row.perGpuBytes * usableShare;
    return { ...row, perGpuBytes, headroomBytes: row.usableBytes - perGpuBytes, ...(computeNote ? { computeNote } : {}) };
  });
  const fits = chosenGpu ? [...rows.filter((r) => r.gpuId === chosenGpu.id), ...rows.filter((r) => r.gpuId !== chosenGpu.id)] : rows;

  // TPUs and AWS Neuron chips are listed but need their own stack
  const pytorchGpus = new Set(gpus.filter(runsPyTorch).map((g) => g.id));
  const candidates = fits.filter((f) => f.count !== null && (chosenGpu ? f.gpuId === chosenGpu.id : pytorchGpus.has(f.gpuId)));
  const offers = candidates.flatMap((f) => f.offers.map((o) => ({ ...o, gpuName: f.gpuName, gpus: f.count! })));
  const cheapest = offers.reduce<(typeof offers)[number] | null>(
    (best, o) => (!best || o.onDemandPerHour < best.onDemandPerHour ? o : best),
    null,
  );

  const assumptions = assumptionsFor(request, scenario, model, estimate);
  let serving: GpuServing[] | undefined;
  if (vllm) {
    // a layout the user asked for is served as asked on every GPU it fits; otherwise each GPU's fewest that fit
    const statedLayout = request.tensor !== undefined || request.pipeline !== undefined || request.gpus !== undefined;
    const servingRows = fits.filter((f) => f.count !== null && (!chosenGpu || f.gpuId === chosenGpu.id));
    serving = servingRows
      .map((f) => {
        const gpu = gpus.find((g) => g.id === f.gpuId)!;
        // the layout asked is the estimate already made
        return statedLayout
          ? servingOn(scenario, gpu, utilization, estimate)
          : servingOn(scaledScenario(scenario, f.count!), gpu, utilization);
      })
      .filter((row) => row.concurrentSequences >= 1 || !statedLayout);
    assumptions.push(
      `vLLM reserves ${Math.round(utilization * 100)}% of each GPU (gpu_memory_utilization=${utilization}); what weights, activations and CUDA graphs leave is KV cache`,
    );
  }
  const warnings =
    scenario.sequence > model.arch.maxContext
      ? [
          `⚠ ${grouped(scenario.sequence)} tokens is beyond ${model.id}'s own ${grouped(model.arch.maxContext)}-token context: the model was not trained for it, and the memory is what that length would take`,
        ]
      : [];
  const base: Omit<GpuMemoryResult, 'summary'> = {
    command: 'gpu-memory',
    input: text,
    model: {
      id: model.id,
      params: model.params,
      paramsSource: model.paramsSource,
      source: model.source,
      assumedArchitecture: model.assumedArchitecture,
    },
    mode: scenario.mode,
    precision: scenario.weights,
    trainingPrecision: scenario.mode === 'train' ? scenario.training.precision : undefined,
    kvPrecision: scenario.mode === 'inference' ? scenario.kv : undefined,
    batch: scenario.batch,
    tokens: scenario.sequence,
    engine: scenario.engine,
    parallel: scenario.parallel,
    totalBytes: estimate.totalBytes,
    perGpuBytes: estimate.perGpuBytes,
    gpus: estimate.gpus,
    breakdown: estimate.breakdown,
    peakPhase: estimate.peakPhase,
    modelStates: estimate.modelStates,
    trainableParams: estimate.trainableParams,
    fits,
    cheapest,
    serving,
    warnings,
    assumptions,
    method: estimate.method,
  };
  return { summary: summarize(base, chosenGpu ? fits.slice(0, 1) : fits.filter((f) => pytorchGpus.has(f.gpuId))), ...base };
}

function assumptionsFor(request: GpuMemoryRequest, s: MemoryScenario, model: ResolvedModel, e: MemoryEstimate): string[] {
  const out: string[] = [];
  if (model.assumedArchitecture) out.push(model.assumedArchitecture);
  out.push(`${(model.params / 1e9).toFixed(2)}B parameters (${model.paramsSource})`);
  if (s.mode === 'inference') {
    out.push(
      `batch ${s.batch} × context ${grouped(s.sequence)} tokens${request.context === undefined ? ' (default)' : ''}, KV cache in ${s.kv} (${KV_BYTES[s.kv]} B per value)`,
    );
    out.push(s.engine === 'vllm' ? 'engine: vLLM (paged KV cache pool)' : 'engine: PyTorch + transformers generate() with SDPA attention');
  } else {
    out.push(`batch ${s.batch} × sequence ${grouped(s.sequence)} tokens${request.sequence === undefined ? ' (default)' : ''}`);
    out.push(
      `optimizer ${s.training.optimizer}${s.training.checkpointing ? ', gradient checkpointing on' : ''}; attention via SDPA/flash (no seq² scores)`,
    );
    if (s.mode !== 'train')
      out.push(`LoRA rank ${s.lora.rank} on ${s.lora.targets}: ${(e.trainableParams / 1e6).toFixed(1)}M trainable parameters`);
  }
  if (e.gpus > 1) out.push(`per-GPU figures for ${layoutLabel(s.parallel)} on ${e.gpus} GPUs; total is summed over GPUs`);
  if (s.parallel.zeroStage > 0 && s.parallel.data === 1)
    out.push(`ZeRO-${s.parallel.zeroStage} shards across data-parallel GPUs; with gpus=1 it saves nothing`);
  out.push(`peak during ${e.peakPhase}; memory is what nvidia-smi shows (PyTorch's pool + CUDA context)`);
  out.push(
    s.mode === 'inference'
      ? 'fit table: more GPUs means tensor parallel up to 8, then pipeline stages'
      : 'fit table: more GPUs means ZeRO-3 data parallel',
  );
  return out;
}

export const gpuMemoryCommand: Command<GpuMemoryResult> = {
  name: 'gpu-memory',
  view: 'gpu-memory',
  description: 'GPU memory a model needs to serve or train, what it fits on, and what that costs',
  usageHint: '<model> [precision] [train|lora|qlora] [batch= ctx= gpu= …]',
  usage: `<model> [precision] [train|lora|qlora] [mixed|bf16|fp32] [ckpt] [${GPU_MEMORY_KEYS}]`,
  examples: [
    '70b fp16',
    'llama-3.1-70b fp8 batch=32 ctx=8k engine=vllm gpu=h100',
    'qwen2.5-0.5b train mixed batch=8 seq=2048 ckpt',
    'llama-3.1-8b lora r=16 batch=4 seq=2048 ckpt',
    'llama-3.1-70b qlora r=64 seq=4096 ckpt',
    'mixtral-8x7b q4_k_m',
    'deepseek-v3 fp8 gpus=8',
  ],
  run: computeGpuMemory,
};
