// What every scheduled report shares: claim its period and channel in the state store, post it,
// and give the claim back if the post fails, so retries, overlapping firings and several runtimes
// post it exactly once.
import type { PlanResult } from '../../commands/planResult.ts';
import type { ScanOptions } from '../../reports/idleScan/scanJob.ts';
import type { DigestSettings } from '../../reports/weeklyDigest/digestJob.ts';
import { type SlackMessage, splitMessage } from '../slack/blockLimits.ts';
import type { StateStore } from '../state/stateStore.ts';

export interface ScheduledJobContext {
  state: StateStore;
  /** posts a message; answers its ts where the platform gives one */
  post(channel: string, message: SlackMessage): Promise<{ ts?: string } | void>;
  /** replaces a message posted earlier (chat.update) */
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  digest: DigestSettings & { channel?: string };
  scan?: ScanOptions & { channel?: string };
  env: NodeJS.ProcessEnv;
  now(): Date;
  log(fields: Record<string, unknown>): void;
}

export type JobOutcome = 'posted' | 'already-posted' | 'no-channel';

export async function postOnce(
  context: ScheduledJobContext,
  job: string,
  channel: string | undefined,
  claim: { key: string; ttlSeconds: number; period: string },
  produce: () => Promise<{ plan: PlanResult; message: SlackMessage; posted?: (part: SlackMessage, ts: string) => Promise<void> }>,
): Promise<JobOutcome> {
  if (!channel) {
    context.log({ job, skipped: 'no channel is configured' });
    return 'no-channel';
  }
  if (!(await context.state.claim(claim.key, claim.ttlSeconds, context.now().getTime()))) {
    context.log({ job, period: claim.period, channel, skipped: 'already posted' });
    return 'already-posted';
  }
  try {
    const { plan, message, posted } = await produce();
    for (const part of splitMessage(message)) {
      const ts = (await context.post(channel, part))?.ts;
      if (ts && posted) await posted(part, ts);
    }
    context.log({ job, period: claim.period, channel, posted: true, costExplorerRequests: plan.figures.costExplorerRequests?.value ?? 0 });
    return 'posted';
  } catch (error) {
    // nothing reached the channel, or not all of it: let the next delivery try again
    await context.state.release(claim.key);
    throw error;
  }
}
