import { describe, expect, it } from 'vitest';
import { UsageError } from '../commands/command.ts';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { parseGpuMemoryText } from '../commands/gpuMemoryGrammar.ts';
import { offlineContext } from './support/context.ts';

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

async function rejectionOf(text: string): Promise<UsageError> {
  try {
    await computeGpuMemory(text, offlineContext());
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

describe('/gpu-memory grammar', () => {
  it('reads the examples of the issue', () => {
    expect(parseGpuMemoryText('llama-3.1-70b fp8 batch=32 ctx=8k engine=vllm gpu=h100')).toMatchObject({
      model: 'llama-3.1-70b',
      precision: 'fp8',
      batch: 32,
      context: 8192,
      engine: 'vllm',
      gpu: 'h100',
      mode: 'inference',
    });
    expect(parseGpuMemoryText('qwen2.5-0.5b train mixed batch=8 seq=2048 ckpt')).toMatchObject({
      mode: 'train',
      trainingPrecision: 'mixed',
      batch: 8,
      sequence: 2048,
      checkpointing: true,
    });
    expect(parseGpuMemoryText('llama-3.2-1b train bf16 batch=4 seq=1024')).toMatchObject({ trainingPrecision: 'bf16' });
    expect(parseGpuMemoryText('llama-3.1-70b qlora r=64 seq=4096 ckpt')).toMatchObject({ mode: 'qlora', loraRank: 64, sequence: 4096 });
    expect(parseGpuMemoryText('mixtral-8x7b Q4_K_M')).toMatchObject({ precision: 'q4_k_m' });
    expect(parseGpuMemoryText('deepseek-v3 fp8 gpus=8')).toMatchObject({ gpus: 8 });
    expect(parseGpuMemoryText('Llama 3.1 8B bf16').model).toBe('Llama 3.1 8B');
  });

  it('takes suffixes and arithmetic in numbers', () => {
    expect(parseGpuMemoryText('7b ctx=2^15 batch=4*8')).toMatchObject({ context: 32768, batch: 32 });
    expect(parseGpuMemoryText('7b ctx=128k')).toMatchObject({ context: 131072 });
    expect(parseGpuMemoryText('7b kv=fp8 engine=vllm util=0.85')).toMatchObject({ kv: 'fp8', utilization: 0.85 });
  });

  it('names contradictory options', () => {
    expect(usageErrorOf(() => parseGpuMemoryText('70b fp16 fp8')).message).toMatch(/fp16 and fp8/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b train lora')).message).toMatch(/train and lora/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b train q4_k_m')).message).toMatch(/qlora/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b ckpt')).message).toMatch(/ckpt .*training/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b train kv=fp8')).message).toMatch(/kv=fp8 applies to inference/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b train engine=vllm')).message).toMatch(/engine=vllm/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b util=0.8')).message).toMatch(/add engine=vllm/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b r=16')).message).toMatch(/LoRA setting/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b qlora fp8')).message).toMatch(/NF4/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b gpus=6 tp=4')).message).toMatch(/not a multiple of tp/);
  });

  it('says what it understood and what it did not', () => {
    const error = usageErrorOf(() => parseGpuMemoryText('70b fp16 batch=2 turbo'));
    expect(error.message).toMatch(/"turbo"/);
    expect(error.detail.understood).toEqual(['70b', 'fp16', 'batch=2']);
    expect(error.detail.notUnderstood).toEqual(['turbo']);
  });

  it('rejects bad numbers and values with what is allowed', () => {
    expect(usageErrorOf(() => parseGpuMemoryText('70b batch=abc')).message).toMatch(/batch=abc: "abc" is not a number/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b batch=0')).message).toMatch(/whole number ≥ 1/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b batch=1.5')).message).toMatch(/whole number/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b zero=4')).message).toMatch(/0, 1, 2 and 3/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b kv=fp4')).message).toMatch(/kv=fp4 is not one of/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b engine=tgi')).message).toMatch(/engine=tgi is not one of: transformers/);
    expect(usageErrorOf(() => parseGpuMemoryText('70b engine=vllm util=1.5')).message).toMatch(/between 0 and 1/);
    expect(usageErrorOf(() => parseGpuMemoryText('fp16')).message).toMatch(/name a model first/);
  });

  it('suggests the closest preset for an unknown model, and never reaches the network for it', async () => {
    const error = await rejectionOf('llama-3.1-7b fp16');
    expect(error.message).toMatch(/unknown model "llama-3.1-7b"; did you mean llama-3.1-8b\?/);
    expect(error.detail.suggestion).toBe('llama-3.1-8b');
  });

  it('splits a known model from trailing words it does not understand', async () => {
    const error = await rejectionOf('70b foo');
    expect(error.detail).toMatchObject({ understood: ['70b'], notUnderstood: ['foo'] });
  });

  it('rejects settings that do not fit the model', async () => {
    expect((await rejectionOf('llama-3.1-70b tp=3')).message).toMatch(/tp=3 does not divide llama-3.1-70b's 8 KV heads; use tp=1, 2, 4, 8/);
    expect((await rejectionOf('llama-3.1-8b mxfp4')).message).toMatch(/mxfp4 quantizes MoE experts and llama-3.1-8b has none/);
    expect((await rejectionOf('llama-3.1-8b gpu=h900')).message).toMatch(/gpu=h900 is not in the GPU catalog; known: h100-sxm/);
    expect((await rejectionOf('500k')).message).toMatch(/too small/);
    expect((await rejectionOf('org/model')).message).toMatch(/offline/);
  });
});
