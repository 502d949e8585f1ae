// The weekly digest as a job: pick the weeks from the clock at run time, fetch, build, present.
// Used by /finops digest, the CLI and (later) the schedule.
import type { PlanResult } from '../../commands/planResult.ts';
import { hasAwsCredentials } from '../cloud/credentials.ts';
import { type CostSource, CostSourceError } from './costData.ts';
import type { CostMetric } from './costExplorerSource.ts';
import { demoAccount } from './demoAccount.ts';
import { digestAsPlan } from './digestPresentation.ts';
import { type DigestPeriod, lastFullWeek } from './period.ts';
import { weeklyDigest } from './weeklyDigest.ts';

export interface DigestSettings {
  timezone: string;
  group_by: string;
  metric: CostMetric;
}

/** AWS Cost Explorer when AWS credentials are configured, else the bundled demo account. */
export async function digestCostSource(settings: DigestSettings, env: NodeJS.ProcessEnv): Promise<CostSource> {
  if (!hasAwsCredentials(env)) return demoAccount;
  const [{ CostExplorerClient }, { CostExplorerSource }] = await Promise.all([import('@aws-sdk/client-cost-explorer'), import('./costExplorerSource.ts')]);
  // Cost Explorer is served from us-east-1; AWS_ENDPOINT_URL_COST_EXPLORER points it elsewhere
  return new CostExplorerSource(new CostExplorerClient({ region: 'us-east-1' }), settings.metric);
}

export async function runDigest(
  settings: DigestSettings, now: Date, env: NodeJS.ProcessEnv, period: DigestPeriod = lastFullWeek(now, settings.timezone),
): Promise<PlanResult> {
  const source = await digestCostSource(settings, env);
  try {
    return digestAsPlan(await weeklyDigest(source, period, settings.group_by, now));
  } catch (error) {
    if (!(error instanceof CostSourceError)) throw error;
    const summary = `Cloud cost ${period.week.isoWeek}: ${source.name} unavailable (${error.message})`;
    return { command: 'digest', input: period.week.isoWeek, summary, figures: {}, rows: [], tables: [], assumptions: [], method: [] };
  }
}
