// Events as AWS delivers them to a Lambda function.
import type { SQSEvent } from 'aws-lambda';
import type { AwsEvent } from '../../src/runtime/lambda.ts';

/** An API Gateway HTTP API (payload 2.0) request to POST /slack/events. */
export function httpApiEvent(body: string, headers: Record<string, string>, base64 = false): AwsEvent {
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: { host: 'abc.execute-api.us-east-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method: 'POST', path: '/slack/events', protocol: 'HTTP/1.1', sourceIp: '3.3.3.3', userAgent: 'Slackbot 1.0' },
      requestId: 'r1',
      routeKey: 'POST /slack/events',
      stage: '$default',
      time: '22/Nov/2026:12:00:00 +0000',
      timeEpoch: Date.now(),
    },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  } as unknown as AwsEvent;
}

/** An SQS batch as the event source mapping delivers it. */
export function sqsEvent(messages: { messageId: string; body: string }[]): SQSEvent {
  return {
    Records: messages.map(({ messageId, body }) => ({
      messageId,
      receiptHandle: `handle-${messageId}`,
      body,
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:burnrate-work',
      awsRegion: 'us-east-1',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AROA',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
    })),
  };
}
