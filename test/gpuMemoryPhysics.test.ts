// Properties the estimate must have whatever the calibration constants are.
import { describe, expect, it } from 'vitest';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { offlineContext } from './support/context.ts';

const run = (text: string) => computeGpuMemory(text, offlineContext());

describe('gpu-memory physics', () => {
  it('sizes the KV cache by KV heads, not hidden size (grouped-query attention)', async () => {
    const r = await run('llama-3.1-70b bf16 batch=1 ctx=8192');
    // 2 (K,V) × 80 layers × 8 KV heads × 128 head dim × 8192 tokens × 2 bytes
    expect(r.breakdown.kvCache).toBe(2 * 80 * 8 * 128 * 8192 * 2);
  });

  it('caps sliding-window layers at the window', async () => {
    const short = await run('gemma-2-9b bf16 ctx=4096');
    const long = await run('gemma-2-9b bf16 ctx=8192');
    // half the layers are global and grow; the other half stay at 4,096 tokens
    expect(long.breakdown.kvCache / short.breakdown.kvCache).toBeCloseTo(1.5, 5);
  });

  it('keeps the compressed MLA latent for DeepSeek-V3', async () => {
    const r = await run('deepseek-v3 fp8 gpus=8 ctx=4096');
    expect(r.breakdown.kvCache).toBe((512 + 64) * 61 * 4096 * 2);
  });

  it('orders weight formats by their real bits per weight', async () => {
    const weights = async (p: string) => (await run(`llama-3.1-8b ${p}`)).breakdown.weights;
    // fp8 and GPTQ keep embeddings and lm_head in 16 bits; GGUF quantizes them too
    const order = ['fp32', 'bf16', 'fp8', 'q8_0', 'q6_k', 'gptq', 'q4_k_m', 'q3_k_m', 'q2_k'];
    const values = await Promise.all(order.map(weights));
    for (let i = 1; i < values.length; i++) expect(values[i], `${order[i]} < ${order[i - 1]}`).toBeLessThan(values[i - 1]!);
    // fp8 keeps embeddings and lm_head in bf16: 2 × 128256 × 4096 × 2 bytes on top of 1 byte per linear weight
    const r = await run('llama-3.1-8b fp8');
    const linear = 8030261248 - 2 * 128256 * 4096;
    expect(r.breakdown.weights).toBeGreaterThan(linear + 2 * 128256 * 4096 * 2 - 1e8);
  });

  it('splits weights and KV cache across tensor-parallel GPUs and sums the total', async () => {
    const one = await run('llama-3.1-70b bf16 ctx=8k');
    const four = await run('llama-3.1-70b bf16 ctx=8k gpus=4');
    expect(four.parallel).toMatchObject({ tensor: 4, pipeline: 1 });
    expect(four.breakdown.kvCache).toBeCloseTo(one.breakdown.kvCache / 4, 0);
    // norms are replicated on every rank: 161 × 8192 parameters × 2 bytes
    expect(four.breakdown.weights).toBeCloseTo(one.breakdown.weights / 4 + (161 * 8192 * 2 * 3) / 4, -3);
    expect(four.totalBytes).toBeCloseTo(four.perGpuBytes * 4, 0);
  });

  it('shards optimizer state, gradients and weights with ZeRO stages', async () => {
    const per = async (z: number) => (await run(`llama-3.1-8b train bf16 gpus=8 zero=${z}`)).perGpuBytes;
    const [z0, z1, z2, z3] = await Promise.all([0, 1, 2, 3].map(per));
    expect(z1).toBeLessThan(z0!);
    // with states sharded the peak moves to the loss backward, before any gradient exists
    expect(z2).toBeLessThanOrEqual(z1!);
    expect(z3).toBeLessThan(z2!);
  });

  it('keeps no inputs of frozen projections under LoRA: what remains is norms, SDPA, the MLP and the adapters’ fp32 copies', async () => {
    const lora = await run('llama-3.1-8b lora r=16 batch=2 seq=1024');
    const [h, q, kv, i, layers, tokens] = [4096, 4096, 1024, 14336, 32, 2048];
    // per token per layer: 2 norms' fp32 inputs (8h), SDPA q, k, v, out (4q + 4kv), gate, act(gate), up (6i),
    // and the fp32 input copy of each of the 7 adapted projections (q, k, v, gate, up: 5 × 4h; o: 4q; down: 4i)
    const perLayer = 8 * h + 4 * q + 4 * kv + 6 * i + (20 * h + 4 * q + 4 * i);
    expect(lora.breakdown.activations).toBe(tokens * (layers * perLayer + 4 * h));
  });

  it('counts the logits of a long batch as the largest item for a small model with a big vocabulary', async () => {
    const r = await run('qwen2.5-0.5b train mixed batch=8 seq=2048');
    const largest = Object.entries(r.breakdown).sort((a, b) => b[1] - a[1])[0]![0];
    expect(largest).toBe('logits');
    expect(r.breakdown.logits).toBe(8 * 2048 * 151936 * 14);
  });

  it('needs less with QLoRA than LoRA than full training', async () => {
    const full = await run('llama-3.1-8b train mixed batch=1 seq=2048 ckpt');
    const lora = await run('llama-3.1-8b lora batch=1 seq=2048 ckpt');
    const qlora = await run('llama-3.1-8b qlora batch=1 seq=2048 ckpt');
    expect(lora.totalBytes).toBeLessThan(full.totalBytes);
    expect(qlora.totalBytes).toBeLessThan(lora.totalBytes);
    expect(lora.trainableParams).toBe(41943040); // r=16 on all linear layers of Llama 3.1 8B, as PEFT counts
  });

  it('reports the KV tokens vLLM can hold and the concurrent sequences at the context', async () => {
    const r = await run('llama-3.1-8b bf16 engine=vllm gpu=h100 ctx=8k');
    const serving = r.serving![0]!;
    expect(serving.gpuId).toBe('h100-sxm');
    // 0.9 × 85.5 GB less ~16 GB of weights and overhead leaves ~58 GB at 128 KiB per token
    expect(serving.kvCacheTokens).toBeGreaterThan(400_000);
    expect(serving.kvCacheTokens).toBeLessThan(500_000);
    expect(serving.concurrentSequences).toBe(Math.floor(serving.kvCacheTokens / 8192));
  });

  it('uses the exact parameter count and names the assumed architecture for a bare size', async () => {
    const r = await run('70b fp16');
    expect(r.breakdown.weights).toBeCloseTo(70e9 * 2, -6);
    expect(r.model.assumedArchitecture).toMatch(/llama-3\.1-70b/);
    expect(r.summary).toMatch(/^≈ 14\d GB · fits 1× H200, or 2× A100 80GB with TP2 · from \$/);
  });

  it('charges each optimizer its own state and step transient', async () => {
    const optimizer = async (opt: string) => (await run(`llama-3.1-8b train mixed opt=${opt} batch=1 seq=512`)).breakdown;
    const adamw = await optimizer('adamw');
    const eight = await optimizer('adamw8bit');
    const sgd = await optimizer('sgd');
    const adafactor = await optimizer('adafactor');
    // AdamW: two fp32 states + the fp32 sqrt(exp_avg_sq) copy in step(): 12 B per parameter
    expect(adamw.optimizer).toBeCloseTo(8030261248 * 12, -6);
    expect(eight.optimizer).toBeLessThan(adamw.optimizer / 5);
    expect(sgd.optimizer).toBeCloseTo(8030261248 * 4, -6);
    // factored states are tiny; the update of the largest matrix (the 128256 × 4096 embedding) is materialized twice in fp32
    expect(adafactor.optimizer).toBeGreaterThan(2 * 4 * 128256 * 4096);
    expect(adafactor.optimizer).toBeLessThan(adamw.optimizer / 10);
  });

  it('keeps weights, gradients and optimizer states in fp32 for fp32 training', async () => {
    const fp32 = await run('llama-3.2-1b train fp32 batch=1 seq=256');
    const bf16 = await run('llama-3.2-1b train bf16 batch=1 seq=256');
    expect(fp32.breakdown.weights).toBeCloseTo(2 * bf16.breakdown.weights, -6);
    expect(fp32.breakdown.optimizer).toBeCloseTo(2 * bf16.breakdown.optimizer, -6);
  });

  it('puts a share of the layers on each pipeline stage, the heavier end stage reported', async () => {
    const r = await run('llama-3.1-70b bf16 tp=8 pp=2');
    expect(r.gpus).toBe(16);
    const single = await run('llama-3.1-70b bf16 tp=8');
    expect(r.breakdown.weights).toBeLessThan(single.breakdown.weights * 0.6);
    expect(r.breakdown.weights).toBeGreaterThan(single.breakdown.weights * 0.45);
  });

  it('reads sizes written as 7e9 and 1.5t, and MoE sizes like 8x22b', async () => {
    expect((await run('7e9 bf16')).model.params).toBe(7e9);
    const huge = await run('1.5t fp8');
    expect(huge.model.assumedArchitecture).toMatch(/llama-3\.1-405b/);
    const moe = await run('8x22b');
    expect(moe.model).toMatchObject({ params: 140620634112, paramsSource: "mixtral-8x22b's count" });
  });
});
