// What every runtime of the bot builds from its settings the same way: the long-lived server,
// the Lambda functions and the CLI. The commands' context, the report jobs, the idle actions'
// settings, and what a scheduled report needs to post.
import { WebClient } from '@slack/web-api';
import type { CommandContext } from '../../commands/command.ts';
import { rightsizingSettings } from '../../reports/rightsizing/recommend.ts';
import { bundledCatalogs } from '../catalogs/catalogs.ts';
import { HuggingFaceHub, hubSettingsFromEnv } from '../hub/huggingFaceHub.ts';
import { LivePrices } from '../pricing/livePrices.ts';
import type { ScheduledJobContext } from '../schedule/postOnce.ts';
import { digestSettings } from '../settings/fileSettings.ts';
import { log, type SlackAppOptions } from '../slack/app.ts';
import { chartsInThread, sendWithChartFallback } from '../slack/chartFallback.ts';
import type { StateStore } from '../state/stateStore.ts';
import { finopsJobs, scanOptions } from './finopsJobs.ts';
import type { Settings } from './settings.ts';

export function commandContext(settings: Settings, env: NodeJS.ProcessEnv): CommandContext & { livePrices: LivePrices } {
  const hub = hubSettingsFromEnv(env);
  return {
    catalogs: bundledCatalogs(),
    hub: new HuggingFaceHub({ ...hub, timeoutMs: Math.min(hub.timeoutMs, settings.file.hub_timeout_ms) }),
    livePrices: new LivePrices(settings.livePrices),
  };
}

/** The Slack app's options that come from settings (all but the receiver and the token's transport). */
export function slackAppParts(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  state: StateStore,
  context: CommandContext,
): Pick<SlackAppOptions, 'state' | 'slackApiUrl' | 'context' | 'jobs' | 'visibility' | 'idle'> {
  const scan = scanOptions(settings.file);
  return {
    state,
    context,
    ...(settings.slackApiUrl ? { slackApiUrl: settings.slackApiUrl } : {}),
    jobs: finopsJobs(digestSettings(settings.file), env, () => new Date(), scan, state, rightsizingSettings(settings.file.rightsizing)),
    visibility: settings.file.reply_visibility,
    idle: {
      approvals: settings.file.approvals,
      cloud: {
        env,
        ...(settings.file.digest.regions ? { regions: settings.file.digest.regions } : {}),
        exclusions: scan.exclusions,
        ...(scan.accounts ? { accounts: scan.accounts } : {}),
        ...(settings.file.digest.gcp_projects ? { gcpProjects: settings.file.digest.gcp_projects } : {}),
        gceLocalSsd: settings.file.approvals.gce_local_ssd,
        rollbackAlarms: settings.file.rightsizing.rollback_alarms,
      },
      rightsizing: rightsizingSettings(settings.file.rightsizing),
    },
  };
}

export function slackClient(settings: Settings, token: string): WebClient {
  return new WebClient(token, settings.slackApiUrl ? { slackApiUrl: settings.slackApiUrl } : {});
}

/** What the scheduled reports need, whichever scheduler fires them (node-cron or EventBridge Scheduler). */
export function scheduledJobContext(settings: Settings, state: StateStore, client: WebClient, env: NodeJS.ProcessEnv): ScheduledJobContext {
  const { scan } = settings.file;
  return {
    state,
    digest: digestSettings(settings.file),
    env,
    now: () => new Date(),
    scan: { ...(scan.channel ? { channel: scan.channel } : {}), ...scanOptions(settings.file) },
    // the WebClient waits out Retry-After on 429 and sends again
    post: async (channel, message) => {
      let ts: string | undefined;
      await sendWithChartFallback(
        async (m) => {
          const posted = await client.chat.postMessage({ channel, ...m });
          ts = posted.ts;
          return posted;
        },
        message,
        chartsInThread(client, channel, (fields) => log('warn', fields)),
      );
      return ts ? { ts } : undefined;
    },
    update: async (channel, ts, message) => {
      await client.chat.update({ channel, ts, ...message });
    },
    log: (fields) => log('info', fields),
  };
}
