// Every slash command, in the order `help` lists them. Adding a command is adding it here.
import { allreduceCommand } from './allreduce.ts';
import { availabilityCommand } from './availability.ts';
import type { Command } from './command.ts';
import { gpuMemoryCommand } from './gpuMemory.ts';
import { gpuPriceCommand } from './gpuPrice.ts';
import { serveCostCommand } from './serveCost.ts';
import { storageThroughputCommand } from './storageThroughput.ts';
import { trainCostCommand } from './trainCost.ts';
import { utilizationCommand } from './utilization.ts';

export const COMMANDS: Command<unknown>[] = [
  gpuMemoryCommand,
  trainCostCommand,
  serveCostCommand,
  gpuPriceCommand,
  storageThroughputCommand,
  allreduceCommand,
  availabilityCommand,
  utilizationCommand,
] as Command<unknown>[];

export function findCommand(name: string): Command<unknown> | undefined {
  const wanted = name.replace(/^\//, '').toLowerCase();
  return COMMANDS.find((c) => c.name === wanted);
}
