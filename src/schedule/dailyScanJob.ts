// The scheduled idle scan: exactly one per day (in the team's zone) per channel.
import { localDate } from '../digest/period.ts';
import { runScan } from '../scan/scanJob.ts';
import { type JobOutcome, postOnce, type ScheduledJobContext } from './postOnce.ts';

export const SCAN_CLAIM_SECONDS = 3 * 24 * 60 * 60;

export function dailyScanJob(context: ScheduledJobContext): Promise<JobOutcome> {
  const now = context.now();
  const day = localDate(now, context.digest.timezone);
  const channel = context.scan?.channel;
  return postOnce(context, 'daily-scan', channel, { key: `scan#${day}#${channel}`, ttlSeconds: SCAN_CLAIM_SECONDS, period: day },
    () => runScan(context.digest, now, context.env, context.scan?.exclusions));
}
