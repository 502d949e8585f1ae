// The jobs behind /finops digest, /finops scan and /finops rightsize, on the configured clouds or the
// demo account.

import { DEFAULT_EXCLUSIONS, exclusionsFromSettings } from '../../reports/idleScan/idleFindings.ts';
import { runScan, type ScanOptions } from '../../reports/idleScan/scanJob.ts';
import { DEFAULT_RIGHTSIZING, type RightsizingSettings, rightsizingSettings } from '../../reports/rightsizing/recommend.ts';
import { runRightsizing } from '../../reports/rightsizing/rightsizeJob.ts';
import { type DigestSettings, runDigest } from '../../reports/weeklyDigest/digestJob.ts';
import { actionAllowed } from '../actions/approvedChange.ts';
import { DEFAULT_APPROVALS, type FileSettings } from '../settings/fileSettings.ts';
import type { FinopsJobs } from '../slack/app.ts';
import { scanMessage } from '../slack/findingBlocks.ts';
import { planBlocks } from '../slack/planBlocks.ts';
import { rightsizingMessage } from '../slack/rightsizingBlocks.ts';
import type { StateStore } from '../state/stateStore.ts';

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = { timezone: 'UTC', group_by: 'team', metric: 'UnblendedCost' };

export function scanOptions(file: Pick<FileSettings, 'scan' | 'approvals' | 'accounts' | 'rightsizing'>): ScanOptions {
  return {
    exclusions: exclusionsFromSettings(file.scan),
    approvals: file.approvals,
    rightsizing: rightsizingSettings(file.rightsizing),
    ...(file.accounts.length ? { accounts: file.accounts } : {}),
  };
}

/** `now` is read when a job runs, never when the jobs are made: a long-lived bot reports the right week. */
export function finopsJobs(
  digest: DigestSettings,
  env: NodeJS.ProcessEnv,
  now: () => Date = () => new Date(),
  scan: ScanOptions = { exclusions: DEFAULT_EXCLUSIONS },
  state?: StateStore,
  rightsizing: RightsizingSettings = DEFAULT_RIGHTSIZING,
): FinopsJobs {
  return {
    digest: async () => planBlocks(await runDigest(digest, now(), env, undefined, rightsizing)),
    scan: async () => scanMessage(await runScan(digest, now(), env, scan, state), actionAllowed(scan.approvals ?? DEFAULT_APPROVALS)),
    rightsize: async () =>
      rightsizingMessage(
        await runRightsizing({ ...digest, ...(scan.accounts ? { accounts: scan.accounts } : {}) }, now(), env, rightsizing),
        rightsizing,
        (action) => actionAllowed(scan.approvals ?? DEFAULT_APPROVALS)({ kind: 'sagemaker-endpoint' }, action),
      ),
  };
}
