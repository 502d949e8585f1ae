// How much memory PyTorch's caching allocator reserves beyond the live peak over the first steps of
// full-parameter training with Hugging Face transformers: the tensors of two steps (model, forward,
// loss, backward, torch.optim step, zero_grad; a third repeats the second) replayed through the
// allocator in the order they are allocated and freed. The dominant effect it captures: the optimizer states created lazily in the
// first step take the cached blocks that step's activations and logits left, so the next step's
// logits need new segments. Under gradient checkpointing a layer keeps only its input and runs again
// (under autocast, with fresh weight casts) before its backward. Pure: no I/O.
import type { Architecture } from './architecture.ts';
import { CachingAllocator } from './cachingAllocator.ts';

export interface TrainingTrace {
  arch: Architecture;
  /** tokens per step (batch × sequence) */
  tokens: number;
  /** fp32 master weights under bf16 autocast (HF Trainer bf16=True); else every tensor in `elementBytes` */
  autocast: boolean;
  /** bytes per element of weights, gradients and optimizer states */
  elementBytes: number;
  /** bytes per element of activations (2 under autocast or bf16, 4 in fp32) */
  activationBytes: number;
  /** bytes of each optimizer state a parameter gets at the first step, and of the step's transient copy */
  stateBytes: number[];
  stepTransientBytes: number;
  tensorParallel: number;
  /** decoder layers on this GPU */
  layers: number;
  /** gradient checkpointing: a layer keeps its input and runs again in backward */
  checkpointing: boolean;
}

export interface PoolReplay {
  /** peak bytes reserved beyond the model's weights */
  reserved: number;
  /** peak bytes of live tensors beyond the model's weights */
  allocated: number;
}

const STEPS = 2;

interface Parameter {
  elements: number;
  layer: number;
}

/** module order, as PyTorch registers them (and the optimizer sees them) */
function parameters(t: TrainingTrace, w: Widths): Parameter[] {
  const { arch } = t;
  const h = arch.hiddenSize;
  const list: Parameter[] = [];
  list.push({ elements: w.vocab * h, layer: -1 });
  for (let layer = 0; layer < t.layers; layer++) {
    const attention = [h * w.q, h * w.kv, h * w.kv, w.q * h];
    if (arch.attentionBias) attention.push(w.q, w.kv, w.kv);
    // experts are stored as one gate_up and one down tensor per layer (transformers 5 grouped experts)
    const mlp = arch.moe
      ? [2 * h * w.expertIntermediate * w.experts, w.expertIntermediate * h * w.experts, 3 * h * w.denseIntermediate, h * arch.moe.experts]
      : [h * w.denseIntermediate, h * w.denseIntermediate, w.denseIntermediate * h];
    for (const elements of [...attention, ...mlp, h, h]) if (elements > 0) list.push({ elements, layer });
  }
  list.push({ elements: h, layer: t.layers });
  if (!arch.tiedEmbeddings) list.push({ elements: w.vocab * h, layer: t.layers });
  return list;
}

/** per-GPU widths of a layer under tensor parallelism */
export interface Widths {
  h: number;
  heads: number;
  headDim: number;
  q: number;
  kv: number;
  /** intermediate width a token runs through (MoE: top-k + shared experts) */
  intermediate: number;
  denseIntermediate: number;
  expertIntermediate: number;
  experts: number;
  vocab: number;
}

export function widths(arch: Architecture, tp: number): Widths {
  const moe = arch.moe;
  const headDim = arch.mla ? arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim : arch.headDim;
  const routed = moe
    ? moe.topK * moe.expertIntermediateSize + moe.sharedExperts * (moe.sharedIntermediateSize ?? moe.expertIntermediateSize)
    : 0;
  return {
    h: arch.hiddenSize,
    heads: arch.heads / tp,
    headDim,
    q: (arch.heads * headDim) / tp,
    kv: ((arch.mla ? arch.heads : arch.kvHeads) * headDim) / tp,
    intermediate: (moe ? routed : arch.intermediateSize) / tp,
    denseIntermediate: (moe ? moe.sharedExperts * (moe.sharedIntermediateSize ?? moe.expertIntermediateSize) : arch.intermediateSize) / tp,
    expertIntermediate: (moe?.expertIntermediateSize ?? 0) / tp,
    experts: moe?.experts ?? 0,
    vocab: arch.vocabSize / tp,
  };
}

export function replayTrainingPool(t: TrainingTrace): PoolReplay {
  const pool = new CachingAllocator();
  const w = widths(t.arch, t.tensorParallel);
  const h = t.arch.hiddenSize;
  const T = t.tokens;
  const a = t.activationBytes;
  const es = t.elementBytes;
  const stream = t.autocast ? 4 : a; // the residual stream is fp32 under autocast (fp32 embeddings)
  const alloc = (bytes: number) => pool.malloc(bytes);
  const free = (...ids: number[]) => pool.free(...ids);

  const params = parameters(t, w);
  for (const p of params) alloc(p.elements * es);
  // a tied lm_head is built with its own weight, then tied to the embeddings: that block stays cached
  if (t.arch.tiedEmbeddings) free(alloc(w.vocab * h * es));
  pool.resetPeaks();
  const base = pool.allocated;
  const byLayer = new Map<number, Parameter[]>();
  for (const p of params) byLayer.set(p.layer, [...(byLayer.get(p.layer) ?? []), p]);

  const grads = new Map<Parameter, number>();
  /** a weight's gradient; under autocast the bf16 gradient of its copy is cast to the fp32 .grad */
  const gradient = (p: Parameter) => {
    const bf16 = t.autocast ? alloc(p.elements * 2) : 0;
    const g = alloc(p.elements * es);
    if (bf16) free(bf16);
    if (grads.has(p)) free(g);
    else grads.set(p, g);
  };

  for (let step = 0; step < STEPS; step++) {
    const copies: number[][] = Array.from({ length: t.layers + 2 }, () => []);
    const saved: number[][] = [];
    // RMSNorm (fp32 upcast): its pow is transient, the normalized input is saved
    const norm = (keep: number[]) => {
      if (stream !== 4) keep.push(alloc(T * h * 4));
      free(alloc(T * h * 4));
      const normalized = alloc(T * h * 4);
      if (stream !== 4) {
        keep.push(alloc(T * h * stream));
        free(normalized);
      } else keep.push(normalized);
      return alloc(T * h * stream);
    };
    /**
     * A linear layer: under autocast the weight is cast to bf16 once per forward and the input once per
     * call, both saved for backward; otherwise the input itself is saved.
     */
    const projection = (keep: number[], input: number | null, weight: Parameter | undefined, outWidth: number, layer: number) => {
      if (t.autocast && weight) copies[layer + 1]!.push(alloc(weight.elements * 2));
      // a norm's output is cast (fp32 under autocast) or saved; a bf16 input is already kept
      if (input !== null && t.autocast) keep.push(alloc(T * h * 2));
      else if (input !== null && !keep.includes(input)) keep.push(input);
      return alloc(T * outWidth * a);
    };
    const rope = (x: number, width: number) => {
      const product = t.autocast ? 4 : a; // bf16 q × fp32 cos under autocast
      const first = alloc(T * width * product);
      const rotated = alloc(T * width * a);
      const second = alloc(T * width * product);
      free(rotated);
      const embedded = alloc(T * width * product);
      free(first, second, x);
      if (!t.autocast) return embedded;
      const cast = alloc(T * width * 2);
      free(embedded);
      return cast;
    };

    /** one decoder layer's forward: what it keeps for backward (its input first) and its output */
    const forwardLayer = (layer: number, input: number) => {
      const weights = byLayer.get(layer)!;
      const keep: number[] = [input];
      const normed = norm(keep);
      const q = projection(keep, normed, weights[0], w.q, layer);
      const k = projection(keep, normed, weights[1], w.kv, layer);
      const v = projection(keep, normed, weights[2], w.kv, layer);
      if (t.autocast) free(normed);
      keep.push(v, rope(q, w.q), rope(k, w.kv));
      keep.push(alloc(T * w.q * a), alloc(T * w.q * a)); // SDPA output, its contiguous transpose
      const attention = projection(keep, null, weights[3], h, layer);
      const mid = alloc(T * h * stream);
      free(attention);
      keep.push(mid);
      const normed2 = norm(keep);
      const gate = projection(keep, normed2, weights[mlpIndex(t, 'gate')], w.intermediate, layer);
      const act = alloc(T * w.intermediate * a);
      const up = projection(keep, normed2, weights[mlpIndex(t, 'up')], w.intermediate, layer);
      if (t.autocast) free(normed2);
      keep.push(gate, act, up, alloc(T * w.intermediate * a));
      const down = projection(keep, null, weights[mlpIndex(t, 'down')], h, layer);
      const output = alloc(T * h * stream);
      free(down);
      return { keep, output };
    };

    let residual = alloc(T * h * stream);
    for (let layer = 0; layer < t.layers; layer++) {
      const { keep, output } = forwardLayer(layer, residual);
      // checkpointing keeps a layer's input only; its weight casts stay in autocast's cache until the loss
      if (t.checkpointing) free(...keep.slice(1));
      saved.push(t.checkpointing ? [residual] : keep);
      residual = output;
    }
    const head: number[] = [residual];
    const final = norm(head);
    const headWeight = t.arch.tiedEmbeddings ? byLayer.get(-1)![0]! : byLayer.get(t.layers)!.at(-1)!;
    // the loss: bf16 logits (returned in the output, alive until the step is over), upcast, log_softmax saved
    const outputLogits = projection(head, final, headWeight, w.vocab, t.layers);
    if (t.autocast) free(final);
    const upcast = alloc(T * w.vocab * 4);
    const logSoftmax = alloc(T * w.vocab * 4);
    free(upcast);
    if (t.checkpointing) for (const layerCopies of copies.slice(1, t.layers + 1)) free(...layerCopies.splice(0));

    // backward
    const gradOut = alloc(T * w.vocab * 4);
    const gradIn = alloc(T * w.vocab * 4);
    free(gradOut, logSoftmax);
    const gradLogits = alloc(T * w.vocab * a);
    free(gradIn);
    let gradHidden = alloc(T * h * a);
    gradient(headWeight);
    free(gradLogits);
    const normBackward = (grad: number) => {
      const scratch = alloc(T * h * 4);
      const result = alloc(T * h * stream);
      free(scratch, grad);
      return result;
    };
    gradHidden = normBackward(gradHidden);
    free(...head, ...copies[t.layers + 1]!);
    for (const p of byLayer.get(t.layers) ?? []) if (!grads.has(p)) gradient(p);
    for (let layer = t.layers - 1; layer >= 0; layer--) {
      const layerParams = byLayer.get(layer)!;
      if (t.checkpointing) {
        // the layer runs again from its saved input, under autocast; its output is not used
        const recomputed = forwardLayer(layer, saved[layer]![0]!);
        free(recomputed.output);
        saved[layer] = recomputed.keep;
      }
      /** a linear layer's backward: the gradient of its input, then of its weight */
      const projectionBackward = (inputWidth: number, weight: Parameter | undefined) => {
        const gradIn = alloc(T * inputWidth * a);
        if (weight) gradient(weight);
        return gradIn;
      };
      // MLP
      const gradDown = alloc(T * h * a);
      const gradProduct = projectionBackward(w.intermediate, layerParams[mlpIndex(t, 'down')]);
      free(gradDown);
      const gradAct = alloc(T * w.intermediate * a);
      const gradUp = alloc(T * w.intermediate * a);
      free(gradProduct);
      const gradUpIn = projectionBackward(h, layerParams[mlpIndex(t, 'up')]);
      free(gradUp);
      const gradGate = alloc(T * w.intermediate * a);
      free(gradAct);
      const gradGateIn = projectionBackward(h, layerParams[mlpIndex(t, 'gate')]);
      free(gradGate);
      const mlpInput = alloc(T * h * stream);
      free(gradUpIn, gradGateIn);
      const gradMid = normBackward(mlpInput);
      const merged = alloc(T * h * stream);
      free(gradMid, gradHidden);
      gradHidden = merged;
      // attention
      const gradO = alloc(T * h * a);
      const gradContiguous = projectionBackward(w.q, layerParams[3]);
      free(gradO);
      const flashScratch = alloc(T * w.q * 4); // dq accumulator of the flash backward
      const gq = alloc(T * w.q * a);
      const gk = alloc(T * w.kv * a);
      const gv = alloc(T * w.kv * a);
      free(flashScratch, gradContiguous);
      const ropeBackward = (grad: number, width: number) => {
        const scratch = alloc(T * width * 4);
        const result = alloc(T * width * a);
        free(scratch, grad);
        return result;
      };
      const inputs: number[] = [];
      for (const [grad, index] of [
        [ropeBackward(gq, w.q), 0],
        [ropeBackward(gk, w.kv), 1],
        [gv, 2],
      ] as const) {
        inputs.push(projectionBackward(h, layerParams[index]));
        free(grad);
      }
      const attentionInput = alloc(T * h * stream);
      free(...inputs);
      const gradIn = normBackward(attentionInput);
      const merged2 = alloc(T * h * stream);
      free(gradIn, gradHidden);
      gradHidden = merged2;
      free(...saved[layer]!, ...copies[layer + 1]!);
      for (const p of layerParams) if (!grads.has(p)) grads.set(p, alloc(p.elements * es));
    }
    // embedding backward: a dense gradient of the whole matrix, added into a tied weight's
    const embedding = byLayer.get(-1)![0]!;
    const dense = alloc(embedding.elements * es);
    if (grads.has(embedding)) free(dense);
    else grads.set(embedding, dense);
    free(gradHidden);

    // torch.optim: states created at the first step, a parameter at a time; the foreach step's transient
    if (step === 0) for (const p of params) for (const bytes of t.stateBytes) alloc(p.elements * bytes);
    if (t.stepTransientBytes > 0) free(...params.map((p) => alloc(p.elements * t.stepTransientBytes)));
    for (const p of params) free(grads.get(p)!);
    grads.clear();
    free(outputLogits);
  }
  return { reserved: pool.peakReserved - base, allocated: pool.peakAllocated - base };
}

/** position of the gate, up and down weights among a layer's parameters (MoE: gate_up is one tensor) */
function mlpIndex(t: TrainingTrace, which: 'gate' | 'up' | 'down'): number {
  const attention = t.arch.attentionBias ? 7 : 4;
  if (t.arch.moe) return which === 'down' ? attention + 1 : which === 'gate' ? attention : -1;
  return attention + (which === 'gate' ? 0 : which === 'up' ? 1 : 2);
}
