// What every slash command is: a name, help, and text -> result DTO. Rendering happens at the edge.
import type { Catalogs } from '../src/catalogs/catalogs.ts';
import type { HubModel } from '../src/hub/hubModel.ts';
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

/** The longest word an answer echoes back; a longer one is cut, so a pasted blob is not repeated at the user. */
export const MAX_ECHOED_WORD = 60;
const cutLongWords = (text: string) =>
  text.replace(new RegExp(`\\S{${MAX_ECHOED_WORD + 1},}`, 'g'), (word) => `${word.slice(0, MAX_ECHOED_WORD)}…`);

export interface UsageDetail {
  understood?: string[];
  notUnderstood?: string[];
  suggestion?: string;
}

/**
 * Input the command could not use. The message says what was wrong and what to type instead;
 * `understood` and `notUnderstood` let every renderer show the same detail. Long words are cut.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly detail: UsageDetail;

  constructor(message: string, detail: UsageDetail = {}) {
    super(cutLongWords(message));
    this.detail = {
      ...(detail.understood ? { understood: detail.understood.map(cutLongWords) } : {}),
      ...(detail.notUnderstood ? { notUnderstood: detail.notUnderstood.map(cutLongWords) } : {}),
      ...(detail.suggestion ? { suggestion: cutLongWords(detail.suggestion) } : {}),
    };
  }

  /** The words not understood that the message does not already quote: each is shown once. */
  get unmentioned(): string[] {
    return (this.detail.notUnderstood ?? []).filter((word) => !this.message.includes(word));
  }
}
