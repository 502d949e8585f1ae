// The shape of a decoder-only transformer, in the terms of Hugging Face `config.json`,
// and the parameter counts that follow from it. Pure data and arithmetic: no I/O.

export interface MixtureOfExperts {
  /** routed experts per MoE layer (`num_local_experts`, `n_routed_experts`, `num_experts`) */
  experts: number;
  /** experts each token is routed to (`num_experts_per_tok`) */
  topK: number;
  /** intermediate size of one routed expert (`moe_intermediate_size`, or `intermediate_size` for Mixtral) */
  expertIntermediateSize: number;
  /** always-active shared experts (DeepSeek, Llama 4, Qwen2-MoE) */
  sharedExperts: number;
  /** intermediate size of one shared expert (defaults to the routed expert's) */
  sharedIntermediateSize?: number;
  /** the first N layers are dense (`first_k_dense_replace`) */
  firstDenseLayers: number;
  /** every N-th layer is MoE, the others dense (`interleave_moe_layer_step`, Llama 4 Maverick: 2) */
  layerStep: number;
}

/** Multi-head latent attention (DeepSeek-V2/V3): K and V come from a compressed latent. */
export interface LatentAttention {
  qLoraRank: number | null;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

export interface Architecture {
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** dense MLP intermediate size (gated: gate, up and down projections) */
  intermediateSize: number;
  vocabSize: number;
  tiedEmbeddings: boolean;
  /** bias on q/k/v projections (Qwen2) */
  attentionBias: boolean;
  /** RMSNorm on q and k per head (Qwen3, Gemma 3, OLMo 2 uses full-width q/k norms) */
  qkNorm: boolean;
  /** q, k and v in one qkv_proj, gate and up in one gate_up_proj (Phi-3) */
  fusedProjections?: boolean;
  maxContext: number;
  /** sliding-window size, and the share of layers that use it (Gemma 2: 1/2, Gemma 3: 5/6, Mistral 7B v0.1: 1) */
  slidingWindow?: { size: number; layerShare: number };
  moe?: MixtureOfExperts;
  mla?: LatentAttention;
  /** parameters outside the decoder stack that are loaded with it (vision tower, projector, MTP head) */
  extraParams: number;
}

export interface ParameterBreakdown {
  embedding: number;
  lmHead: number;
  /** attention projections, norms and biases of all layers */
  attention: number;
  /** dense MLPs, shared experts and routers of all layers */
  denseMlp: number;
  /** routed experts of all layers */
  experts: number;
  norms: number;
  extra: number;
  total: number;
  /** parameters a token touches in one forward pass (MoE: top-k experts only) */
  activePerToken: number;
}

export function moeLayerCount(arch: Architecture): number {
  const moe = arch.moe;
  if (!moe) return 0;
  let count = 0;
  for (let layer = moe.firstDenseLayers; layer < arch.layers; layer++) {
    if ((layer - moe.firstDenseLayers + 1) % moe.layerStep === 0) count++;
  }
  return count;
}

export function attentionParamsPerLayer(arch: Architecture): number {
  const h = arch.hiddenSize;
  if (arch.mla) {
    const m = arch.mla;
    const qHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const q = m.qLoraRank ? h * m.qLoraRank + m.qLoraRank + m.qLoraRank * arch.heads * qHead : h * arch.heads * qHead;
    const kvA = h * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank;
    const kvB = m.kvLoraRank * arch.heads * (m.qkNopeHeadDim + m.vHeadDim);
    const o = arch.heads * m.vHeadDim * h;
    return q + kvA + kvB + o;
  }
  const qOut = arch.heads * arch.headDim;
  const kvOut = arch.kvHeads * arch.headDim;
  const projections = h * qOut + 2 * h * kvOut + qOut * h;
  const bias = arch.attentionBias ? qOut + 2 * kvOut : 0;
  const qkNorm = arch.qkNorm ? 2 * arch.headDim : 0;
  return projections + bias + qkNorm;
}

export function parameterBreakdown(arch: Architecture): ParameterBreakdown {
  const h = arch.hiddenSize;
  const embedding = arch.vocabSize * h;
  const lmHead = arch.tiedEmbeddings ? 0 : arch.vocabSize * h;
  const attention = attentionParamsPerLayer(arch) * arch.layers;
  const norms = (2 * arch.layers + 1) * h;
  const gatedMlp = (intermediate: number) => 3 * h * intermediate;

  const moeLayers = moeLayerCount(arch);
  const denseLayers = arch.layers - moeLayers;
  let denseMlp = denseLayers * gatedMlp(arch.intermediateSize);
  let experts = 0;
  let activeExperts = 0;
  if (arch.moe) {
    const moe = arch.moe;
    const shared = moe.sharedExperts * gatedMlp(moe.sharedIntermediateSize ?? moe.expertIntermediateSize);
    const router = h * moe.experts;
    denseMlp += moeLayers * (shared + router);
    experts = moeLayers * moe.experts * gatedMlp(moe.expertIntermediateSize);
    activeExperts = moeLayers * moe.topK * gatedMlp(moe.expertIntermediateSize);
  }
  const total = embedding + lmHead + attention + denseMlp + experts + norms + arch.extraParams;
  const activePerToken = total - experts + activeExperts - arch.extraParams;
  return { embedding, lmHead, attention, denseMlp, experts, norms, extra: arch.extraParams, total, activePerToken };
}
