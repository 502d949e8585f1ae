// Settings from the environment and the YAML file named by BURNRATE_CONFIG, validated once at
// start. Anything wrong stops the start with the setting's name and how to set it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { CatalogError, CONFIG_DIR, readYamlFile } from '../catalogs/yamlFile.ts';
import { BILLING_TABLE } from '../digest/billingTable.ts';
import { isValidTimeZone } from '../digest/period.ts';
import { hasAwsCredentials } from '../cloud/credentials.ts';
import { FINDING_KINDS, type FindingKind, LOCAL_SSD_POLICIES } from '../scan/idleFindings.ts';
import { isValidCronExpression } from './scheduler.ts';
import { LivePriceError, type LivePriceSettings, livePriceSettingsFromEnv } from '../pricing/livePrices.ts';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** A string that must match `pattern`; `what` says what it should look like. */
const matching = (pattern: RegExp, what: string) => z.string().check(z.regex(pattern, what));
const satisfying = (test: (value: string) => boolean, what: string) => z.string().check(z.refine(test, what));
const wholeNumber = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const CHANNEL = 'a Slack channel ID such as C0123456789 (channel details → About)';

const digestSchema = z.strictObject({
  timezone: z._default(satisfying(isValidTimeZone, 'an IANA time zone such as Europe/Berlin or America/New_York'), 'UTC'),
  group_by: z._default(matching(/^[A-Za-z0-9_.:/=+@-]{1,128}$/, 'a cost-allocation tag key such as team'), 'team'),
  metric: z._default(z.enum(['UnblendedCost', 'AmortizedCost', 'NetAmortizedCost']), 'UnblendedCost'),
  channel: z.optional(matching(/^[CG][A-Z0-9]{8,}$/, CHANNEL)),
  regions: z.optional(z.array(matching(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as us-east-1')).check(z.minLength(1))),
  gcp_billing_table: z.optional(matching(BILLING_TABLE, 'the standard billing export table, project.dataset.gcp_billing_export_v1_XXXXXX_XXXXXX_XXXXXX')),
  vertex_locations: z.optional(z.array(matching(/^[a-z]+-[a-z]+\d+$/, 'a Vertex AI location such as us-central1 or europe-west4')).check(z.minLength(1))),
  gcp_projects: z.optional(z.array(matching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a GCP project ID such as ml-prod-123456 (6 to 30 lowercase letters, digits or hyphens)')).check(z.minLength(1))),
  schedule: z._default(satisfying(isValidCronExpression, 'a cron expression such as "0 9 * * 1" (Monday 09:00)'), '0 9 * * 1'),
});

const scanSchema = z.strictObject({
  channel: z.optional(matching(/^[CG][A-Z0-9]{8,}$/, CHANNEL)),
  schedule: z._default(satisfying(isValidCronExpression, 'a cron expression such as "0 8 * * *" (every day at 08:00)'), '0 8 * * *'),
  keep_tag: z._default(matching(/^[^=\s]+=[^=\s]*$/, 'a tag as key=value, e.g. burnrate:keep=true'), 'burnrate:keep=true'),
  allow: z._default(z.array(z.string().check(z.minLength(1))), []),
});

const ACTIONS = z.enum(['stop', 'snooze', 'keep', 'restore']);

const approvalsSchema = z.strictObject({
  approvers: z._default(z.array(matching(/^[UW][A-Z0-9]{8,}$/, 'a Slack user ID such as U0123ABCDEF (profile → ⋮ → Copy member ID)')), []),
  approver_groups: z._default(z.array(matching(/^S[A-Z0-9]{8,}$/, 'a Slack user group ID such as S0123ABCDEF (the group\'s page → ⋮ → Copy group ID)')), []),
  snooze_keep: z._default(z.enum(['anyone', 'approvers']), 'anyone'),
  dry_run: z._default(z.boolean(), true),
  max_stops_per_day: z._default(wholeNumber(0, 1000), 5),
  gce_local_ssd: z._default(z.enum(LOCAL_SSD_POLICIES), 'refuse'),
  production_tag: z._default(matching(/^[^=\s]+=[^=\s]*$/, 'a tag as key=value, e.g. env=production'), 'env=production'),
  actions: z._default(z.partial(z.strictObject(Object.fromEntries(FINDING_KINDS.map((kind) => [kind, z.array(ACTIONS)])) as Record<FindingKind, z.ZodMiniArray<typeof ACTIONS>>)), {}),
  group_cache_seconds: z._default(wholeNumber(0, 3600), 300),
});

export type ApprovalSettings = z.infer<typeof approvalsSchema>;
export const DEFAULT_APPROVALS: ApprovalSettings = approvalsSchema.parse({});

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const accountSchema = z.strictObject({
  /** how findings and notes name the account */
  name: matching(/^[\w.-]{1,64}$/, 'a short name for the account such as prod or ml-research'),
  /** the read-only role the bot assumes to scan the account */
  role_arn: matching(ROLE_ARN, 'an IAM role ARN such as arn:aws:iam::123456789012:role/burnrate-read'),
  /** the role the bot assumes to stop and restore there (default: role_arn) */
  stop_role_arn: z.optional(matching(ROLE_ARN, 'an IAM role ARN such as arn:aws:iam::123456789012:role/burnrate-stop')),
});

export type AccountSettings = z.infer<typeof accountSchema>;

const fileSchema = z.strictObject({
  reply_visibility: z._default(z.enum(['ephemeral', 'in_channel']), 'ephemeral'),
  hub_timeout_ms: z._default(wholeNumber(100, 10_000), 2000),
  digest: z._default(digestSchema, { timezone: 'UTC', group_by: 'team', metric: 'UnblendedCost', schedule: '0 9 * * 1' }),
  scan: z._default(scanSchema, { schedule: '0 8 * * *', keep_tag: 'burnrate:keep=true', allow: [] }),
  approvals: z._default(approvalsSchema, DEFAULT_APPROVALS),
  /** other AWS accounts to read (and act in) through sts:AssumeRole; without them, the bot's own account */
  accounts: z._default(z.array(accountSchema), []),
});

export type FileSettings = z.infer<typeof fileSchema>;

/** The digest's settings with the accounts whose utilization it reads. */
export const digestSettings = (file: FileSettings) => ({ ...file.digest, ...(file.accounts.length ? { accounts: file.accounts } : {}) });

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
  const token = envCheck(env, 'SLACK_BOT_TOKEN', (v) => v.startsWith('xoxb-'),
    'must be a bot token starting with xoxb- (Slack app settings → OAuth & Permissions → Bot User OAuth Token)');
  const appToken = envCheck(env, 'SLACK_APP_TOKEN', (v) => v.startsWith('xapp-'),
    'must be an app-level token starting with xapp- with the connections:write scope (Slack app settings → Basic Information → App-Level Tokens)');
  const signingSecret = envCheck(env, 'SLACK_SIGNING_SECRET', (v) => /^[0-9a-f]{16,}$/i.test(v),
    'must be the hex Signing Secret from Slack app settings → Basic Information → App Credentials');
  const slackApiUrl = envCheck(env, 'SLACK_API_URL', (v) => /^https?:\/\/[^\s]+\/$/.test(v),
    'must be an http(s) URL ending in a slash, e.g. https://slack.com/api/');
  let livePrices: LivePriceSettings;
  try {
    livePrices = livePriceSettingsFromEnv(env);
  } catch (error) {
    if (error instanceof LivePriceError) throw new SettingsError(error.message);
    throw error;
  }
  for (const name of ['GCP_COMPUTE_ENDPOINT', 'GCP_MONITORING_ENDPOINT', 'GCP_AIPLATFORM_ENDPOINT']) {
    envCheck(env, name, (v) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v), `must be a base URL like https://compute.googleapis.com or http://127.0.0.1:8086; got "${env[name]}"`);
  }
  const stateTable = envCheck(env, 'BURNRATE_STATE_TABLE', (v) => /^[A-Za-z0-9_.-]{3,255}$/.test(v),
    'must be a DynamoDB table name: 3 to 255 letters, digits, _ . or -');
  if (stateTable && !hasAwsCredentials(env)) {
    throw new SettingsError('BURNRATE_STATE_TABLE is set but no AWS credentials are: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or unset BURNRATE_STATE_TABLE to keep state in the local SQLite file');
  }
  const botId = envCheck(env, 'SLACK_BOT_ID', (v) => /^B[A-Z0-9]{6,}$/.test(v), 'must be the bot\'s ID, starting with B (auth.test answers it as bot_id)');
  const botUserId = envCheck(env, 'SLACK_BOT_USER_ID', (v) => /^[UW][A-Z0-9]{6,}$/.test(v), 'must be the bot user\'s ID, starting with U (auth.test answers it as user_id)');
  if (Boolean(botId) !== Boolean(botUserId)) throw new SettingsError('set both SLACK_BOT_ID and SLACK_BOT_USER_ID, or neither (auth.test answers both as bot_id and user_id)');
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new SettingsError(`PORT must be a TCP port between 1 and 65535, got "${portText}"`);

  const explicit = env.BURNRATE_CONFIG;
  const configPath = explicit ?? join(CONFIG_DIR, 'burnrate.yaml');
  let file: FileSettings;
  if (!existsSync(configPath)) {
    if (explicit) throw new SettingsError(`BURNRATE_CONFIG names ${explicit}, which does not exist; copy config/burnrate.example.yaml there or unset BURNRATE_CONFIG`);
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
  else if (!token) throw new SettingsError('SLACK_BOT_TOKEN is not set: the bot needs its xoxb- token to answer (OAuth & Permissions → Bot User OAuth Token)');
  else if (appToken) transport = { kind: 'socket', token, appToken };
  else if (!signingSecret) throw new SettingsError('SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it (Basic Information → App Credentials); or set SLACK_APP_TOKEN for Socket Mode');
  else transport = { kind: 'http', port, token, signingSecret };
  const statePath = env.BURNRATE_STATE_FILE || join(process.cwd(), '.burnrate', 'state.sqlite');
  return { transport, slackApiUrl, configPath: existsSync(configPath) ? configPath : null, file, statePath, ...(stateTable ? { stateTable } : {}),
    ...(botId && botUserId ? { slackBot: { botId, botUserId } } : {}), livePrices };
}
