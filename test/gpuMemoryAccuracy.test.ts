// The bar from issue 2: on every measured row of data/gpu-memory, totalBytes against
// nvidia-smi's used memory: median |error| ≤ 5%, max |error| ≤ 15%, never under by more than 10%.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { offlineContext } from './support/context.ts';

const DATA = fileURLToPath(new URL('../data/gpu-memory/h100-public.jsonl', import.meta.url));

interface Row {
  part: 'infer' | 'train' | 'lora';
  model: string;
  mode?: 'amp' | 'bf16';
  batch: number;
  prompt_tokens?: number;
  new_tokens?: number;
  seq?: number;
  grad_ckpt?: boolean;
  lora_r?: number;
  smi_used_mib_after: number;
}

/** The mapping in the data README, "How a row maps to the calculator". */
export function rowToText(r: Row): string {
  const ckpt = r.grad_ckpt ? ' ckpt' : '';
  if (r.part === 'infer') return `${r.model} bf16 batch=${r.batch} ctx=${r.prompt_tokens! + r.new_tokens!}`;
  if (r.part === 'train') return `${r.model} train ${r.mode === 'amp' ? 'mixed' : 'bf16'} batch=${r.batch} seq=${r.seq}${ckpt}`;
  return `${r.model} lora r=${r.lora_r} batch=${r.batch} seq=${r.seq}${ckpt}`;
}

describe('gpu-memory accuracy against H100 measurements', () => {
  const rows = readFileSync(DATA, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);

  it('reads every row of the calibration set', () => {
    expect(rows.length).toBeGreaterThanOrEqual(26);
  });

  it('meets the bar on every row', async () => {
    const context = offlineContext();
    const results = await Promise.all(
      rows.map(async (row) => {
        const text = rowToText(row);
        const result = await computeGpuMemory(text, context);
        const truth = row.smi_used_mib_after * 2 ** 20;
        return { text, part: row.part, error: (result.totalBytes - truth) / truth };
      }),
    );
    const report = results.map((r) => `${(r.error * 100).toFixed(1).padStart(6)}%  ${r.text}`).join('\n');
    const absolute = results.map((r) => Math.abs(r.error)).sort((a, b) => a - b);
    const median = absolute[Math.floor(absolute.length / 2)]!;
    expect(median, report).toBeLessThanOrEqual(0.05);
    expect(absolute.at(-1)!, report).toBeLessThanOrEqual(0.15);
    expect(Math.min(...results.map((r) => r.error)), report).toBeGreaterThanOrEqual(-0.1);
    // and no worse than the allocator replay of training left it: median 0.82%, max 4.0% (issue 17 found 0.96% and 6.8%),
    // every full fine-tune within 1.5% (checkpointed ones were off by up to 2.8%)
    expect(median, report).toBeLessThanOrEqual(0.0085);
    expect(absolute.at(-1)!, report).toBeLessThanOrEqual(0.041);
    for (const r of results.filter((x) => x.part === 'train')) expect(Math.abs(r.error), `${r.text}\n${report}`).toBeLessThanOrEqual(0.015);
  });
});
