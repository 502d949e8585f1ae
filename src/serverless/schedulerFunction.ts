// The `scheduler` Lambda function: EventBridge Scheduler invokes it with the schedule's input,
// {"job": "weekly-digest"} or {"job": "daily-scan"}, and it queues that job for the worker, which
// runs it from the same registry node-cron uses. The job claims its period and channel before it
// posts, so a duplicate delivery posts nothing. This function reads no cloud and posts nothing:
// its only permission is to send to the queue.
import { SQSClient } from '@aws-sdk/client-sqs';
import { SCHEDULED_JOB_NAMES, type ScheduledJobName } from '../schedule/jobNames.ts';
import { sqsLongWork } from './sqsLongWork.ts';

export async function handler(event: { job?: string }): Promise<{ queued: ScheduledJobName }> {
  const job = SCHEDULED_JOB_NAMES.find((name) => name === event.job);
  if (!job)
    throw new Error(`unknown job "${String(event.job)}" in the schedule's input; expected one of ${SCHEDULED_JOB_NAMES.join(', ')}`);
  const queueUrl = process.env.BURNRATE_QUEUE_URL;
  if (!queueUrl) throw new Error('the scheduler function queues its job for the worker: set BURNRATE_QUEUE_URL');
  await sqsLongWork(new SQSClient({}), queueUrl).start({ type: 'scheduled', job });
  return { queued: job };
}
