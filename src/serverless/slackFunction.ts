// The `slack` Lambda function (HTTP API, POST /slack/events): Bolt behind its Lambda receiver, the
// fast path only. Calculators answer in the acknowledgement; reports and actions on idle findings
// go to the queue for the worker. No auth.test at cold start: the bot's ids come from settings.
import { SQSClient } from '@aws-sdk/client-sqs';
import { commandContext, slackAppParts } from '../runtime/botParts.ts';
import { createLambdaHandler, type SlackLambdaHandler } from '../runtime/lambda.ts';
import { SettingsError } from '../runtime/settings.ts';
import { functionSettings, once } from './functionSettings.ts';
import { sqsLongWork } from './sqsLongWork.ts';

const slackHandler = once(async (): Promise<SlackLambdaHandler> => {
  const { env, settings, token, signingSecret, state } = await functionSettings();
  const queueUrl = env.BURNRATE_QUEUE_URL;
  if (!queueUrl) throw new SettingsError('the slack function hands long work to the worker: set BURNRATE_QUEUE_URL');
  return createLambdaHandler({
    ...slackAppParts(settings, env, state, commandContext(settings, env)),
    token,
    signingSecret,
    longWork: sqsLongWork(new SQSClient({}), queueUrl),
    ...(settings.slackBot ? { bot: settings.slackBot } : {}),
  });
});

export const handler: SlackLambdaHandler = async (event, context) => (await slackHandler())(event, context);
