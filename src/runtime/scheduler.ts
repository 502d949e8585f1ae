// Long-lived mode's schedules: node-cron fires each job of the registry at its time in the team's
// zone. The job itself reads the clock when it runs.
import cron from 'node-cron';
import { SCHEDULED_JOBS, type ScheduledJobContext } from '../schedule/weeklyDigestJob.ts';

export interface Schedule { expression: string; timezone: string }

export function startSchedules(digest: Schedule, context: ScheduledJobContext): () => Promise<void> {
  const task = cron.schedule(digest.expression, async () => {
    try {
      await SCHEDULED_JOBS['weekly-digest'](context);
    } catch (error) {
      context.log({ job: 'weekly-digest', error: (error as Error).message });
    }
  }, { timezone: digest.timezone, name: 'weekly-digest', noOverlap: true });
  return async () => {
    await task.destroy();
  };
}

export const isValidCronExpression = (expression: string): boolean => cron.validate(expression);
