// /gpu-memory against figures published by the papers and frameworks it models; each source is cited
// where it is checked.
import { describe, expect, it } from 'vitest';
import { computeGpuMemory, type GpuMemoryResult } from '../commands/gpuMemory.ts';
import { offlineContext } from './support/context.ts';

const run = (text: string) => computeGpuMemory(text, offlineContext());
const within = (actual: number, expected: number, share: number) => {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThanOrEqual(share);
};
const modelStates = (r: GpuMemoryResult) => r.modelStates.weights + r.modelStates.gradients + r.modelStates.optimizer;
const peakStates = (r: GpuMemoryResult) => r.breakdown.weights + r.breakdown.gradients + r.breakdown.optimizer;

describe('ZeRO against the ZeRO paper and DeepSpeed', () => {
  // Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
  // arXiv:1910.02054, Figure 1: Ψ = 7.5B parameters, mixed-precision Adam (K = 12), Nd = 64 GPUs,
  // model states per GPU: baseline 120 GB, P_os 31.4 GB, P_os+g 16.6 GB, P_os+g+p 1.9 GB.
  it.each([
    [0, 120e9],
    [1, 31.4e9],
    [2, 16.6e9],
    [3, 1.9e9],
  ])('ZeRO stage %i of 7.5B parameters on 64 GPUs holds the paper’s model states', async (stage, paper) => {
    const r = await run(`7.5b train mixed gpus=64${stage ? ` zero=${stage}` : ''}`);
    within(modelStates(r), paper, 0.1);
  });

  it('partitions something more at each stage', async () => {
    const states = await Promise.all([0, 1, 2, 3].map(async (z) => (await run(`llama-3.1-8b train mixed gpus=8 zero=${z}`)).modelStates));
    expect(states[1]!.optimizer).toBeLessThan(states[0]!.optimizer);
    expect(states[2]!.gradients).toBeLessThan(states[1]!.gradients);
    expect(states[3]!.weights).toBeLessThan(states[2]!.weights);
  });

  // DeepSpeed deepspeed/runtime/zero/stage3.py, estimate_zero3_model_states_mem_needs with
  // offload_param=none, offload_optimizer=none: gpu_mem = 4 × largest_layer_params + 18 × params / gpus.
  // One token per step, so the optimizer step is the peak and the states are all there is.
  it('matches DeepSpeed’s ZeRO-3 estimator (no offload) for Mistral-7B on 8 GPUs', async () => {
    const r = await run('mistral-7b-v0.3 train mixed gpus=8 zero=3 batch=1 seq=1');
    const params = 7248023552;
    const largestLayer = 32768 * 4096; // the embedding
    within(peakStates(r), 4 * largestLayer + (18 * params) / 8, 0.1);
  });

  // DeepSpeed deepspeed/runtime/zero/stage_1_and_2.py, estimate_zero2_model_states_mem_needs with
  // offload_optimizer=none: gpu_mem = 4 × params + 16 × params / gpus. It counts the 16-bit
  // gradients of every parameter on every GPU, which is what stage 1 holds at the optimizer step
  // (2Ψ weights + 2Ψ gradients + fp32 gradient partition and K = 12 states over N); under stage 2
  // the gradients are partitioned as the ZeRO paper's P_os+g (16.6 GB above) says.
  it('matches DeepSpeed’s ZeRO-2 estimator where its whole-gradient accounting holds (stage 1)', async () => {
    const r = await run('mistral-7b-v0.3 train mixed gpus=8 zero=1 batch=1 seq=1');
    const params = 7248023552;
    within(peakStates(r), 4 * params + (16 * params) / 8, 0.1);
  });

  it('names the communication buckets at DeepSpeed’s defaults', async () => {
    const r = await run('llama-3.1-8b train mixed gpus=8 zero=3 batch=1 seq=2048');
    expect(r.breakdown.buffers).toBeGreaterThan(0);
    expect(r.method.join('\n')).toMatch(
      /reduce_bucket_size 5e\+8.*stage3_prefetch_bucket_size 5e\+7.*stage3_max_live_parameters \(1e\+9\)/s,
    );
    const z2 = await run('llama-3.1-8b train mixed gpus=8 zero=2 batch=1 seq=2048');
    expect(z2.method.join('\n')).toMatch(/allgather_bucket_size 5e\+8/);
  });
});

describe('vLLM against its published start-up logs', () => {
  // vLLM PR #10511 (v0.6.5 era): Llama-3-8B on one H100 80GB at gpu_memory_utilization=0.9 logged
  // ≈ 53.3 GiB of KV cache ≈ 436,500 tokens; the TP2 profile in the same PR implies ≈ 966,000.
  // Llama-3.1-8B has the same layers, KV heads and head size.
  it('holds the KV tokens vLLM logged for Llama-3-8B on one H100', async () => {
    const r = await run('llama-3.1-8b engine=vllm gpu=h100 ctx=8192');
    const row = r.serving!.find((s) => s.gpuId === 'h100-sxm')!;
    expect(row.gpus).toBe(1);
    within(row.kvCacheTokens, 436_500, 0.1);
  });

  it('reports the layout asked: TP2 holds what the TP2 profile implies', async () => {
    const r = await run('llama-3.1-8b engine=vllm gpu=h100 tp=2 ctx=8192');
    const row = r.serving!.find((s) => s.gpuId === 'h100-sxm')!;
    expect(row).toMatchObject({ gpus: 2, layout: 'TP2' });
    within(row.kvCacheTokens, 966_000, 0.1);
  });

  it('keeps the KV pool the same size whatever the context of a full-attention model', async () => {
    const tokens = await Promise.all(
      [4096, 32768, 131072].map(async (ctx) => (await run(`llama-3.1-8b engine=vllm gpu=h100 ctx=${ctx}`)).serving![0]!.kvCacheTokens),
    );
    expect(new Set(tokens).size).toBe(1);
  });
});

describe('weight formats and what a GPU can hold', () => {
  // bartowski/Meta-Llama-3.1-8B-Instruct-GGUF: the Q2_K file is 3.18 GB (current llama.cpp mix).
  it('sizes GGUF Q2_K as current llama.cpp files', async () => {
    const r = await run('llama-3.1-8b q2_k');
    within(r.breakdown.weights, 3.18e9, 0.03);
  });

  // CUDA can allocate 79.15 GiB of an A100 80GB (torch.cuda.mem_get_info, vLLM's start-up log).
  it('does not claim DeepSeek-V3 in FP8 fits on 8× A100 80GB, and says A100 has no FP8', async () => {
    const r = await run('deepseek-v3 fp8');
    const a100 = r.fits.find((f) => f.gpuId === 'a100-80gb')!;
    expect(a100.count).not.toBe(8);
    expect(a100.usableBytes).toBe(81050 * 2 ** 20);
    expect(a100.computeNote).toMatch(/no FP8 tensor cores: FP8 weights run weight-only/);
    expect(r.fits.find((f) => f.gpuId === 'h100-sxm')!.computeNote).toBeUndefined();
  });
});
