// One registry for every scheduler: node-cron in the long-lived bot, EventBridge Scheduler on Lambda.
import { dailyScanJob } from './dailyScanJob.ts';
import { weeklyDigestJob } from './weeklyDigestJob.ts';

export const SCHEDULED_JOBS = { 'weekly-digest': weeklyDigestJob, 'daily-scan': dailyScanJob } as const;
export type ScheduledJobName = keyof typeof SCHEDULED_JOBS;
