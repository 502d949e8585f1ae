// One registry for every scheduler: node-cron in the long-lived bot, EventBridge Scheduler on Lambda.
import { dailyScanJob } from './dailyScanJob.ts';
import type { ScheduledJobName } from './jobNames.ts';
import type { JobOutcome, ScheduledJobContext } from './postOnce.ts';
import { weeklyDigestJob } from './weeklyDigestJob.ts';

export type { ScheduledJobName } from './jobNames.ts';

export const SCHEDULED_JOBS: Record<ScheduledJobName, (context: ScheduledJobContext) => Promise<JobOutcome>> = {
  'weekly-digest': weeklyDigestJob,
  'daily-scan': dailyScanJob,
};
