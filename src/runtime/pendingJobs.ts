// /finops digest and /finops scan before the digest and idle-scan features exist: the path from
// the command through the hand-off to the follow-up message is real; the content says plainly
// that the feature is not in this version.
import type { FinopsJobs } from '../slack/app.ts';

export const pendingJobs: FinopsJobs = {
  digest: async () => 'The weekly cost digest is not available in this version of burnrate yet.',
  scan: async () => 'The idle-resource scan is not available in this version of burnrate yet.',
};
