// The caching allocator replay behind the training estimate: PyTorch's rules one by one
// (c10/cuda/CUDACachingAllocator.cpp), then the replay against what the H100 calibration set reserved.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { CachingAllocator } from '../src/calc/cachingAllocator.ts';
import { GenerateSession, replayGeneratePool } from '../src/calc/generatePool.ts';
import { replayTrainingPool } from '../src/calc/trainingPool.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import { findPreset } from '../src/catalogs/models.ts';
import { offlineContext } from './support/context.ts';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

describe('caching allocator', () => {
  it('rounds requests to 512 B and serves up to 1 MiB from 2 MiB segments of the small pool', () => {
    const pool = new CachingAllocator();
    pool.malloc(100);
    expect(pool.allocated).toBe(512);
    expect(pool.reserved).toBe(2 * MiB);
    pool.malloc(MiB);
    expect(pool.reserved).toBe(2 * MiB);
    pool.malloc(MiB); // the segment's rest is 512 B short
    expect(pool.reserved).toBe(4 * MiB);
  });

  it('opens a 20 MiB segment for a request under 10 MiB, shared by the next, and rounds larger ones to 2 MiB', () => {
    const pool = new CachingAllocator();
    pool.malloc(5 * MiB);
    pool.malloc(5 * MiB);
    expect(pool.reserved).toBe(20 * MiB);
    pool.malloc(12.5 * MiB);
    expect(pool.reserved).toBe(34 * MiB);
  });

  it('takes the smallest cached block that fits, and leaves a rest of 1 MiB or less unsplit', () => {
    const pool = new CachingAllocator();
    const big = pool.malloc(30 * MiB);
    const small = pool.malloc(20 * MiB);
    pool.free(big);
    pool.free(small);
    pool.malloc(15 * MiB); // from the 20 MiB block, split
    pool.malloc(19.5 * MiB); // the 30 MiB block: the 5 MiB rest of the other is too small
    expect(pool.reserved).toBe(50 * MiB);
    pool.malloc(10.5 * MiB); // the 30 MiB block's 10.5 MiB rest fits exactly
    expect(pool.reserved).toBe(50 * MiB);
    pool.malloc(4 * MiB); // the 5 MiB rest of the 20 MiB block, whole: a 1 MiB rest is not split off
    expect(pool.allocated).toBe(50 * MiB);
    expect(pool.reserved).toBe(50 * MiB);
  });

  it('merges a freed block with its free neighbours in a segment, never across segments', () => {
    const pool = new CachingAllocator();
    const a = pool.malloc(12 * MiB);
    const b = pool.malloc(12 * MiB);
    pool.free(a);
    pool.free(b);
    pool.malloc(20 * MiB); // two 12 MiB segments, 24 MiB free in all, but no block of 20 MiB
    expect(pool.reserved).toBe(44 * MiB);

    const split = new CachingAllocator();
    const whole = split.malloc(40 * MiB);
    split.free(whole);
    const left = split.malloc(12 * MiB);
    const right = split.malloc(12 * MiB);
    split.free(left);
    split.free(right);
    split.malloc(38 * MiB); // the three free pieces of one segment merged back
    expect(split.reserved).toBe(40 * MiB);
  });

  it('gives back only segments with nothing allocated in them when the cache is emptied', () => {
    const pool = new CachingAllocator();
    pool.malloc(5 * MiB);
    pool.free(pool.malloc(64 * MiB));
    expect(pool.reserved).toBe(84 * MiB);
    pool.emptyCache();
    expect(pool.reserved).toBe(20 * MiB);
  });
});

interface Row {
  part: string;
  model: string;
  mode?: 'amp' | 'bf16';
  batch: number;
  seq?: number;
  prompt_tokens?: number;
  new_tokens?: number;
  grad_ckpt?: boolean;
  peak_allocated: number;
  peak_reserved: number;
}

describe('training step replayed through the allocator', () => {
  const rows = readFileSync(fileURLToPath(new URL('../data/gpu-memory/h100-public.jsonl', import.meta.url)), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);
  const training = rows.filter((r) => r.part === 'train');
  const models = bundledCatalogs().models;
  const replayOf = (row: Row) => {
    const arch = findPreset(models, row.model)!.arch;
    const bytes = row.mode === 'amp' ? 4 : 2;
    return replayTrainingPool({
      arch,
      tokens: row.batch * row.seq!,
      autocast: row.mode === 'amp',
      elementBytes: bytes,
      activationBytes: 2,
      stateBytes: [bytes, bytes],
      stepTransientBytes: bytes,
      tensorParallel: 1,
      layers: arch.layers,
      checkpointing: row.grad_ckpt === true,
    });
  };
  const excessError = (row: Row) => {
    const replay = replayOf(row);
    return Math.abs(replay.reserved - replay.allocated - (row.peak_reserved - row.peak_allocated)) / GiB;
  };
  const label = (row: Row) => `${row.model} ${row.mode} batch ${row.batch} seq ${row.seq}${row.grad_ckpt ? ' ckpt' : ''}`;

  it('reserves beyond the live peak what PyTorch reserved on every full fine-tune of the H100 set', () => {
    expect(training.length).toBe(11);
    // without checkpointing within 0.25 GiB (observed at most 0.19); with it within 1.25 GiB (observed
    // 0.01 to 1.24 GiB on 0.9 to 8.8 GiB), the recomputation's blocks landing less predictably
    for (const row of training) expect(excessError(row), label(row)).toBeLessThanOrEqual(row.grad_ckpt ? 1.25 : 0.25);
  });

  it('holds the next step’s logits in new segments when the optimizer states take the blocks the first step freed', async () => {
    // Qwen2.5-1.5B: its fp32 MLP weights (55 MiB) do not fit the 35 MiB segments of the activations,
    // so the lazily created AdamW states fill the freed logits segments and step 2 needs new ones
    const result = await computeGpuMemory('qwen2.5-1.5b train mixed batch=2 seq=1024', offlineContext());
    const logitsOfAStep = 2 * 1024 * 151936 * 4;
    expect(result.breakdown.overhead - 1432 * MiB).toBeGreaterThan(3 * logitsOfAStep);
    expect(result.method.join('\n')).toContain("PyTorch's caching allocator");
  });
});

describe('generate() replayed through the allocator', () => {
  const rows = readFileSync(fileURLToPath(new URL('../data/gpu-memory/h100-public.jsonl', import.meta.url)), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Row)
    .filter((r) => r.part === 'infer');
  const models = bundledCatalogs().models;
  // tools/measure_gpu_memory.py measures a model's scenarios one after another on the model it loaded once,
  // emptying the cache before each; the 16k-token Mistral row, listed after the others, was a run of its own
  const replayed = () => {
    let session: GenerateSession | null = null;
    return rows.map((row, i) => {
      if (!session || row.model !== rows[i - 1]!.model || row.prompt_tokens === 16384) {
        const arch = findPreset(models, row.model)!.arch;
        session = new GenerateSession({ arch, elementBytes: 2, tensorParallel: 1, layers: arch.layers });
      }
      const { pool } = session;
      pool.emptyCache();
      pool.resetPeaks();
      session.generate({ batch: row.batch, promptTokens: row.prompt_tokens!, newTokens: row.new_tokens! });
      return { row, allocated: pool.peakAllocated, excess: pool.peakReserved - pool.peakAllocated };
    });
  };
  const label = (row: Row) => `${row.model} batch ${row.batch} prompt ${row.prompt_tokens}`;

  it('holds the live peak of every generate() row of the H100 set', () => {
    const results = replayed();
    expect(results.length).toBe(13);
    // observed: 0.3 to 1.1 MiB under (small tensors of generate() not traced)
    for (const r of results) expect(Math.abs(r.allocated - r.row.peak_allocated) / MiB, label(r.row)).toBeLessThanOrEqual(4);
  });

  it('reserves beyond the live peak what PyTorch reserved, but half of it on Qwen2.5-0.5B at batch 8 and 32', () => {
    for (const { row, excess } of replayed()) {
      const measured = row.peak_reserved - row.peak_allocated;
      // not explained: Qwen2.5-0.5B reserved about its whole KV cache beyond the live peak (0.40 and
      // 0.77 GiB), the replay half of it (0.21 and 0.39); the other 11 rows are within 0.03 GiB
      if (row.model === 'qwen2.5-0.5b' && row.batch > 1) {
        expect(excess / measured, label(row)).toBeGreaterThan(0.45);
        expect(excess / measured, label(row)).toBeLessThan(0.6);
      } else expect(Math.abs(excess - measured) / GiB, label(row)).toBeLessThanOrEqual(0.03);
    }
  });

  it('keeps Phi-3’s fused gate_up output alive through its MLP: one intermediate more at the prefill peak', () => {
    const phi3 = findPreset(models, 'phi-3-mini')!.arch;
    expect(phi3.fusedProjections).toBe(true);
    const call = { batch: 8, promptTokens: 4096, newTokens: 1 };
    const peak = (arch: typeof phi3) =>
      replayGeneratePool({ arch, elementBytes: 2, tensorParallel: 1, layers: arch.layers }, call).allocated;
    const intermediate = 8 * 4096 * phi3.intermediateSize * 2;
    // gate_up (2 × intermediate), act(gate) and their product live together, against act, up and product unfused
    expect(peak(phi3) - peak({ ...phi3, fusedProjections: false })).toBeGreaterThanOrEqual(intermediate);
  });
});
