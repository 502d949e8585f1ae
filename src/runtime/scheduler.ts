// Long-lived mode's schedules: node-cron fires jobs of the registry at their times in the team's
// zone. Each job reads the clock itself when it runs.
import cron from 'node-cron';
import { SCHEDULED_JOBS, type ScheduledJobName } from '../schedule/jobs.ts';
import type { ScheduledJobContext } from '../schedule/postOnce.ts';

export interface Schedule {
  job: ScheduledJobName;
  expression: string;
  timezone: string;
}

export function startSchedules(schedules: Schedule[], context: ScheduledJobContext): () => Promise<void> {
  const tasks = schedules.map(({ job, expression, timezone }) =>
    cron.schedule(
      expression,
      async () => {
        try {
          await SCHEDULED_JOBS[job](context);
        } catch (error) {
          context.log({ job, error: (error as Error).message });
        }
      },
      { timezone, name: job, noOverlap: true },
    ),
  );
  return async () => {
    for (const task of tasks) await task.destroy();
  };
}
