import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { gpuMemoryBlocks } from '../src/slack/gpuMemoryBlocks.ts';
import { offlineContext } from '../test/support/context.ts';
async function main() {
  for (const q of ['70b fp16', 'deepseek-v3 fp8 gpus=8', '405b train full', '8b lora train', '1b int4', 'qwen3-235b-a22b bf16 ctx=128k batch=64']) {
    try { const r = await computeGpuMemory(q, offlineContext()); const m = gpuMemoryBlocks(r); console.log(q, m.blocks.length, JSON.stringify(m).length); } catch (e) { console.log(q, (e as Error).message); }
  }
}
main();
