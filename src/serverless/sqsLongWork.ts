// Long tasks on Lambda: the Slack function puts each on the queue (one SendMessage, well inside
// Slack's three seconds) and the worker function runs it.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LongWork } from '../slack/longTasks.ts';

export function sqsLongWork(client: SQSClient, queueUrl: string): LongWork {
  return {
    async start(task) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(task) }));
    },
  };
}
