// The scheduled weekly digest: exactly one per ISO week per channel. The week comes from the clock
// at run time.
import { runDigest } from '../../reports/weeklyDigest/digestJob.ts';
import { lastFullWeek } from '../calc/period.ts';
import { planBlocks } from '../slack/planBlocks.ts';
import { type JobOutcome, postOnce, type ScheduledJobContext } from './postOnce.ts';

/** A week's claim outlives any retry or late scheduler delivery of that week. */
export const DIGEST_CLAIM_SECONDS = 35 * 24 * 60 * 60;

export function weeklyDigestJob(context: ScheduledJobContext): Promise<JobOutcome> {
  const now = context.now();
  const { week } = lastFullWeek(now, context.digest.timezone);
  const { channel } = context.digest;
  return postOnce(
    context,
    'weekly-digest',
    channel,
    { key: `digest#${week.isoWeek}#${channel}`, ttlSeconds: DIGEST_CLAIM_SECONDS, period: week.isoWeek },
    async () => {
      // the scan's options carry the settings file's rightsizing, which the digest's savings line uses too
      const plan = await runDigest(context.digest, now, context.env, undefined, context.scan?.rightsizing);
      return { plan, message: planBlocks(plan) };
    },
  );
}
