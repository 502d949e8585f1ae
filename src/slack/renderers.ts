// Each command's Block Kit rendering, by command name.
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import type { SlackMessage } from './blockLimits.ts';
import { gpuMemoryBlocks } from './gpuMemoryBlocks.ts';
import { planBlocks } from './planBlocks.ts';

export const BLOCK_RENDERERS: Record<string, (result: never) => SlackMessage> = {
  'gpu-memory': (r: GpuMemoryResult) => gpuMemoryBlocks(r),
  'train-cost': planBlocks,
  'serve-cost': planBlocks,
};
