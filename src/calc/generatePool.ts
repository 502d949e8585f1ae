// How much memory PyTorch's caching allocator reserves beyond the live peak while Hugging Face
// transformers runs model.generate(): the weights as the model builds them, then the prefill of the
// prompt and every decode step, tensor by tensor in the order they are allocated and freed
// (transformers 5: DynamicCache grown by torch.cat, SDPA flash attention, logits of the last
// position only). The effect it captures: at each decode step every layer's keys and values are
// copied one token longer; when the copy no longer fits the block its predecessor leaves (or the
// holes the prefill's activations left), it takes a new segment and the old block stays cached.
// Pure: no I/O.
import type { Architecture } from './architecture.ts';
import { CachingAllocator } from './cachingAllocator.ts';
import type { PoolReplay } from './trainingPool.ts';

const MiB = 2 ** 20;
/** cuBLAS's workspace on Hopper (PyTorch's default CUBLAS_WORKSPACE_CONFIG :4096:8), taken from the pool at the first matmul */
export const CUBLAS_WORKSPACE = 32 * MiB;
/** int64 token ids, attention mask and position ids */
const ID_BYTES = 8;

export interface GenerateModel {
  arch: Architecture;
  /** bytes per element of weights, activations and the KV cache (bf16/fp16: 2) */
  elementBytes: number;
  tensorParallel: number;
  /** decoder layers on this GPU */
  layers: number;
}

export interface GenerateCall {
  batch: number;
  promptTokens: number;
  /** tokens generated: the prefill yields the first, each decode step one more */
  newTokens: number;
}

/** a model's weights on one GPU and the allocator they live in, for one or more generate() calls */
export class GenerateSession {
  readonly pool = new CachingAllocator();
  private workspace = false;
  private readonly w: Widths;

  constructor(private readonly m: GenerateModel) {
    this.w = widths(m);
    for (const elements of parameterSizes(m, this.w)) this.pool.malloc(elements * m.elementBytes);
  }

  /** one model.generate(input_ids, attention_mask=ones) call, greedy */
  generate(call: GenerateCall): void {
    const { pool, m, w } = this;
    const e = m.elementBytes;
    const b = call.batch;
    const alloc = (bytes: number) => pool.malloc(bytes);
    const free = (...ids: number[]) => {
      for (const id of ids) pool.free(id);
    };
    const matmul = () => {
      if (!this.workspace) alloc(CUBLAS_WORKSPACE);
      this.workspace = true;
    };
    /** a linear layer's output of `width` per token */
    const linear = (tokens: number, width: number) => {
      matmul();
      return alloc(tokens * width * e);
    };
    /** RMSNorm: upcast to fp32, the variance, the normalized fp32 tensor, cast back, times the weight */
    const rmsNorm = (rows: number, width: number) => {
      const upcast = alloc(rows * width * 4);
      const squared = alloc(rows * width * 4);
      const variance = alloc(rows * 4);
      free(squared);
      const shifted = alloc(rows * 4);
      const inverse = alloc(rows * 4);
      free(shifted);
      const normalized = alloc(rows * width * 4);
      free(inverse, upcast);
      const cast = alloc(rows * width * e);
      const out = alloc(rows * width * e);
      free(cast, normalized, variance);
      return out;
    };
    /** q·cos + rotate_half(q)·sin; Phi-3 then concatenates the part RoPE leaves alone */
    const rope = (tokens: number, width: number) => {
      const first = alloc(tokens * width * e);
      const negated = alloc((tokens * width * e) / 2);
      const rotated = alloc(tokens * width * e);
      free(negated);
      const second = alloc(tokens * width * e);
      free(rotated);
      let embedded = alloc(tokens * width * e);
      free(first, second);
      if (m.arch.fusedProjections) {
        const joined = alloc(tokens * width * e);
        free(embedded);
        embedded = joined;
      }
      return embedded;
    };

    const cache = Array.from({ length: m.layers }, () => ({ keys: 0, values: 0 }));
    // the caller's input_ids and attention_mask=torch.ones_like(ids) stay alive; generate's own grow a token a step
    const callerIds = alloc(b * call.promptTokens * ID_BYTES);
    const callerMask = alloc(b * call.promptTokens * ID_BYTES);
    let inputIds = callerIds;
    let mask = callerMask;
    let scores = 0; // the last logits in fp32, alive until the next step's replace them
    const forwards = Math.max(1, call.newTokens);
    for (let step = 0; step < forwards; step++) {
      const past = step === 0 ? 0 : call.promptTokens + step - 1;
      const q = step === 0 ? call.promptTokens : 1;
      const T = b * q;
      const length = past + q;

      // prepare_inputs_for_generation: position ids from the mask's cumsum, input ids and position ids cloned
      const cumsum = alloc(b * length * ID_BYTES);
      const positionsAll = alloc(b * length * ID_BYTES);
      free(cumsum);
      const stepIds = alloc(T * ID_BYTES);
      const positions = alloc(T * ID_BYTES);
      free(positionsAll);

      // the model: embeddings, then RoPE's cos and sin for these positions (computed in fp32)
      const embeddings = alloc(T * w.h * e);
      const positionsFloat = alloc(T * 4);
      matmul();
      const frequencies = alloc((T * w.headDim * 4) / 2);
      const angles = alloc(T * w.headDim * 4);
      const trig = [0, 1].map(() => {
        const raw = alloc(T * w.headDim * 4);
        const scaled = alloc(T * w.headDim * 4);
        free(raw);
        return scaled;
      });
      const cos = alloc(T * w.headDim * e);
      const sin = alloc(T * w.headDim * e);
      free(positionsFloat, frequencies, angles, ...trig);

      let hidden = embeddings;
      for (let layer = 0; layer < m.layers; layer++) {
        const normed = rmsNorm(T, w.h);
        const attention = this.attention(T, q, b, length, cache[layer]!, { alloc, free, linear, rmsNorm, rope });
        free(normed);
        const mid = alloc(T * w.h * e);
        free(attention);
        const normed2 = rmsNorm(T, w.h);
        const mlp = this.mlp(T, { alloc, free, linear });
        free(normed2);
        const out = alloc(T * w.h * e);
        free(mlp, mid);
        if (hidden !== embeddings) free(hidden);
        hidden = out;
      }
      const final = rmsNorm(T, w.h);
      if (hidden !== embeddings) free(hidden);
      free(embeddings, cos, sin, stepIds, positions);
      const logits = linear(b, w.vocab); // logits_to_keep=1: the last position only
      free(final);

      // generate: the mask grows a token, the last logits are copied to fp32, the next token appended
      const grown = alloc(b * (length + 1) * ID_BYTES);
      if (mask !== callerMask) free(mask);
      mask = grown;
      const copy = alloc(b * w.vocab * 4);
      if (scores) free(scores);
      scores = copy;
      const ids = alloc(b * (length + 1) * ID_BYTES);
      if (inputIds !== callerIds) free(inputIds);
      inputIds = ids;
      free(logits);
    }
    // generate returns the ids; the cache and the rest go with it
    for (const layer of cache) free(layer.keys, layer.values);
    free(mask, callerMask, callerIds, inputIds, scores);
  }

  private attention(
    T: number,
    q: number,
    b: number,
    length: number,
    cache: { keys: number; values: number },
    ops: Ops & { rmsNorm: (rows: number, width: number) => number; rope: (tokens: number, width: number) => number },
  ): number {
    const { w, m } = this;
    const e = m.elementBytes;
    const { alloc, free, linear, rmsNorm, rope } = ops;
    const qk: number[] = [];
    let fused = 0;
    let values: number;
    if (m.arch.fusedProjections) {
      fused = linear(T, w.q + 2 * w.kv); // qkv_proj; q, k and v are views of it
      values = 0;
    } else {
      for (const width of [w.q, w.kv]) {
        const projected = linear(T, width);
        if (m.arch.qkNorm) {
          qk.push(rmsNorm(T, width));
          free(projected);
        } else qk.push(projected);
      }
      values = linear(T, w.kv);
    }
    const query = rope(T, w.q);
    const keys = rope(T, w.kv);
    free(...qk);
    // DynamicLayer.update: torch.cat([cache, new]) allocates the longer copy before the old one goes
    const cached = b * w.kv * length * e;
    const newKeys = alloc(cached);
    if (cache.keys) free(cache.keys);
    const newValues = alloc(cached);
    if (cache.values) free(cache.values);
    cache.keys = newKeys;
    cache.values = newValues;
    free(keys);
    if (values) free(values);
    // flash attention: the output and its log-sum-exp; the transpose back is already contiguous
    const out = alloc(T * w.q * e);
    free(alloc(b * w.heads * q * 4));
    const projected = linear(T, w.h);
    free(out, query);
    if (fused) free(fused);
    return projected;
  }

  private mlp(T: number, { alloc, free, linear }: Ops): number {
    const { w, m } = this;
    const e = m.elementBytes;
    if (m.arch.fusedProjections) {
      // Phi-3: gate_up_proj, then up * act(gate) from views of it
      const gateUp = linear(T, 2 * w.intermediate);
      const act = alloc(T * w.intermediate * e);
      const product = alloc(T * w.intermediate * e);
      free(act);
      const down = linear(T, w.h);
      free(product, gateUp);
      return down;
    }
    const gate = linear(T, w.intermediate);
    const act = alloc(T * w.intermediate * e);
    free(gate);
    const up = linear(T, w.intermediate);
    const product = alloc(T * w.intermediate * e);
    free(act, up);
    const down = linear(T, w.h);
    free(product);
    return down;
  }
}

interface Ops {
  alloc: (bytes: number) => number;
  free: (...ids: number[]) => void;
  linear: (tokens: number, width: number) => number;
}

interface Widths {
  h: number;
  q: number;
  kv: number;
  heads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
}

function widths(m: GenerateModel): Widths {
  const { arch } = m;
  const tp = m.tensorParallel;
  return {
    h: arch.hiddenSize,
    q: (arch.heads * arch.headDim) / tp,
    kv: (arch.kvHeads * arch.headDim) / tp,
    heads: arch.heads / tp,
    headDim: arch.headDim,
    intermediate: arch.intermediateSize / tp,
    vocab: arch.vocabSize / tp,
  };
}

/** element counts of the weights in the order the model builds them */
function parameterSizes(m: GenerateModel, w: Widths): number[] {
  const { arch } = m;
  const h = w.h;
  const sizes = [w.vocab * h];
  for (let layer = 0; layer < m.layers; layer++) {
    if (arch.fusedProjections) sizes.push(h * (w.q + 2 * w.kv), w.q * h, 2 * h * w.intermediate, w.intermediate * h);
    else {
      const bias = arch.attentionBias;
      sizes.push(h * w.q, ...(bias ? [w.q] : []), h * w.kv, ...(bias ? [w.kv] : []), h * w.kv, ...(bias ? [w.kv] : []), w.q * h);
      if (arch.qkNorm) sizes.push(arch.headDim, arch.headDim);
      sizes.push(h * w.intermediate, h * w.intermediate, w.intermediate * h);
    }
    sizes.push(h, h);
  }
  sizes.push(h);
  if (!arch.tiedEmbeddings) sizes.push(w.vocab * h);
  return sizes;
}

/** the reserved and live peaks of one generate() call on a freshly loaded model, beyond its weights */
export function replayGeneratePool(m: GenerateModel, call: GenerateCall): PoolReplay {
  const session = new GenerateSession(m);
  const { pool } = session;
  pool.resetPeaks();
  const base = pool.allocated;
  session.generate(call);
  return { reserved: pool.peakReserved - base, allocated: pool.peakAllocated - base };
}
