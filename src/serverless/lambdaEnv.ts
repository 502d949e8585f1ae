// The environment a Lambda function runs with: the deployment's variables plus Slack's secrets,
// read from SSM SecureString parameters under BURNRATE_SSM_PREFIX once per container (never per
// request). A failed read is not cached, so the next invocation tries again.
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';

const SECRETS = { SLACK_BOT_TOKEN: 'slack-bot-token', SLACK_SIGNING_SECRET: 'slack-signing-secret' } as const;

let cached: Promise<NodeJS.ProcessEnv> | undefined;

export function lambdaEnv(env: NodeJS.ProcessEnv = process.env): Promise<NodeJS.ProcessEnv> {
  cached ??= withSecrets(env).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function withSecrets(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const prefix = env.BURNRATE_SSM_PREFIX;
  if (!prefix) return env;
  const names = Object.fromEntries(Object.entries(SECRETS).map(([variable, leaf]) => [variable, `${prefix.replace(/\/$/, '')}/${leaf}`]));
  // AWS_ENDPOINT_URL_SSM points the client elsewhere
  const answer = await new SSMClient({}).send(new GetParametersCommand({ Names: Object.values(names), WithDecryption: true }));
  if (answer.InvalidParameters?.length) {
    throw new Error(
      `SSM parameters not found: ${answer.InvalidParameters.join(', ')}; create them with aws ssm put-parameter --type SecureString --name <name> --value <secret>`,
    );
  }
  const value = (name: string) => answer.Parameters?.find((p) => p.Name === name)?.Value;
  return { ...env, ...Object.fromEntries(Object.entries(names).map(([variable, name]) => [variable, value(name)])) };
}

/** For tests: forget the cached environment. */
export function forgetLambdaEnv(): void {
  cached = undefined;
}
