// The weekly digest as a job: pick the weeks from the clock at run time, fetch, build, present.
// Used by /finops digest, the CLI and (later) the schedule.
import type { PlanResult } from '../../commands/planResult.ts';
import type { CostSource } from './costData.ts';
import { demoAccount } from './demoAccount.ts';
import { digestAsPlan } from './digestPresentation.ts';
import { type DigestPeriod, lastFullWeek } from './period.ts';
import { weeklyDigest } from './weeklyDigest.ts';

export interface DigestSettings {
  timezone: string;
  group_by: string;
}

/**
 * Where the digest's costs come from. This version reads no cloud billing API yet, so every digest
 * is the bundled demo account's, and says so in its header.
 */
export function digestCostSource(): CostSource {
  return demoAccount;
}

export async function runDigest(settings: DigestSettings, now: Date, period: DigestPeriod = lastFullWeek(now, settings.timezone)): Promise<PlanResult> {
  return digestAsPlan(await weeklyDigest(digestCostSource(), period, settings.group_by, now));
}
