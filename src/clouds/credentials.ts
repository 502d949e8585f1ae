/** What the AWS SDK's default credential chain looks for in the environment. */
const AWS_CREDENTIAL_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];

/** Whether the AWS SDK's default credential chain has something to find in this environment. */
export function hasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  return AWS_CREDENTIAL_VARS.some((key) => Boolean(env[key]));
}

/** The environment without any cloud's credentials: every cloud part answers from the demo account. */
export function withoutCloudCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = { ...env };
  for (const key of [...AWS_CREDENTIAL_VARS, 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'GOOGLE_APPLICATION_CREDENTIALS'])
    delete kept[key];
  return kept;
}
