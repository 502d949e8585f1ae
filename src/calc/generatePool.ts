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
import { type PoolReplay, type Widths, widths } from './trainingPool.ts';

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
  private readonly e: number;

  constructor(private readonly m: GenerateModel) {
    this.w = widths(m.arch, m.tensorParallel);
    this.e = m.elementBytes;
    for (const elements of parameterSizes(m, this.w)) this.pool.malloc(elements * this.e);
  }

  /** one model.generate(input_ids, attention_mask=ones) call, greedy */
  generate(call: GenerateCall): void {
    const { pool, m, w, e } = this;
    const b = call.batch;
    const cache = Array.from({ length: m.layers }, () => ({ keys: 0, values: 0 }));
    // the caller's input_ids and attention_mask=torch.ones_like(ids) stay alive; generate's own grow a token a step
    const callerIds = pool.malloc(b * call.promptTokens * ID_BYTES);
    const callerMask = pool.malloc(b * call.promptTokens * ID_BYTES);
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
      const cumsum = pool.malloc(b * length * ID_BYTES);
      const positionsAll = pool.malloc(b * length * ID_BYTES);
      pool.free(cumsum);
      const stepIds = pool.malloc(T * ID_BYTES);
      const positions = pool.malloc(T * ID_BYTES);
      pool.free(positionsAll);

      // the model: embeddings, then RoPE's cos and sin for these positions (computed in fp32)
      const embeddings = pool.malloc(T * w.h * e);
      const positionsFloat = pool.malloc(T * 4);
      this.matmul();
      const frequencies = pool.malloc((T * w.headDim * 4) / 2);
      const angles = pool.malloc(T * w.headDim * 4);
      const trig = [0, 1].map(() => {
        const raw = pool.malloc(T * w.headDim * 4);
        const scaled = pool.malloc(T * w.headDim * 4);
        pool.free(raw);
        return scaled;
      });
      const cos = pool.malloc(T * w.headDim * e);
      const sin = pool.malloc(T * w.headDim * e);
      pool.free(positionsFloat, frequencies, angles, ...trig);

      let hidden = embeddings;
      for (let layer = 0; layer < m.layers; layer++) {
        const normed = this.rmsNorm(T, w.h);
        const attention = this.attention(T, q, b, length, cache[layer]!);
        pool.free(normed);
        const mid = pool.malloc(T * w.h * e);
        pool.free(attention);
        const normed2 = this.rmsNorm(T, w.h);
        const mlp = this.mlp(T);
        pool.free(normed2);
        const out = pool.malloc(T * w.h * e);
        pool.free(mlp, mid);
        if (hidden !== embeddings) pool.free(hidden);
        hidden = out;
      }
      const final = this.rmsNorm(T, w.h);
      if (hidden !== embeddings) pool.free(hidden);
      pool.free(embeddings, cos, sin, stepIds, positions);
      const logits = this.linear(b, w.vocab); // logits_to_keep=1: the last position only
      pool.free(final);

      // generate: the mask grows a token, the last logits are copied to fp32, the next token appended
      const grown = pool.malloc(b * (length + 1) * ID_BYTES);
      if (mask !== callerMask) pool.free(mask);
      mask = grown;
      const copy = pool.malloc(b * w.vocab * 4);
      pool.free(scores);
      scores = copy;
      const ids = pool.malloc(b * (length + 1) * ID_BYTES);
      if (inputIds !== callerIds) pool.free(inputIds);
      inputIds = ids;
      pool.free(logits);
    }
    // generate returns the ids; the cache and the rest go with it
    for (const layer of cache) pool.free(layer.keys, layer.values);
    pool.free(mask, callerMask, callerIds, inputIds, scores);
  }

  private matmul(): void {
    if (!this.workspace) this.pool.malloc(CUBLAS_WORKSPACE);
    this.workspace = true;
  }

  /** a linear layer's output of `width` per token */
  private linear(tokens: number, width: number): number {
    this.matmul();
    return this.pool.malloc(tokens * width * this.e);
  }

  /** RMSNorm: upcast to fp32, the variance, the normalized fp32 tensor, cast back, times the weight */
  private rmsNorm(rows: number, width: number): number {
    const { pool, e } = this;
    const upcast = pool.malloc(rows * width * 4);
    const squared = pool.malloc(rows * width * 4);
    const variance = pool.malloc(rows * 4);
    pool.free(squared);
    const shifted = pool.malloc(rows * 4);
    const inverse = pool.malloc(rows * 4);
    pool.free(shifted);
    const normalized = pool.malloc(rows * width * 4);
    pool.free(inverse, upcast);
    const cast = pool.malloc(rows * width * e);
    const out = pool.malloc(rows * width * e);
    pool.free(cast, normalized, variance);
    return out;
  }

  /** q·cos + rotate_half(q)·sin; Phi-3 then concatenates the part RoPE leaves alone */
  private rope(tokens: number, width: number): number {
    const { pool, e } = this;
    const first = pool.malloc(tokens * width * e);
    const negated = pool.malloc((tokens * width * e) / 2);
    const rotated = pool.malloc(tokens * width * e);
    pool.free(negated);
    const second = pool.malloc(tokens * width * e);
    pool.free(rotated);
    const embedded = pool.malloc(tokens * width * e);
    pool.free(first, second);
    if (!this.m.arch.fusedProjections) return embedded;
    const joined = pool.malloc(tokens * width * e);
    pool.free(embedded);
    return joined;
  }

  private attention(T: number, q: number, b: number, length: number, cache: { keys: number; values: number }): number {
    const { pool, w, e, m } = this;
    // Phi-3's qkv_proj is one tensor, q, k and v views of it; otherwise each its own (q and k normed per head where the model does)
    const fused = m.arch.fusedProjections ? this.linear(T, w.q + 2 * w.kv) : 0;
    const separate = fused
      ? []
      : [w.q, w.kv].map((width) => {
          const projected = this.linear(T, width);
          if (!m.arch.qkNorm) return projected;
          const normed = this.rmsNorm(T, width);
          pool.free(projected);
          return normed;
        });
    const values = fused ? 0 : this.linear(T, w.kv);
    const query = this.rope(T, w.q);
    const keys = this.rope(T, w.kv);
    pool.free(...separate);
    // DynamicLayer.update: torch.cat([cache, new]) allocates the longer copy before the old one goes
    const cached = b * w.kv * length * e;
    const newKeys = pool.malloc(cached);
    pool.free(cache.keys);
    const newValues = pool.malloc(cached);
    pool.free(cache.values);
    cache.keys = newKeys;
    cache.values = newValues;
    pool.free(keys, values);
    // flash attention: the output and its log-sum-exp; the transpose back is already contiguous
    const out = pool.malloc(T * w.q * e);
    pool.free(pool.malloc(b * w.heads * q * 4));
    const projected = this.linear(T, w.h);
    pool.free(out, query, fused);
    return projected;
  }

  private mlp(T: number): number {
    const { pool, w, e } = this;
    if (this.m.arch.fusedProjections) {
      // Phi-3: gate_up_proj, then up * act(gate) from views of it
      const gateUp = this.linear(T, 2 * w.intermediate);
      const act = pool.malloc(T * w.intermediate * e);
      const product = pool.malloc(T * w.intermediate * e);
      pool.free(act);
      const down = this.linear(T, w.h);
      pool.free(product, gateUp);
      return down;
    }
    const gate = this.linear(T, w.intermediate);
    const act = pool.malloc(T * w.intermediate * e);
    pool.free(gate);
    const up = this.linear(T, w.intermediate);
    const product = pool.malloc(T * w.intermediate * e);
    pool.free(act, up);
    const down = this.linear(T, w.h);
    pool.free(product);
    return down;
  }
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
