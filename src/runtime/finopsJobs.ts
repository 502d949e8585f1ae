// The jobs behind /finops digest and /finops scan, on the configured clouds or the demo account.
import { type DigestSettings, runDigest } from '../digest/digestJob.ts';
import type { FinopsJobs } from '../slack/app.ts';
import { DEFAULT_EXCLUSIONS, type Exclusions } from '../scan/idleFindings.ts';
import { runScan } from '../scan/scanJob.ts';
import { planBlocks } from '../slack/planBlocks.ts';

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = { timezone: 'UTC', group_by: 'team', metric: 'UnblendedCost' };

/** `now` is read when a job runs, never when the jobs are made: a long-lived bot reports the right week. */
export function finopsJobs(digest: DigestSettings, env: NodeJS.ProcessEnv, now: () => Date = () => new Date(), exclusions: Exclusions = DEFAULT_EXCLUSIONS): FinopsJobs {
  return {
    digest: async () => planBlocks(await runDigest(digest, now(), env)),
    scan: async () => planBlocks(await runScan(digest, now(), env, exclusions)),
  };
}
