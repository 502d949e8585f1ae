// Settings from the environment and the YAML file named by BURNRATE_CONFIG, validated once at
// start. Anything wrong stops the start with the setting's name and how to set it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, CONFIG_DIR, readYamlFile } from '../catalogs/yamlFile.ts';
import { awsTimeoutMs } from '../clouds/aws/awsReadClients.ts';
import { hasAwsCredentials } from '../clouds/credentials.ts';
import { LivePriceError, type LivePriceSettings, livePriceSettingsFromEnv } from '../pricing/livePrices.ts';
import { type FileSettings, fileSchema } from '../settings/fileSettings.ts';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export type Transport =
  /** no Slack credentials: the local playground on PORT */
  | { kind: 'local'; port: number }
  | { kind: 'http'; port: number; token: string; signingSecret: string }
  | { kind: 'socket'; token: string; appToken: string };

export interface Settings {
  transport: Transport;
  slackApiUrl?: string;
  configPath: string | null;
  file: FileSettings;
  /** the embedded SQLite state file (BURNRATE_STATE_FILE) */
  statePath: string;
  /** a DynamoDB table to keep state in instead (BURNRATE_STATE_TABLE), as serverless runs do */
  stateTable?: string;
  /** the bot's own ids (SLACK_BOT_ID, SLACK_BOT_USER_ID): given, Bolt skips auth.test at start */
  slackBot?: { botId: string; botUserId: string };
  /** live price sources and their timeout (BURNRATE_PRICE_TIMEOUT_MS, GCP_CLOUDBILLING_ENDPOINT) */
  livePrices: LivePriceSettings;
}

function envCheck(env: NodeJS.ProcessEnv, name: string, test: (v: string) => boolean, how: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!test(value)) throw new SettingsError(`${name} ${how}`);
  return value;
}

export function loadSettings(env: NodeJS.ProcessEnv): Settings {
  const token = envCheck(
    env,
    'SLACK_BOT_TOKEN',
    (v) => v.startsWith('xoxb-'),
    'must be a bot token starting with xoxb- (Slack app settings → OAuth & Permissions → Bot User OAuth Token)',
  );
  const appToken = envCheck(
    env,
    'SLACK_APP_TOKEN',
    (v) => v.startsWith('xapp-'),
    'must be an app-level token starting with xapp- with the connections:write scope (Slack app settings → Basic Information → App-Level Tokens)',
  );
  const signingSecret = envCheck(
    env,
    'SLACK_SIGNING_SECRET',
    (v) => /^[0-9a-f]{16,}$/i.test(v),
    'must be the hex Signing Secret from Slack app settings → Basic Information → App Credentials',
  );
  const slackApiUrl = envCheck(
    env,
    'SLACK_API_URL',
    (v) => /^https?:\/\/[^\s]+\/$/.test(v),
    'must be an http(s) URL ending in a slash, e.g. https://slack.com/api/',
  );
  let livePrices: LivePriceSettings;
  try {
    livePrices = livePriceSettingsFromEnv(env);
  } catch (error) {
    if (error instanceof LivePriceError) throw new SettingsError(error.message);
    throw error;
  }
  for (const name of ['GCP_COMPUTE_ENDPOINT', 'GCP_MONITORING_ENDPOINT', 'GCP_AIPLATFORM_ENDPOINT']) {
    envCheck(
      env,
      name,
      (v) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v),
      `must be a base URL like https://compute.googleapis.com or http://127.0.0.1:8086; got "${env[name]}"`,
    );
  }
  const awsTimeout = awsTimeoutMs(env);
  if (typeof awsTimeout !== 'number') throw new SettingsError(awsTimeout.error);
  const stateTable = envCheck(
    env,
    'BURNRATE_STATE_TABLE',
    (v) => /^[A-Za-z0-9_.-]{3,255}$/.test(v),
    'must be a DynamoDB table name: 3 to 255 letters, digits, _ . or -',
  );
  if (stateTable && !hasAwsCredentials(env)) {
    throw new SettingsError(
      'BURNRATE_STATE_TABLE is set but no AWS credentials are: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or unset BURNRATE_STATE_TABLE to keep state in the local SQLite file',
    );
  }
  const botId = envCheck(
    env,
    'SLACK_BOT_ID',
    (v) => /^B[A-Z0-9]{6,}$/.test(v),
    "must be the bot's ID, starting with B (auth.test answers it as bot_id)",
  );
  const botUserId = envCheck(
    env,
    'SLACK_BOT_USER_ID',
    (v) => /^[UW][A-Z0-9]{6,}$/.test(v),
    "must be the bot user's ID, starting with U (auth.test answers it as user_id)",
  );
  if (Boolean(botId) !== Boolean(botUserId))
    throw new SettingsError('set both SLACK_BOT_ID and SLACK_BOT_USER_ID, or neither (auth.test answers both as bot_id and user_id)');
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw new SettingsError(`PORT must be a TCP port between 1 and 65535, got "${portText}"`);

  const explicit = env.BURNRATE_CONFIG;
  const configPath = explicit ?? join(CONFIG_DIR, 'burnrate.yaml');
  let file: FileSettings;
  if (!existsSync(configPath)) {
    if (explicit)
      throw new SettingsError(
        `BURNRATE_CONFIG names ${explicit}, which does not exist; copy config/burnrate.example.yaml there or unset BURNRATE_CONFIG`,
      );
    file = fileSchema.parse({});
  } else {
    try {
      file = readYamlFile(configPath, fileSchema);
    } catch (error) {
      if (error instanceof CatalogError) throw new SettingsError(`${error.message}\n  see config/burnrate.example.yaml for every setting`);
      throw error;
    }
  }

  let transport: Transport;
  if (!token && !appToken && !signingSecret) transport = { kind: 'local', port };
  else if (!token)
    throw new SettingsError(
      'SLACK_BOT_TOKEN is not set: the bot needs its xoxb- token to answer (OAuth & Permissions → Bot User OAuth Token)',
    );
  else if (appToken) transport = { kind: 'socket', token, appToken };
  else if (!signingSecret)
    throw new SettingsError(
      'SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it (Basic Information → App Credentials); or set SLACK_APP_TOKEN for Socket Mode',
    );
  else transport = { kind: 'http', port, token, signingSecret };
  const statePath = env.BURNRATE_STATE_FILE || join(process.cwd(), '.burnrate', 'state.sqlite');
  return {
    transport,
    slackApiUrl,
    configPath: existsSync(configPath) ? configPath : null,
    file,
    statePath,
    ...(stateTable ? { stateTable } : {}),
    ...(botId && botUserId ? { slackBot: { botId, botUserId } } : {}),
    livePrices,
  };
}
