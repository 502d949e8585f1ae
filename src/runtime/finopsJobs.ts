// The jobs behind /finops digest and /finops scan. The digest runs for real (on the demo account
// until a billing source is configured); the idle scan is not in this version yet and says so.
import { type DigestSettings, runDigest } from '../digest/digestJob.ts';
import type { FinopsJobs } from '../slack/app.ts';
import type { SlackMessage } from '../slack/blockLimits.ts';
import { planBlocks } from '../slack/planBlocks.ts';

function notYet(feature: string): SlackMessage {
  const text = `The ${feature} is not available in this version of burnrate yet.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = { timezone: 'UTC', group_by: 'team', metric: 'UnblendedCost' };

/** `now` is read when a job runs, never when the jobs are made: a long-lived bot reports the right week. */
export function finopsJobs(digest: DigestSettings, env: NodeJS.ProcessEnv, now: () => Date = () => new Date()): FinopsJobs {
  return {
    digest: async () => planBlocks(await runDigest(digest, now(), env)),
    scan: async () => notYet('idle-resource scan'),
  };
}
