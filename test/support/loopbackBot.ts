// The long-lived bot's HTTP receiver as the tests start it: on a free loopback port, signed with
// the tests' secret, the calculators offline; the rest (Slack's URL, jobs, state, clouds) from the test.
import { DEFAULT_EXCLUSIONS } from '../../reports/idleScan/idleFindings.ts';
import type { RightsizingSettings } from '../../reports/rightsizing/recommend.ts';
import type { CloudActionSettings } from '../../src/actions/cloudActions.ts';
import { DEFAULT_DIGEST_SETTINGS, finopsJobs } from '../../src/runtime/finopsJobs.ts';
import { type HttpServerOptions, type RunningServer, startHttpServer } from '../../src/runtime/httpServer.ts';
import type { AccountSettings, ApprovalSettings } from '../../src/settings/fileSettings.ts';
import type { FinopsJobs } from '../../src/slack/app.ts';
import type { StateStore } from '../../src/state/stateStore.ts';
import { offlineContext } from './context.ts';
import { SIGNING_SECRET } from './slackRequests.ts';

export function startLoopbackBot(
  options: Omit<HttpServerOptions, 'port' | 'host' | 'signingSecret' | 'token' | 'context'>,
): Promise<RunningServer> {
  return startHttpServer({
    port: 0,
    host: '127.0.0.1',
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-test',
    context: offlineContext(),
    ...options,
  });
}

/**
 * The bot with its approval buttons live: jobs from the test's environment and state, the Stop,
 * Restore and Resize actions against us-east-1 of the loopback clouds, waits cut to milliseconds.
 */
export async function startApprovingBot(options: {
  slackApiUrl: string;
  env: Record<string, string>;
  state: StateStore;
  approvals: ApprovalSettings;
  now: () => Date;
  accounts?: AccountSettings[];
  /** settings of the actions beyond the defaults (rollback alarms) */
  cloud?: Partial<CloudActionSettings>;
  rightsizing?: RightsizingSettings;
}): Promise<{ server: RunningServer; jobs: FinopsJobs }> {
  const { env, state, approvals, now, accounts } = options;
  const jobs = finopsJobs(
    DEFAULT_DIGEST_SETTINGS,
    env,
    now,
    { exclusions: DEFAULT_EXCLUSIONS, approvals, ...(accounts ? { accounts } : {}) },
    state,
  );
  const server = await startLoopbackBot({
    slackApiUrl: options.slackApiUrl,
    jobs,
    state,
    now,
    idle: {
      approvals,
      cloud: {
        env,
        regions: ['us-east-1'],
        exclusions: DEFAULT_EXCLUSIONS,
        wait: { pollMs: 5, timeoutMs: 5000 },
        ...(accounts ? { accounts } : {}),
        ...options.cloud,
      },
      ...(options.rightsizing ? { rightsizing: options.rightsizing } : {}),
    },
  });
  return { server, jobs };
}
