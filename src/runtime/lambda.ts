// AWS Lambda runtime: the same Bolt app behind Bolt's AwsLambdaReceiver, with the same size cap
// and two-sided signature check as the HTTP server. API Gateway HTTP API (v2) and REST (v1) events.
import { AwsLambdaReceiver } from '@slack/bolt';
import { createSlackApp, log, type SlackAppOptions } from '../slack/app.ts';
import { MAX_BODY_BYTES, verifySlackRequest } from '../slack/requestSignature.ts';

export type LambdaOptions = Omit<SlackAppOptions, 'receiver' | 'socketMode'> & {
  signingSecret: string;
};

type AwsHandler = ReturnType<AwsLambdaReceiver['toHandler']>;
export type AwsEvent = Parameters<AwsHandler>[0];
export type SlackLambdaHandler = (event: AwsEvent, context?: unknown) => ReturnType<AwsHandler>;

function headerOf(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key ? headers![key] : undefined;
}

export function createLambdaHandler(options: LambdaOptions): SlackLambdaHandler {
  const receiver = new AwsLambdaReceiver({ signingSecret: options.signingSecret });
  createSlackApp({ ...options, receiver });
  const boltHandler = receiver.toHandler();
  return async (event, context) => {
    const raw = event.body ?? '';
    const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    if (body.length > MAX_BODY_BYTES) {
      log('warn', { lambda: 'rejected', status: 413, bytes: body.length });
      return { statusCode: 413, body: '' };
    }
    const headers = event.headers as Record<string, string | undefined>;
    const check = verifySlackRequest(options.signingSecret, (name) => headerOf(headers, name), body);
    if (!check.ok) {
      log('warn', { lambda: 'rejected', status: 401, reason: check.reason, bytes: body.length });
      return { statusCode: 401, body: '' };
    }
    return boltHandler(event, context);
  };
}
