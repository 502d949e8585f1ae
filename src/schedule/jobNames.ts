// The scheduled jobs by name: what a schedule's input may say. jobs.ts maps each to its work.
export const SCHEDULED_JOB_NAMES = ['weekly-digest', 'daily-scan'] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOB_NAMES)[number];
