// What every slash command is: a name, help, and text -> result DTO. Rendering happens at the edge.
import type { Catalogs } from '../src/catalogs/catalogs.ts';
import type { HubModel } from '../src/hub/huggingFaceHub.ts';
import type { LivePrices } from '../src/pricing/livePrices.ts';

export interface ModelSource {
  fetchModel(repo: string): Promise<HubModel>;
}

export interface CommandContext {
  catalogs: Catalogs;
  hub: ModelSource;
  /** live list prices where credentials allow; absent: the bundled catalog only */
  livePrices?: LivePrices;
}

/** Which rendering a command's result takes: its own (/gpu-memory) or the planning calculators' shared one. */
export type ResultView = 'gpu-memory' | 'plan';

export interface Command<Result> {
  name: string;
  view: ResultView;
  description: string;
  usage: string;
  /** the short form Slack shows while typing the command */
  usageHint: string;
  examples: string[];
  run(text: string, context: CommandContext): Promise<Result>;
}

/**
 * Input the command could not use. The message says what was wrong and what to type instead;
 * `understood` and `notUnderstood` let every renderer show the same detail.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly detail: { understood?: string[]; notUnderstood?: string[]; suggestion?: string } = {},
  ) {
    super(message);
  }
}
