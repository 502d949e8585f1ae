// The settings file's schema (config/burnrate.yaml, or the file BURNRATE_CONFIG names): every key,
// its default and what a wrong value should look like. The runtime reads the file with it once at
// start (runtime/settings.ts); the reports, actions and schedules only use its types and defaults.
import cron from 'node-cron';
import * as z from 'zod/mini';
import { isValidTimeZone } from '../calc/period.ts';
import { BILLING_TABLE } from '../clouds/gcp/billingTable.ts';
import { FINDING_KINDS, type FindingKind, LOCAL_SSD_POLICIES } from '../clouds/resourceKinds.ts';

const isValidCronExpression = (expression: string): boolean => cron.validate(expression);

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
  gcp_billing_table: z.optional(
    matching(BILLING_TABLE, 'the standard billing export table, project.dataset.gcp_billing_export_v1_XXXXXX_XXXXXX_XXXXXX'),
  ),
  vertex_locations: z.optional(
    z.array(matching(/^[a-z]+-[a-z]+\d+$/, 'a Vertex AI location such as us-central1 or europe-west4')).check(z.minLength(1)),
  ),
  gcp_projects: z.optional(
    z
      .array(
        matching(
          /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
          'a GCP project ID such as ml-prod-123456 (6 to 30 lowercase letters, digits or hyphens)',
        ),
      )
      .check(z.minLength(1)),
  ),
  schedule: z._default(satisfying(isValidCronExpression, 'a cron expression such as "0 9 * * 1" (Monday 09:00)'), '0 9 * * 1'),
});

const scanSchema = z.strictObject({
  channel: z.optional(matching(/^[CG][A-Z0-9]{8,}$/, CHANNEL)),
  schedule: z._default(satisfying(isValidCronExpression, 'a cron expression such as "0 8 * * *" (every day at 08:00)'), '0 8 * * *'),
  keep_tag: z._default(matching(/^[^=\s]+=[^=\s]*$/, 'a tag as key=value, e.g. burnrate:keep=true'), 'burnrate:keep=true'),
  allow: z._default(z.array(z.string().check(z.minLength(1))), []),
});

const ACTIONS = z.enum(['stop', 'snooze', 'keep', 'restore', 'resize']);

const approvalsSchema = z.strictObject({
  approvers: z._default(z.array(matching(/^[UW][A-Z0-9]{8,}$/, 'a Slack user ID such as U0123ABCDEF (profile → ⋮ → Copy member ID)')), []),
  approver_groups: z._default(
    z.array(matching(/^S[A-Z0-9]{8,}$/, "a Slack user group ID such as S0123ABCDEF (the group's page → ⋮ → Copy group ID)")),
    [],
  ),
  snooze_keep: z._default(z.enum(['anyone', 'approvers']), 'anyone'),
  dry_run: z._default(z.boolean(), true),
  max_stops_per_day: z._default(wholeNumber(0, 1000), 5),
  max_resizes_per_day: z._default(wholeNumber(0, 1000), 3),
  gce_local_ssd: z._default(z.enum(LOCAL_SSD_POLICIES), 'refuse'),
  production_tag: z._default(matching(/^[^=\s]+=[^=\s]*$/, 'a tag as key=value, e.g. env=production'), 'env=production'),
  actions: z._default(
    z.partial(
      z.strictObject(
        Object.fromEntries(FINDING_KINDS.map((kind) => [kind, z.array(ACTIONS)])) as Record<FindingKind, z.ZodMiniArray<typeof ACTIONS>>,
      ),
    ),
    {},
  ),
  group_cache_seconds: z._default(wholeNumber(0, 3600), 300),
});

export type ApprovalSettings = z.infer<typeof approvalsSchema>;

const rightsizingSchema = z.strictObject({
  /** no recommendation saves less than this many dollars a month */
  min_monthly_saving: z._default(z.number().check(z.gte(0, 'a number of dollars a month, 0 or more, such as 100')), 100),
  /** the busiest hour may load the recommended GPUs' memory bandwidth up to this share */
  target_utilization: z._default(
    z.number().check(z.gt(0, 'a share above 0 and at most 1, such as 0.65'), z.lte(1, 'a share above 0 and at most 1, such as 0.65')),
    0.65,
  ),
  /** recommend accelerators of another vendor than the current one (AWS Inferentia for an NVIDIA endpoint) */
  other_vendors: z._default(z.boolean(), false),
  /** CloudWatch alarms that roll a Resize's blue/green update back when they fire while it bakes */
  rollback_alarms: z._default(
    z.array(matching(/^[^\s][^\n]{0,254}$/, 'a CloudWatch alarm name such as chat-8b-5xx (255 characters at most)')),
    [],
  ),
});

export type RightsizingFileSettings = z.infer<typeof rightsizingSchema>;
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

export const fileSchema = z.strictObject({
  reply_visibility: z._default(z.enum(['ephemeral', 'in_channel']), 'ephemeral'),
  hub_timeout_ms: z._default(wholeNumber(100, 10_000), 2000),
  digest: z._default(digestSchema, { timezone: 'UTC', group_by: 'team', metric: 'UnblendedCost', schedule: '0 9 * * 1' }),
  scan: z._default(scanSchema, { schedule: '0 8 * * *', keep_tag: 'burnrate:keep=true', allow: [] }),
  approvals: z._default(approvalsSchema, DEFAULT_APPROVALS),
  rightsizing: z._default(rightsizingSchema, rightsizingSchema.parse({})),
  /** other AWS accounts to read (and act in) through sts:AssumeRole; without them, the bot's own account */
  accounts: z._default(z.array(accountSchema), []),
});

export type FileSettings = z.infer<typeof fileSchema>;

/** The digest's settings with the accounts whose utilization it reads. */
export const digestSettings = (file: FileSettings) => ({ ...file.digest, ...(file.accounts.length ? { accounts: file.accounts } : {}) });
