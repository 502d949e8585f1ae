/** Whether the AWS SDK's default credential chain has something to find in this environment. */
export function hasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  return ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']
    .some((key) => Boolean(env[key]));
}
