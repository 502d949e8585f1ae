// The scheduled weekly digest: exactly one per ISO week per channel, however many times a
// scheduler fires it and however many runtimes run it. The week comes from the clock at run time.
import { type DigestSettings, runDigest } from '../digest/digestJob.ts';
import { lastFullWeek } from '../digest/period.ts';
import { type SlackMessage, splitMessage } from '../slack/blockLimits.ts';
import { planBlocks } from '../slack/planBlocks.ts';
import type { StateStore } from '../state/stateStore.ts';

/** A week's claim outlives any retry or late scheduler delivery of that week. */
export const DIGEST_CLAIM_SECONDS = 35 * 24 * 60 * 60;

export interface ScheduledJobContext {
  state: StateStore;
  post(channel: string, message: SlackMessage): Promise<void>;
  digest: DigestSettings & { channel?: string };
  env: NodeJS.ProcessEnv;
  now(): Date;
  log(fields: Record<string, unknown>): void;
}

export type JobOutcome = 'posted' | 'already-posted' | 'no-channel';

export async function weeklyDigestJob(context: ScheduledJobContext): Promise<JobOutcome> {
  const { channel } = context.digest;
  if (!channel) {
    context.log({ job: 'weekly-digest', skipped: 'digest.channel is not set' });
    return 'no-channel';
  }
  const now = context.now();
  const { week } = lastFullWeek(now, context.digest.timezone);
  const key = `digest#${week.isoWeek}#${channel}`;
  if (!(await context.state.claim(key, DIGEST_CLAIM_SECONDS, now.getTime()))) {
    context.log({ job: 'weekly-digest', week: week.isoWeek, channel, skipped: 'already posted' });
    return 'already-posted';
  }
  try {
    const plan = await runDigest(context.digest, now, context.env);
    for (const part of splitMessage(planBlocks(plan))) await context.post(channel, part);
    context.log({ job: 'weekly-digest', week: week.isoWeek, channel, posted: true, costExplorerRequests: plan.figures.costExplorerRequests?.value ?? 0 });
    return 'posted';
  } catch (error) {
    // nothing reached the channel, or not all of it: let the next delivery try again
    await context.state.release(key);
    throw error;
  }
}

/** One registry for every scheduler: node-cron in the long-lived bot, EventBridge Scheduler on Lambda. */
export const SCHEDULED_JOBS = { 'weekly-digest': weeklyDigestJob } as const;
export type ScheduledJobName = keyof typeof SCHEDULED_JOBS;
