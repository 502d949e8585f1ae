import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../src/runtime/settings.ts';
import { DEFAULT_APPROVALS } from '../src/settings/fileSettings.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'a');
const dir = mkdtempSync(join(tmpdir(), 'burnrate-settings-'));
const missingConfig = join(dir, 'absent.yaml');
const file = (text: string) => {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
};

describe('settings', () => {
  it('runs without credentials in the no-Slack mode', () => {
    expect(loadSettings({}).transport).toEqual({ kind: 'local', port: 3000 });
  });

  it('chooses HTTP with a signing secret and Socket Mode with an app token', () => {
    expect(loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, PORT: '8080' }).transport).toEqual({
      kind: 'http',
      port: 8080,
      token: 'xoxb-1',
      signingSecret: SECRET,
    });
    expect(loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).transport).toEqual({
      kind: 'socket',
      token: 'xoxb-1',
      appToken: 'xapp-1',
    });
  });

  it('names the setting and how to set it when one is wrong or missing', () => {
    expect(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxp-1', SLACK_SIGNING_SECRET: SECRET })).toThrow(
      /SLACK_BOT_TOKEN must be a bot token starting with xoxb-/,
    );
    expect(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET is not set.*or set SLACK_APP_TOKEN/);
    expect(() => loadSettings({ SLACK_SIGNING_SECRET: SECRET })).toThrow(/SLACK_BOT_TOKEN is not set/);
    expect(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'abc' })).toThrow(
      /SLACK_APP_TOKEN must be an app-level token starting with xapp-/,
    );
    expect(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'not hex!' })).toThrow(
      /SLACK_SIGNING_SECRET must be the hex Signing Secret/,
    );
    expect(() => loadSettings({ PORT: '70000' })).toThrow(/PORT must be a TCP port between 1 and 65535, got "70000"/);
    expect(() => loadSettings({ SLACK_API_URL: 'slack.com/api' })).toThrow(/SLACK_API_URL must be an http\(s\) URL ending in a slash/);
  });

  it('reads the YAML file named by BURNRATE_CONFIG, refusing unknown keys and bad values', () => {
    expect(loadSettings({ BURNRATE_CONFIG: file('reply_visibility: in_channel\n') }).file.reply_visibility).toBe('in_channel');
    expect(() => loadSettings({ BURNRATE_CONFIG: file('reply_visibilty: in_channel\n') })).toThrow(
      /reply_visibilty[\s\S]*burnrate\.example\.yaml/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('hub_timeout_ms: 50\n') })).toThrow(/hub_timeout_ms/);
    expect(loadSettings({ BURNRATE_CONFIG: file('digest:\n  gcp_projects: [ml-prod-123456]\n') }).file.digest.gcp_projects).toEqual([
      'ml-prod-123456',
    ]);
    expect(() => loadSettings({ BURNRATE_CONFIG: file('digest:\n  gcp_projects: [ML_Prod]\n') })).toThrow(
      /digest\.gcp_projects[\s\S]*a GCP project ID such as ml-prod-123456/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  gce_local_ssd: wipe\n') })).toThrow(
      /approvals\.gce_local_ssd[\s\S]*refuse[\s\S]*discard[\s\S]*preserve/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: missingConfig })).toThrow(/BURNRATE_CONFIG names .*absent\.yaml, which does not exist/);
    expect(loadSettings({ BURNRATE_CONFIG: file('digest:\n  timezone: Pacific/Auckland\n') }).file.digest).toEqual({
      timezone: 'Pacific/Auckland',
      group_by: 'team',
      metric: 'UnblendedCost',
      schedule: '0 9 * * 1',
    });
    expect(() => loadSettings({ BURNRATE_CONFIG: file('digest:\n  schedule: "every monday"\n') })).toThrow(
      /digest\.schedule[\s\S]*cron expression/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('digest:\n  channel: "#ml-costs"\n') })).toThrow(
      /digest\.channel[\s\S]*Slack channel ID/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('digest:\n  regions: [virginia]\n') })).toThrow(
      /digest\.regions\.0[\s\S]*AWS region such as us-east-1/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('scan:\n  keep_tag: keep\n') })).toThrow(/scan\.keep_tag[\s\S]*key=value/);
    expect(() => loadSettings({ BURNRATE_CONFIG: file('digest:\n  timezone: Berlin\n') })).toThrow(/digest\.timezone[\s\S]*IANA time zone/);
    expect(() => loadSettings({ BURNRATE_CONFIG: file('digest:\n  group_by: "team name"\n') })).toThrow(
      /digest\.group_by[\s\S]*cost-allocation tag key/,
    );
  });

  it('reads the price timeout and GCP billing endpoint once at start, naming a bad one', () => {
    expect(() => loadSettings({ BURNRATE_PRICE_TIMEOUT_MS: 'soon' })).toThrow(
      /BURNRATE_PRICE_TIMEOUT_MS must be a whole number of milliseconds/,
    );
  });

  it('accepts the documented example file as it is', () => {
    expect(loadSettings({ BURNRATE_CONFIG: join(__dirname, '..', 'config', 'burnrate.example.yaml') }).file).toEqual({
      reply_visibility: 'ephemeral',
      hub_timeout_ms: 2000,
      digest: { timezone: 'UTC', group_by: 'team', metric: 'UnblendedCost', schedule: '0 9 * * 1' },
      scan: { schedule: '0 8 * * *', keep_tag: 'burnrate:keep=true', allow: [] },
      approvals: DEFAULT_APPROVALS,
      rightsizing: { min_monthly_saving: 100, target_utilization: 0.65, other_vendors: false, rollback_alarms: [] },
      accounts: [],
    });
    expect(DEFAULT_APPROVALS).toEqual({
      approvers: [],
      approver_groups: [],
      snooze_keep: 'anyone',
      dry_run: true,
      max_stops_per_day: 5,
      max_resizes_per_day: 3,
      gce_local_ssd: 'refuse',
      production_tag: 'env=production',
      actions: {},
      group_cache_seconds: 300,
    });
  });

  it('keeps state in the DynamoDB table BURNRATE_STATE_TABLE names, and says what is wrong with it', () => {
    expect(loadSettings({ BURNRATE_STATE_TABLE: 'burnrate-state', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' }).stateTable).toBe(
      'burnrate-state',
    );
    expect(loadSettings({}).stateTable).toBeUndefined();
    expect(() => loadSettings({ BURNRATE_STATE_TABLE: 'my table!', AWS_ACCESS_KEY_ID: 'AKID' })).toThrow(
      'BURNRATE_STATE_TABLE must be a DynamoDB table name: 3 to 255 letters, digits, _ . or -',
    );
    expect(() => loadSettings({ BURNRATE_STATE_TABLE: 'burnrate-state' })).toThrow(
      /^BURNRATE_STATE_TABLE is set but no AWS credentials are/,
    );
  });

  it('reads other accounts with their roles, and names a wrong one', () => {
    expect(
      loadSettings({ BURNRATE_CONFIG: file('accounts:\n  - name: prod\n    role_arn: arn:aws:iam::111111111111:role/burnrate-read\n') })
        .file.accounts,
    ).toEqual([{ name: 'prod', role_arn: 'arn:aws:iam::111111111111:role/burnrate-read' }]);
    expect(() => loadSettings({ BURNRATE_CONFIG: file('accounts:\n  - name: prod\n    role_arn: burnrate-read\n') })).toThrow(
      /accounts\.0\.role_arn[\s\S]*IAM role ARN such as arn:aws:iam::123456789012:role\/burnrate-read/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('accounts:\n  - role_arn: arn:aws:iam::111111111111:role/r\n') })).toThrow(
      /accounts\.0\.name/,
    );
  });

  it('names a wrong rightsizing setting and says what it should be', () => {
    expect(loadSettings({ BURNRATE_CONFIG: file('rightsizing:\n  min_monthly_saving: 250\n') }).file.rightsizing).toEqual({
      min_monthly_saving: 250,
      target_utilization: 0.65,
      other_vendors: false,
      rollback_alarms: [],
    });
    expect(
      loadSettings({ BURNRATE_CONFIG: file('rightsizing:\n  rollback_alarms: [chat-5xx]\n') }).file.rightsizing.rollback_alarms,
    ).toEqual(['chat-5xx']);
    expect(() => loadSettings({ BURNRATE_CONFIG: file('rightsizing:\n  rollback_alarms: chat-5xx\n') })).toThrow(
      /rightsizing\.rollback_alarms/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('rightsizing:\n  rollback_alarms: [" spaced"]\n') })).toThrow(
      /rightsizing\.rollback_alarms\.0[\s\S]*CloudWatch alarm name/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('rightsizing:\n  min_monthly_saving: -5\n') })).toThrow(
      /rightsizing\.min_monthly_saving[\s\S]*dollars a month, 0 or more/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('rightsizing:\n  target_utilization: 65\n') })).toThrow(
      /rightsizing\.target_utilization[\s\S]*a share above 0 and at most 1, such as 0\.65/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('rightsizing:\n  other_vendor: true\n') })).toThrow(/rightsizing[\s\S]*other_vendor/);
  });

  it('names a wrong approvals setting and says what it should be', () => {
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  approvers: ["@ada"]\n') })).toThrow(
      /approvals\.approvers\.0[\s\S]*Slack user ID such as U0123ABCDEF/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  approver_groups: [ml-leads]\n') })).toThrow(
      /approvals\.approver_groups\.0[\s\S]*user group ID/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  dry_run: maybe\n') })).toThrow(/approvals\.dry_run/);
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  max_stops_per_day: -1\n') })).toThrow(/approvals\.max_stops_per_day/);
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  max_resizes_per_day: 2.5\n') })).toThrow(
      /approvals\.max_resizes_per_day/,
    );
    expect(
      loadSettings({ BURNRATE_CONFIG: file('approvals:\n  actions:\n    sagemaker-endpoint: [stop, resize]\n') }).file.approvals.actions,
    ).toEqual({
      'sagemaker-endpoint': ['stop', 'resize'],
    });
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  production_tag: production\n') })).toThrow(
      /approvals\.production_tag[\s\S]*key=value/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  actions:\n    ec2-gpu-instance: [terminate]\n') })).toThrow(
      /approvals\.actions\.ec2-gpu-instance\.0/,
    );
    expect(() => loadSettings({ BURNRATE_CONFIG: file('approvals:\n  actions:\n    gce-vm: [stop]\n') })).toThrow(
      /approvals\.actions[\s\S]*gce-vm/,
    );
  });
});
