// The weekly digest as a job: pick the weeks from the clock at run time, fetch, build, present.
// Used by /finops digest, the CLI and (later) the schedule.
import type { PlanResult } from '../../commands/planResult.ts';
import { type DigestPeriod, lastFullWeek } from '../../src/calc/period.ts';
import { bundledCatalogs } from '../../src/catalogs/catalogs.ts';
import { type CostMetric, CostSourceError } from '../../src/clouds/costSource.ts';
import { digestCostSource, utilizationSource } from '../../src/clouds/registry.ts';
import type { AccountSettings } from '../../src/settings/fileSettings.ts';
import { DEFAULT_RIGHTSIZING, modelContext, type RightsizingSettings } from '../rightsizing/recommend.ts';
import { digestAsPlan } from './digestPresentation.ts';
import { weeklyDigest } from './weeklyDigest.ts';

export interface DigestSettings {
  timezone: string;
  group_by: string;
  metric: CostMetric;
  /** project.dataset.gcp_billing_export_v1_… : read when GCP credentials are configured */
  gcp_billing_table?: string;
  /** AWS regions whose GPU instances and endpoints are read for utilization */
  regions?: string[];
  /** other AWS accounts whose utilization is read through their roles (the config's `accounts`) */
  accounts?: AccountSettings[];
}

export async function runDigest(
  settings: DigestSettings,
  now: Date,
  env: NodeJS.ProcessEnv,
  period: DigestPeriod = lastFullWeek(now, settings.timezone),
  rightsizing: RightsizingSettings = DEFAULT_RIGHTSIZING,
): Promise<PlanResult> {
  const source = await digestCostSource(settings, env);
  const utilization = await utilizationSource(settings, env);
  try {
    return digestAsPlan(
      await weeklyDigest(source, period, settings.group_by, now, {
        source: utilization,
        prices: bundledCatalogs().prices,
        rightsizing: { models: modelContext(env), settings: rightsizing },
      }),
    );
  } catch (error) {
    if (!(error instanceof CostSourceError)) throw error;
    const summary = `Cloud cost ${period.week.isoWeek}: ${source.name} unavailable (${error.message})`;
    return {
      command: 'digest',
      input: period.week.isoWeek,
      summary,
      figures: {},
      rows: [],
      tables: [],
      assumptions: [],
      method: [],
      unavailable: `${source.name}: ${error.message}`,
    };
  }
}
