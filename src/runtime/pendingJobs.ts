// /finops digest and /finops scan before the digest and idle-scan features exist: the path from
// the command through the hand-off to the follow-up message is real; the content says plainly
// that the feature is not in this version.
import type { SlackMessage } from '../slack/blockLimits.ts';
import type { FinopsJobs } from '../slack/app.ts';

function notYet(feature: string): SlackMessage {
  const text = `The ${feature} is not available in this version of burnrate yet.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export const pendingJobs: FinopsJobs = {
  digest: async () => notYet('weekly cost digest'),
  scan: async () => notYet('idle-resource scan'),
};
