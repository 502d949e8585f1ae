// The scheduled idle scan: exactly one per day (in the team's zone) per channel.
import { localDate } from '../digest/period.ts';
import { actionAllowed } from '../actions/idleActions.ts';
import { DEFAULT_APPROVALS } from '../runtime/settings.ts';
import { runScan } from '../scan/scanJob.ts';
import { scanMessage } from '../slack/findingBlocks.ts';
import { type JobOutcome, postOnce, type ScheduledJobContext } from './postOnce.ts';

export const SCAN_CLAIM_SECONDS = 3 * 24 * 60 * 60;

export function dailyScanJob(context: ScheduledJobContext): Promise<JobOutcome> {
  const now = context.now();
  const day = localDate(now, context.digest.timezone);
  const channel = context.scan?.channel;
  return postOnce(context, 'daily-scan', channel, { key: `scan#${day}#${channel}`, ttlSeconds: SCAN_CLAIM_SECONDS, period: day },
    async () => {
      const report = await runScan(context.digest, now, context.env, context.scan, context.state);
      return { plan: report.plan, message: scanMessage(report, actionAllowed(context.scan?.approvals ?? DEFAULT_APPROVALS)) };
    });
}
