// Peak GPU memory of a job, as nvidia-smi shows it, from the physics of what PyTorch allocates.
// Pure: no I/O. Calibrated against data/gpu-memory (H100, PyTorch 2.11, transformers 5.17).
import { type Architecture, moeLayerCount, parameterBreakdown } from './architecture.ts';
import { computeBytes, KV_BYTES, type KvPrecisionId, NF4_DOUBLE_QUANT_BITS, type PrecisionId, WEIGHT_FORMATS } from './precision.ts';
import { type PoolReplay, replayTrainingPool } from './trainingPool.ts';

export type Mode = 'inference' | 'train' | 'lora' | 'qlora';
export type TrainingPrecision = 'mixed' | 'bf16' | 'fp32';
export type Optimizer = 'adamw' | 'adamw8bit' | 'sgd' | 'adafactor';
export type LoraTargets = 'all-linear' | 'attention' | 'qv';
export type Engine = 'transformers' | 'vllm';

export interface ParallelLayout {
  /** tensor-parallel degree: splits heads, intermediate size, vocabulary */
  tensor: number;
  /** pipeline-parallel degree: splits layers */
  pipeline: number;
  /** data-parallel degree (gpus / (tensor × pipeline)); ZeRO shards across it */
  data: number;
  zeroStage: 0 | 1 | 2 | 3;
}

export interface MemoryScenario {
  arch: Architecture;
  /** exact parameter count of the checkpoint */
  totalParams: number;
  mode: Mode;
  /** inference: the weight format; lora: the frozen base's format */
  weights: PrecisionId;
  training: { precision: TrainingPrecision; optimizer: Optimizer; checkpointing: boolean };
  lora: { rank: number; targets: LoraTargets };
  kv: KvPrecisionId;
  batch: number;
  /** inference: context length (prompt + generated); training: sequence length */
  sequence: number;
  parallel: ParallelLayout;
  engine: Engine;
}

export interface ModelStates {
  weights: number;
  gradients: number;
  optimizer: number;
}

export type MemoryItem = 'weights' | 'kvCache' | 'activations' | 'logits' | 'gradients' | 'optimizer' | 'buffers' | 'overhead';
export type Breakdown = Record<MemoryItem, number>;

export interface MemoryEstimate {
  /** the largest per-GPU figure (the stage that holds the most) */
  perGpuBytes: number;
  gpus: number;
  /** summed over GPUs: what nvidia-smi shows across the job */
  totalBytes: number;
  breakdown: Breakdown;
  /** the moment of the step at which memory peaks */
  peakPhase: string;
  /**
   * Model states per GPU as the ZeRO paper counts them, outside any moment of the step: parameters,
   * gradients and optimizer states (fp32 master weights included) that stay allocated all along.
   */
  modelStates: ModelStates;
  /** per-GPU bytes that grow with each token of KV cache (vLLM sizing) */
  kvBytesPerToken: number;
  /** trainable parameters (full training: all; LoRA: the adapters) */
  trainableParams: number;
  /** how each item was computed, in order */
  method: string[];
}

// --- device and framework constants (see ../shared/data/gpu-memory/README.md) ---------------

const MiB = 2 ** 20;
/**
 * CUDA context, kernels and library handles outside PyTorch's pool: about 620 MiB for an idle
 * process on an H100 (CUDA 13, lazy module loading), growing as kernels load; the calibration set
 * shows ~730 MiB for inference and ~1.4 GiB for training, whose backward, autocast and optimizer
 * kernels load many more modules.
 */
export const CUDA_CONTEXT_INFERENCE = 730 * MiB;
export const CUDA_CONTEXT_TRAINING = 1400 * MiB;
/** cuBLAS + cuBLASLt workspaces, allocated through PyTorch's caching allocator on Hopper */
export const LIBRARY_WORKSPACE = 32 * MiB;
/**
 * The caching allocator keeps freed blocks reserved; blocks of transient tensors (activations,
 * a KV cache grown by torch.cat each decode step, logits) are split and reused for other sizes,
 * so the pool ends up larger than the peak of live tensors. Share of the transient bytes, as seen
 * on the calibration set: ~20% when generating (the KV cache is re-allocated every token), ~12%
 * in a training step with adapters or DeepSpeed. Full fine-tuning in plain PyTorch is replayed
 * through the allocator instead (trainingPool.ts).
 */
export const ALLOCATOR_SLACK_INFERENCE = 0.2;
export const ALLOCATOR_SLACK_TRAINING = 0.12;

// --- helpers ---------------------------------------------------------------------------------

function attentionWidths(arch: Architecture) {
  if (arch.mla) {
    const qk = arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim;
    return { q: arch.heads * qk, kv: arch.heads * qk };
  }
  return { q: arch.heads * arch.headDim, kv: arch.kvHeads * arch.headDim };
}

/** intermediate width a token runs through in the MLP, averaged over layers (MoE: top-k + shared) */
function effectiveIntermediate(arch: Architecture): { mean: number; max: number } {
  const moe = arch.moe;
  if (!moe) return { mean: arch.intermediateSize, max: arch.intermediateSize };
  const moeLayers = moeLayerCount(arch);
  const routed = moe.topK * moe.expertIntermediateSize + moe.sharedExperts * (moe.sharedIntermediateSize ?? moe.expertIntermediateSize);
  const dense = arch.layers - moeLayers;
  const mean = (dense * arch.intermediateSize + moeLayers * routed) / arch.layers;
  return { mean, max: Math.max(routed, dense > 0 ? arch.intermediateSize : 0) };
}

/** KV cache bytes per token summed over layers, before tensor parallelism */
function kvBytesPerToken(arch: Architecture, kv: KvPrecisionId, context: number): { perToken: number; total: number } {
  const bytes = KV_BYTES[kv];
  // MLA caches the compressed latent plus the shared RoPE key (DeepSeek-V2 paper §2.1; vLLM MLA backend)
  const perLayer = arch.mla ? (arch.mla.kvLoraRank + arch.mla.qkRopeHeadDim) * bytes : 2 * arch.kvHeads * arch.headDim * bytes;
  const window = arch.slidingWindow;
  const windowLayers = window ? Math.round(arch.layers * window.layerShare) : 0;
  const fullLayers = arch.layers - windowLayers;
  const windowTokens = window ? Math.min(context, window.size) : 0;
  return {
    perToken: perLayer * fullLayers,
    total: perLayer * (fullLayers * context + windowLayers * windowTokens),
  };
}

function loraAdapterParams(arch: Architecture, rank: number, targets: LoraTargets): number {
  const h = arch.hiddenSize;
  const { q, kv } = attentionWidths(arch);
  const i = arch.moe ? arch.moe.expertIntermediateSize : arch.intermediateSize;
  const mlpCount = arch.moe ? arch.moe.experts + arch.moe.sharedExperts : 1;
  const pair = (inF: number, outF: number) => rank * (inF + outF);
  const qv = pair(h, q) + pair(h, kv);
  const attention = qv + pair(h, kv) + pair(q, h);
  const mlp = mlpCount * (2 * pair(h, i) + pair(i, h));
  const perLayer = targets === 'qv' ? qv : targets === 'attention' ? attention : attention + mlp;
  return perLayer * arch.layers;
}

/**
 * Bytes of fp32 copies PEFT makes of each targeted layer's input, per token per layer: LoRA's forward
 * casts its input to the adapter's dtype (peft/tuners/lora/layer.py, `_cast_input_dtype`) once per
 * targeted module, and lora_A saves that copy. LoRA's default dropout is 0 (an nn.Identity), so no mask.
 */
function loraInputCopiesPerToken(arch: Architecture, targets: LoraTargets): number {
  const h = arch.hiddenSize;
  const { q } = attentionWidths(arch);
  const i = effectiveIntermediate(arch).mean;
  if (targets === 'qv') return 4 * 2 * h;
  if (targets === 'attention') return 4 * (3 * h + q);
  return 4 * (5 * h + q + i);
}

/**
 * Bytes autograd keeps per token for one decoder layer (SDPA/flash attention, so no seq² scores),
 * following HF Llama/Qwen2 modeling code tensor by tensor:
 * - RMSNorm upcasts to fp32 and saves its fp32 input and normalized output (twice per layer);
 * - mixed precision: autocast casts the normed input to bf16 separately for q, k, v (and gate, up);
 *   RoPE multiplies by fp32 cos/sin so q, k are re-cast before SDPA;
 * - SDPA saves q, k, v and its output (GQA native, no repeat_kv: torch ≥ 2.5, no mask);
 * - o_proj saves its (contiguous) input; the gated MLP saves gate, act(gate), up and their product.
 * Tensor-parallel ranks hold the head and intermediate slices; hidden-width tensors are replicated.
 *
 * A frozen base (LoRA, QLoRA) keeps less: autograd saves a matmul's input only for its weight's
 * gradient (torchgen gen_variable_type.py guard_for), so frozen projections save nothing and a
 * frozen norm weight does not need its normalized input. What remains is each norm's fp32 input,
 * SDPA's q, k, v and output, and the MLP's gate, act(gate) and up; the adapters' own fp32 inputs
 * are counted by loraInputCopiesPerToken.
 */
function trainingActivationPerToken(arch: Architecture, precision: TrainingPrecision, tp: number, frozenBase: boolean): number {
  const h = arch.hiddenSize;
  const { q, kv } = attentionWidths(arch);
  const i = effectiveIntermediate(arch).mean;
  if (frozenBase) return 8 * h + (4 * q + 4 * kv + 6 * i) / tp;
  if (precision === 'mixed') return 26 * h + (6 * q + 4 * kv + 8 * i) / tp;
  if (precision === 'bf16') return 16 * h + (6 * q + 4 * kv + 8 * i) / tp;
  return 24 * h + (12 * q + 8 * kv + 16 * i) / tp;
}

// --- the estimate ----------------------------------------------------------------------------

type WeightGroup = 'linear' | 'experts' | 'embedding' | 'lmHead' | 'other';

interface WeightSplit {
  /** bytes of weights on the busiest GPU */
  bytes: number;
  /** parameters on that GPU */
  params: number;
}

function shardedWeights(s: MemoryScenario, bitsFor: (group: WeightGroup) => number): WeightSplit {
  const pb = parameterBreakdown(s.arch);
  const { tensor: tp, pipeline: pp } = s.parallel;
  // the checkpoint's exact count wins; the config formula gives each group's share of it
  const scale = s.totalParams / pb.total;
  const layerShare = Math.ceil(s.arch.layers / pp) / s.arch.layers;
  // with pipeline stages, the first holds the embedding and the last the head: report the heavier
  const vocabShare = pp === 1 ? 1 : Math.max(pb.embedding, pb.lmHead) / (pb.embedding + pb.lmHead);
  const groups: { params: number; group: WeightGroup }[] = [
    { params: ((pb.attention + pb.denseMlp) * layerShare) / tp, group: 'linear' },
    { params: (pb.experts * layerShare) / tp, group: 'experts' },
    { params: (pb.embedding * vocabShare) / tp, group: 'embedding' },
    { params: (pb.lmHead * vocabShare) / tp, group: 'lmHead' },
    { params: pb.norms * layerShare + pb.extra / pp, group: 'other' },
  ];
  return {
    bytes: scale * groups.reduce((sum, g) => sum + (g.params * bitsFor(g.group)) / 8, 0),
    params: scale * groups.reduce((sum, g) => sum + g.params, 0),
  };
}

function inferenceWeightBits(precision: PrecisionId) {
  const format = WEIGHT_FORMATS[precision];
  return (group: WeightGroup) => {
    if (group === 'experts') return format.linearBits;
    if (group === 'linear') return format.expertsOnly ? 16 : format.linearBits;
    if (group === 'embedding') return format.embeddingBits;
    if (group === 'lmHead') return format.lmHeadBits;
    return Math.min(format.otherBits, 16);
  };
}

const uniformBits = (bits: number) => () => bits;

function emptyBreakdown(): Breakdown {
  return { weights: 0, kvCache: 0, activations: 0, logits: 0, gradients: 0, optimizer: 0, buffers: 0, overhead: 0 };
}

/** what the caching allocator reserves beyond the live tensors at the peak, and how that was found */
interface AllocatorExcess {
  bytes: number;
  method: string;
}

function slackOf(share: number, transientBytes: number): AllocatorExcess {
  return { bytes: share * transientBytes, method: `allocator slack ${Math.round(share * 100)}% of transient tensors` };
}

function finish(
  s: MemoryScenario,
  parts: Omit<Breakdown, 'overhead'>,
  allocator: AllocatorExcess,
  context: number,
  peakPhase: string,
  kvPerToken: number,
  trainableParams: number,
  modelStates: ModelStates,
  method: string[],
): MemoryEstimate {
  const overhead = context + LIBRARY_WORKSPACE + allocator.bytes;
  const breakdown: Breakdown = { ...parts, overhead };
  const perGpuBytes = Object.values(breakdown).reduce((a, b) => a + b, 0);
  const gpus = s.parallel.tensor * s.parallel.pipeline * s.parallel.data;
  method.push(
    `overhead: CUDA context ${(context / MiB).toFixed(0)} MiB + library workspaces ${(LIBRARY_WORKSPACE / MiB).toFixed(0)} MiB + ${allocator.method}`,
  );
  return {
    perGpuBytes,
    gpus,
    totalBytes: perGpuBytes * gpus,
    breakdown,
    peakPhase,
    modelStates,
    kvBytesPerToken: kvPerToken,
    trainableParams,
    method,
  };
}

export function estimateInference(s: MemoryScenario): MemoryEstimate {
  const { arch } = s;
  const tp = s.parallel.tensor;
  const pp = s.parallel.pipeline;
  const method: string[] = [];
  const weights = shardedWeights(s, inferenceWeightBits(s.weights));
  method.push(`weights: ${WEIGHT_FORMATS[s.weights].note}`);

  const layersShare = Math.ceil(arch.layers / pp) / arch.layers;
  const kvShard = arch.mla ? 1 : tp; // MLA's latent is replicated on every tensor-parallel rank
  const kv = kvBytesPerToken(arch, s.kv, s.sequence);
  const kvCache = (s.batch * kv.total * layersShare) / kvShard;
  const kvPerToken = (kv.perToken * layersShare) / kvShard;
  method.push(
    arch.mla
      ? `KV cache: compressed MLA latent (${arch.mla.kvLoraRank}+${arch.mla.qkRopeHeadDim}) × layers × batch × context × ${KV_BYTES[s.kv]} B`
      : `KV cache: 2 × layers × ${arch.kvHeads} KV heads × ${arch.headDim} head dim × batch × context × ${KV_BYTES[s.kv]} B` +
          (arch.slidingWindow ? ` (sliding-window layers hold ${arch.slidingWindow.size} tokens)` : ''),
  );

  // Prefill is the peak: inside the gated MLP, act(gate), up and their product are alive together
  // (3 × intermediate), beside the layer input, the embeddings output, the residual and the normed
  // input (4 × hidden). The whole prompt is one forward pass in transformers.generate.
  const a = computeBytes(s.weights);
  const { max: iMax } = effectiveIntermediate(arch);
  const perToken = (3 * iMax * a) / tp + 4 * arch.hiddenSize * a;
  // vLLM profiles one forward of max_num_batched_tokens whatever the context; generate() runs the whole prompt
  const prefillTokens = s.engine === 'vllm' ? VLLM_MAX_BATCHED_TOKENS : s.batch * s.sequence;
  let activations = prefillTokens * perToken;
  // 4-bit and 8-bit layers are dequantized to 16 bits one matrix at a time
  const quantized = WEIGHT_FORMATS[s.weights].linearBits < 16;
  if (quantized) activations += (arch.hiddenSize * Math.max(iMax, attentionWidths(arch).q) * 2) / tp;
  method.push(`activations: prefill of ${prefillTokens} tokens, peak inside the MLP (3 × intermediate + 4 × hidden per token)`);

  // generate() computes logits for the last position only (logits_to_keep=1), upcast to fp32
  const logits = (s.batch * arch.vocabSize * 4) / tp;
  method.push('logits: last position only, fp32 (generate uses logits_to_keep=1)');

  const vllm = s.engine === 'vllm';
  const context = vllm ? CUDA_CONTEXT_INFERENCE + VLLM_CUDA_GRAPHS : CUDA_CONTEXT_INFERENCE;
  if (vllm) method.push('KV cache: one block pool vLLM allocates once after profiling, so no allocator slack grows with it');
  const parts = { ...emptyBreakdown(), weights: weights.bytes, kvCache, activations, logits };
  const states = { weights: weights.bytes, gradients: 0, optimizer: 0 };
  // vLLM sizes its pool from the profiled peak and empties the cache before allocating it whole
  const slack = vllm ? 0 : ALLOCATOR_SLACK_INFERENCE;
  return finish(s, parts, slackOf(slack, kvCache + activations + logits), context, 'prefill', kvPerToken, 0, states, method);
}

/** vLLM profiles a forward of max_num_batched_tokens (V1 default 8192) to size its activations */
export const VLLM_MAX_BATCHED_TOKENS = 8192;
/** CUDA graphs captured for decode batch sizes, outside the KV pool */
export const VLLM_CUDA_GRAPHS = 512 * MiB;
/**
 * vLLM's default share of each GPU it may use (CacheConfig.gpu_memory_utilization = 0.9 in
 * vllm/config/cache.py, unchanged from v0.6 through v0.11): weights, activations and CUDA graphs
 * first, the rest of that share is the KV-cache pool.
 */
export const VLLM_DEFAULT_UTILIZATION = 0.9;

/** What the weights, gradients and optimizer hold at each moment of a training step. */
interface StepStates {
  /** the static model states (ZeRO paper's accounting) */
  states: ModelStates;
  /** trainable parameters on this GPU */
  trainable: number;
  /** weights alive besides the states during forward and backward (a ZeRO-3 gathered layer) */
  forwardWeights: number;
  /**
   * mixed precision: the bf16 copy autocast makes of every weight. Autograd saves them for backward;
   * under checkpointing nothing does, so they go when the forward's autocast ends and a recomputed
   * layer casts its own.
   */
  autocastCopies: number;
  /** gradients alive in backward besides the states (ZeRO-3: the full gradients of the layer being reduced) */
  backwardGradients: number;
  backwardBuffers: number;
  /** gradients as the optimizer step sees them */
  stepGradients: number;
  stepTransient: number;
  stepBuffers: number;
}

/**
 * DeepSpeed ZeRO's communication buffers and stage-3 limits at their documented defaults
 * (deepspeed.ai/docs/config-json, "ZeRO Optimizations"), in elements.
 */
const DEEPSPEED_DEFAULTS = {
  reduceBucketSize: 5e8,
  allgatherBucketSize: 5e8,
  stage3PrefetchBucketSize: 5e7,
  stage3MaxLiveParameters: 1e9,
} as const;

/** parameters of the largest single module (what DeepSpeed's estimators call the largest layer), per tensor-parallel rank */
function largestModuleParams(arch: Architecture, tp: number): number {
  const pb = parameterBreakdown(arch);
  const h = arch.hiddenSize;
  const mlp = h * Math.max(arch.intermediateSize, arch.moe?.expertIntermediateSize ?? 0);
  return Math.max(pb.embedding, pb.lmHead, mlp, h * attentionWidths(arch).q) / tp;
}

function optimizerStateBytes(s: MemoryScenario, trainable: number, elementBytes: number, method: string[]): number {
  const opt = s.training.optimizer;
  if (opt === 'adamw') {
    method.push(`optimizer: AdamW, exp_avg and exp_avg_sq (${elementBytes} B each) per parameter`);
    return 2 * elementBytes * trainable;
  }
  if (opt === 'adamw8bit') {
    // bitsandbytes blockwise 8-bit states (block 2048 with an fp32 absmax), updated in place per tensor
    method.push('optimizer: 8-bit AdamW (bitsandbytes), 2 bytes of state per parameter');
    return 2 * (1 + 4 / 2048) * trainable;
  }
  if (opt === 'sgd') {
    method.push('optimizer: SGD with momentum, one buffer per parameter');
    return elementBytes * trainable;
  }
  // factored second moment: one row and one column vector per matrix (Shazeer & Stern 2018)
  method.push('optimizer: Adafactor, factored second moment (row + column per matrix)');
  return (4 * trainable * 2) / s.arch.hiddenSize;
}

/** The step's transient of each optimizer in PyTorch (torch.optim foreach implementations, bitsandbytes). */
function pytorchStepTransient(s: MemoryScenario, trainable: number, elementBytes: number, method: string[]): number {
  const opt = s.training.optimizer;
  if (opt === 'adamw') {
    // the foreach step materializes sqrt(exp_avg_sq) for all parameters at once
    // (torch/optim/adam.py _multi_tensor_adam): one more copy
    method.push('optimizer step: PyTorch foreach AdamW materializes sqrt(exp_avg_sq) of every parameter at once');
    return elementBytes * trainable;
  }
  if (opt === 'adafactor') {
    // the update of the largest matrix is materialized twice
    const h = s.arch.hiddenSize;
    return (2 * 4 * h * Math.max(s.arch.intermediateSize, s.arch.vocabSize)) / s.parallel.tensor;
  }
  return 0;
}

/**
 * Plain PyTorch (DDP or one GPU; LoRA and QLoRA under any stage): weights, gradients and optimizer
 * states as torch.optim keeps them; a ZeRO stage on adapters shards what it names.
 */
function pytorchStates(s: MemoryScenario, precision: TrainingPrecision, method: string[]): StepStates {
  const { arch } = s;
  const { tensor: tp, pipeline: pp, data: dp, zeroStage } = s.parallel;
  const isAdapter = s.mode === 'lora' || s.mode === 'qlora';
  const layersShare = Math.ceil(arch.layers / pp) / arch.layers;
  let weightBytes: number;
  let trainable: number;
  let elementBytes: number; // bytes per element of weights, gradients and optimizer states of trainable params
  let computeCopies = 0; // mixed precision: bf16 copies of weights kept by autocast for backward
  if (isAdapter) {
    const baseBits =
      s.mode === 'qlora'
        ? (group: WeightGroup) => (group === 'linear' || group === 'experts' ? NF4_DOUBLE_QUANT_BITS : 16)
        : inferenceWeightBits(s.weights);
    const baseBytes = shardedWeights(s, baseBits).bytes;
    // PEFT keeps adapters in fp32 (autocast_adapter_dtype=True) even on a bf16 base
    trainable = (loraAdapterParams(arch, s.lora.rank, s.lora.targets) * layersShare) / tp;
    elementBytes = 4;
    weightBytes = baseBytes + trainable * 4;
    method.push(
      `weights: frozen base in ${s.mode === 'qlora' ? 'NF4 with double quantization (QLoRA)' : WEIGHT_FORMATS[s.weights].label}` +
        ` + LoRA r=${s.lora.rank} adapters on ${s.lora.targets} in fp32 (PEFT default)`,
    );
  } else {
    const w = shardedWeights(s, uniformBits(precision === 'bf16' ? 16 : 32));
    trainable = w.params;
    elementBytes = precision === 'bf16' ? 2 : 4;
    weightBytes = w.params * elementBytes;
    if (precision === 'mixed') computeCopies = w.params * 2;
    method.push(
      precision === 'mixed'
        ? 'weights: fp32 master weights; autocast keeps a bf16 copy of each for backward (HF Trainer bf16=True)' +
            (s.training.checkpointing ? ', under checkpointing only of the layer being recomputed' : '')
        : `weights: ${precision} (weights, gradients and optimizer states in ${precision})`,
    );
  }
  const shard = (stage: number) => (zeroStage >= stage ? dp : 1);
  const gradients = (trainable * elementBytes) / shard(2);
  const optimizer = optimizerStateBytes(s, trainable, elementBytes, method) / shard(1);
  const stepTransient = pytorchStepTransient(s, trainable, elementBytes, method) / shard(1);
  return {
    states: { weights: weightBytes / shard(3), gradients, optimizer },
    trainable,
    forwardWeights: 0,
    autocastCopies: computeCopies / shard(3),
    backwardGradients: 0,
    backwardBuffers: 0,
    stepGradients: gradients,
    stepTransient,
    stepBuffers: 0,
  };
}

/**
 * Full training under DeepSpeed ZeRO (Rajbhandari et al. 2019, §5; deepspeed/runtime/zero/stage_1_and_2.py
 * and stage3.py): the model in 16 bits (2Ψ), 16-bit gradients (2Ψ), and in the optimizer the fp32
 * master weights with Adam's two states (K = 12 bytes per parameter) in mixed precision. Stage 1
 * partitions the optimizer states over the data-parallel GPUs, stage 2 the gradients too, stage 3
 * the 16-bit parameters too, gathered a layer at a time.
 */
function deepSpeedStates(s: MemoryScenario, precision: TrainingPrecision, method: string[]): StepStates {
  const { tensor: tp, data: n, zeroStage: stage } = s.parallel;
  const p = shardedWeights(s, uniformBits(16)).params;
  const elementBytes = precision === 'fp32' ? 4 : 2;
  const master = precision === 'mixed' ? 4 : 0;
  const shard = (from: number) => (stage >= from ? n : 1);
  const optimizer = (master * p + optimizerStateBytes(s, p, master ? 4 : elementBytes, method)) / n;
  const weights = (elementBytes * p) / shard(3);
  const gradients = (elementBytes * p) / shard(2);
  const largest = largestModuleParams(s.arch, tp);
  const gathered = stage === 3 ? elementBytes * largest : 0;
  const bucket = (elements: number) => elements * elementBytes;
  const reduce = bucket(DEEPSPEED_DEFAULTS.reduceBucketSize);
  const prefetch = stage === 3 ? bucket(DEEPSPEED_DEFAULTS.stage3PrefetchBucketSize) : 0;
  // the step converts the gradient partition to fp32 for the master weights, releasing the 16-bit
  // partition it came from (stage 1 keeps the full 16-bit gradients until zero_grad)
  const fp32Partition = master ? (4 * p) / n : 0;
  const stepGradients = master ? fp32Partition + (stage === 1 ? gradients : 0) : gradients;
  method.push(
    `weights: DeepSpeed ZeRO-${stage} over ${n} GPUs: ${precision === 'fp32' ? 'fp32' : '16-bit'} parameters${stage === 3 ? ' partitioned, the largest layer gathered while it runs' : ' on every GPU'}; ` +
      `gradients${stage >= 2 ? ' partitioned' : ' whole until the step'}; ` +
      `${master ? 'fp32 master weights and ' : ''}optimizer states partitioned (ZeRO paper, K = ${master ? 12 : 'states only'})`,
    `buffers: reduce bucket (reduce_bucket_size ${DEEPSPEED_DEFAULTS.reduceBucketSize.toExponential()})` +
      (stage === 3
        ? ` and prefetch bucket (stage3_prefetch_bucket_size ${DEEPSPEED_DEFAULTS.stage3PrefetchBucketSize.toExponential()}) in backward;` +
          ` stage3_max_live_parameters (${DEEPSPEED_DEFAULTS.stage3MaxLiveParameters.toExponential()}) only caps the gathered layers`
        : `; allgather bucket (allgather_bucket_size ${DEEPSPEED_DEFAULTS.allgatherBucketSize.toExponential()}) after the step`) +
      ', DeepSpeed defaults; FusedAdam updates in place',
  );
  return {
    states: { weights, gradients, optimizer },
    trainable: p,
    forwardWeights: gathered,
    autocastCopies: 0,
    backwardGradients: gathered,
    backwardBuffers: reduce + prefetch,
    stepGradients,
    stepTransient: 0,
    stepBuffers: stage === 3 ? 0 : bucket(DEEPSPEED_DEFAULTS.allgatherBucketSize),
  };
}

export function estimateTraining(s: MemoryScenario): MemoryEstimate {
  const { arch } = s;
  const { tensor: tp, pipeline: pp, zeroStage } = s.parallel;
  const method: string[] = [];
  const isAdapter = s.mode === 'lora' || s.mode === 'qlora';
  const precision: TrainingPrecision = isAdapter ? 'bf16' : s.training.precision;
  const tokens = s.batch * s.sequence;

  const steps = s.mode === 'train' && zeroStage > 0 ? deepSpeedStates(s, precision, method) : pytorchStates(s, precision, method);
  const { states, trainable } = steps;

  // activations
  const layersHere = Math.ceil(arch.layers / pp);
  const perLayerToken =
    trainingActivationPerToken(arch, precision, tp, isAdapter) + (isAdapter ? loraInputCopiesPerToken(arch, s.lora.targets) / tp : 0);
  const fullLayer = tokens * perLayerToken;
  const checkpointInput = tokens * arch.hiddenSize * (precision === 'bf16' ? 2 : 4);
  const saved = s.training.checkpointing ? layersHere * checkpointInput : layersHere * fullLayer;
  // final norm (its fp32 input, and unless frozen its output and lm_head's input) + the cast for lm_head
  const head = tokens * arch.hiddenSize * (isAdapter ? 4 : precision === 'bf16' ? 8 : 10);
  method.push(
    s.training.checkpointing
      ? "activations: gradient checkpointing keeps each layer's input; one layer is recomputed at a time"
      : isAdapter
        ? 'activations: what autograd saves per layer through a frozen base (norm inputs, SDPA, gated MLP) + the fp32 input copy of each adapter'
        : 'activations: every tensor autograd saves per layer (SDPA attention, gated MLP)',
  );

  // the loss: bf16 logits, upcast to fp32, log_softmax saved; in backward its gradient, the
  // gradient of its input and the bf16 logits are alive together (transformers ForCausalLMLoss)
  const logitElements = (tokens * arch.vocabSize) / tp;
  const lossPeak = logitElements * (precision === 'fp32' ? 16 : 14);
  method.push(
    'logits: batch × seq × vocab, upcast to fp32 for the loss, with its gradient (14 B per logit at the peak);' +
      ' the bf16 logits of the output stay until the optimizer step is over',
  );

  const checkpointing = s.training.checkpointing;
  // the loop keeps the model's output, and so its bf16 logits, until the step is over
  const outputLogits = logitElements * (precision === 'fp32' ? 4 : 2);
  const replay = replayedPool(s, precision);
  const phases: { name: string; parts: Omit<Breakdown, 'overhead'>; transient: number }[] = [
    {
      name: 'loss backward',
      parts: {
        ...emptyBreakdown(),
        weights: states.weights + steps.forwardWeights + (checkpointing ? 0 : steps.autocastCopies),
        optimizer: states.optimizer,
        activations: saved + head,
        logits: lossPeak,
        buffers: steps.backwardBuffers,
      },
      transient: saved + head + lossPeak,
    },
    {
      name: 'optimizer step',
      parts: {
        ...emptyBreakdown(),
        weights: states.weights,
        gradients: steps.stepGradients,
        optimizer: states.optimizer + steps.stepTransient,
        logits: outputLogits,
        buffers: steps.stepBuffers,
      },
      transient: steps.stepTransient,
    },
  ];
  if (checkpointing) {
    const a = precision === 'fp32' ? 4 : 2;
    const iMax = effectiveIntermediate(arch).max / tp;
    phases.push({
      // one layer recomputed, plus the gradients of its MLP intermediate and of the hidden stream
      name: 'recompute backward',
      parts: {
        ...emptyBreakdown(),
        weights: states.weights + steps.forwardWeights + steps.autocastCopies / layersHere,
        optimizer: states.optimizer,
        gradients: states.gradients + steps.backwardGradients,
        activations: saved + fullLayer + tokens * 2 * (iMax + arch.hiddenSize) * a,
        logits: outputLogits,
        buffers: steps.backwardBuffers,
      },
      transient: saved + fullLayer,
    });
    if (!replay) {
      phases.push({
        // not replayed: recomputation takes the blocks the loss freed, so gradients land in new
        // segments and the pool holds the loss peak and all gradients at once
        name: 'backward (pool after the loss)',
        parts: { ...phases[0]!.parts, gradients: states.gradients + steps.backwardGradients },
        transient: phases[0]!.transient,
      });
    }
  }
  const slackShare = replay ? 0 : ALLOCATOR_SLACK_TRAINING;
  const total = (p: (typeof phases)[number]) => Object.values(p.parts).reduce((a, b) => a + b, 0) + slackShare * p.transient;
  const peak = phases.reduce((best, p) => (total(p) > total(best) ? p : best));
  const allocator = replay
    ? {
        bytes: replay.reserved - replay.allocated,
        method:
          "what PyTorch's caching allocator reserves beyond the live tensors, replayed over two training steps" +
          (checkpointing ? ' with recomputation' : ''),
      }
    : slackOf(ALLOCATOR_SLACK_TRAINING, peak.transient);
  return finish(s, peak.parts, allocator, CUDA_CONTEXT_TRAINING, peak.name, 0, trainable * tp * pp, states, method);
}

/**
 * Full-parameter training in plain PyTorch is replayed tensor by tensor (trainingPool.ts, checked
 * against the reserved memory of every such row of the calibration set); adapters and DeepSpeed
 * keep the measured slack share.
 */
function replayedPool(s: MemoryScenario, precision: TrainingPrecision): PoolReplay | null {
  const { tensor: tp, pipeline: pp, zeroStage } = s.parallel;
  if (s.mode !== 'train' || zeroStage > 0) return null;
  const elementBytes = precision === 'bf16' ? 2 : 4;
  const optimizer = s.training.optimizer;
  const stateBytes =
    optimizer === 'adamw' ? [elementBytes, elementBytes] : optimizer === 'adamw8bit' ? [1, 1] : optimizer === 'sgd' ? [elementBytes] : [];
  const trace = {
    arch: s.arch,
    tokens: s.batch * s.sequence,
    autocast: precision === 'mixed',
    elementBytes,
    activationBytes: precision === 'fp32' ? 4 : 2,
    stateBytes,
    stepTransientBytes: optimizer === 'adamw' ? elementBytes : 0,
    tensorParallel: tp,
    layers: Math.ceil(s.arch.layers / pp),
    checkpointing: s.training.checkpointing,
  };
  // one answer estimates the same step for several GPU counts: replay each trace once
  let replays = replaysOf.get(s.arch);
  if (!replays || replays.size >= 64) replays = new Map<string, PoolReplay>();
  replaysOf.set(s.arch, replays);
  const key = JSON.stringify({ ...trace, arch: undefined });
  const replay = replays.get(key) ?? replayTrainingPool(trace);
  replays.set(key, replay);
  return replay;
}

const replaysOf = new WeakMap<Architecture, Map<string, PoolReplay>>();

export function estimateMemory(s: MemoryScenario): MemoryEstimate {
  return s.mode === 'inference' ? estimateInference(s) : estimateTraining(s);
}
