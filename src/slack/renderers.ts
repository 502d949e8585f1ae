// Each result view's Block Kit rendering.
import type { ResultView } from '../../commands/command.ts';
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import type { PlanResult } from '../../commands/planResult.ts';
import type { SlackMessage } from './blockLimits.ts';
import { gpuMemoryBlocks } from './gpuMemoryBlocks.ts';
import { planBlocks } from './planBlocks.ts';

/** Each result view's Block Kit rendering. */
export const BLOCK_RENDERERS: Record<ResultView, (result: never) => SlackMessage> = {
  'gpu-memory': (r: GpuMemoryResult) => gpuMemoryBlocks(r),
  plan: (r: PlanResult) => planBlocks(r),
};
