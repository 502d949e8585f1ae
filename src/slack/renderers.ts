// Each command's Block Kit rendering, by command name.
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import { gpuMemoryBlocks, type SlackMessage } from './gpuMemoryBlocks.ts';

export const BLOCK_RENDERERS: Record<string, (result: never) => SlackMessage> = {
  'gpu-memory': (r: GpuMemoryResult) => gpuMemoryBlocks(r),
};
