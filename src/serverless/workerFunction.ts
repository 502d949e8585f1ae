// The `worker` Lambda function (SQS): runs the long tasks the slack and scheduler functions queued
// (reports, scheduled reports, actions on idle findings and recommendations) with the same runner as the long-lived bot. A message delivered twice
// is run once (claimed by its message id); a task that fails is reported in batchItemFailures so
// SQS retries only it, and after maxReceiveCount it goes to the dead-letter queue.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { commandContext, scheduledJobContext, slackAppParts, slackClient } from '../runtime/botParts.ts';
import { idleActions, log } from '../slack/app.ts';
import { type LongTask, longTaskRunner } from '../slack/longTasks.ts';
import { functionSettings, once } from './functionSettings.ts';
import { sqsLongWork } from './sqsLongWork.ts';

/** Longer than SQS keeps a message (4 days by default), so a redelivery is always recognized. */
export const MESSAGE_CLAIM_SECONDS = 5 * 24 * 60 * 60;

const worker = once(async () => {
  const { env, settings, token, state } = await functionSettings();
  const client = slackClient(settings, token);
  const parts = slackAppParts(settings, env, state, commandContext(settings, env));
  const { actions, resizes, approvals } = idleActions(parts, client, () => new Date());
  // the daily scan fans out over accounts × regions through the worker's own queue
  const fanOut = env.BURNRATE_QUEUE_URL ? { fanOut: sqsLongWork(new SQSClient({}), env.BURNRATE_QUEUE_URL) } : {};
  return {
    state,
    run: longTaskRunner({
      client,
      jobs: parts.jobs,
      actions,
      resizes,
      approvals,
      scheduled: scheduledJobContext(settings, state, client, env),
      log,
      ...fanOut,
    }),
  };
});

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const { state, run } = await worker();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const claim = `sqs#${record.messageId}`;
    if (!(await state.claim(claim, MESSAGE_CLAIM_SECONDS))) {
      log('info', { worker: 'duplicate', messageId: record.messageId });
      continue;
    }
    try {
      const task = JSON.parse(record.body) as LongTask;
      await run(task);
      log('info', { worker: 'done', messageId: record.messageId, task: task.type });
    } catch (error) {
      await state.release(claim);
      log('error', { worker: 'failed', messageId: record.messageId, error: (error as Error).message });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
