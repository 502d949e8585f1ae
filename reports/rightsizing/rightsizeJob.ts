// Rightsizing as a job: read every serving endpoint's model and load, and every GPU machine's
// busiest GPU, over the scan window, and recommend a cheaper size where one holds the model and its
// peak. Used by `burnrate rightsize --dry-run [--json]` and /finops rightsize; the daily scan and the
// weekly digest recommend from their own readings.
import type { PlanResult, PlanTable } from '../../commands/planResult.ts';
import { type SourceSettings, utilizationSource } from '../../src/clouds/registry.ts';
import { readUtilization, type UtilizationSource } from '../../src/clouds/utilization.ts';
import { money } from '../../src/present/format.ts';
import { scanWindow } from '../idleScan/idleFindings.ts';
import {
  DEFAULT_RIGHTSIZING,
  modelContext,
  type NotRecommended,
  type Recommendation,
  type RightsizingSettings,
  rightsizeLoads,
} from './recommend.ts';

/** What `burnrate rightsize --json` prints. */
export interface RightsizingReport {
  recommendations: Recommendation[];
  /** the endpoint variants and machines read that got no recommendation, and why */
  notRecommended: NotRecommended[];
  notes: string[];
  window: { start: string; end: string };
  demo: boolean;
  /** no place could be read (the CLI exits 1 with it) */
  unavailable?: string;
}

export async function runRightsizing(
  settings: Pick<SourceSettings, 'regions' | 'accounts' | 'gcp_projects' | 'vertex_locations'>,
  now: Date,
  env: NodeJS.ProcessEnv,
  rightsizing: RightsizingSettings = DEFAULT_RIGHTSIZING,
  source?: UtilizationSource,
): Promise<RightsizingReport> {
  const window = scanWindow(now);
  const reading = await readUtilization(source ?? (await utilizationSource(settings, env)), window.start, window.end, [
    'servingLoads',
    'gpuInstances',
  ]);
  const { recommendations, notRecommended } = await rightsizeLoads(reading.servingLoads, modelContext(env), rightsizing, reading.instances);
  return {
    recommendations,
    notRecommended,
    notes: reading.notes,
    window,
    demo: reading.demo,
    ...(reading.unread ? { unavailable: 'no endpoint or GPU machine could be read; the notes say why' } : {}),
  };
}

/** Endpoints on bigger GPUs than their model and peak need: the table the scan and /finops rightsize share. */
export function rightsizingTable(recommendations: Recommendation[]): PlanTable {
  const saving = recommendations.reduce((sum, r) => sum + r.monthlySaving, 0);
  return {
    title: `Rightsizing: ${money(saving)} a month to save`,
    header: ['Resource', 'Now', 'Recommended', 'Saving a month', 'Confidence', 'Evidence'],
    rows: recommendations.map((r) => [
      `${r.name}${r.place === 'default region' ? '' : ` (${r.place})`}`,
      `${r.current.count} × ${r.current.instanceType} (${money(r.current.monthlyCost)})`,
      `${r.recommended.count} × ${r.recommended.instanceType} (${money(r.recommended.monthlyCost)})`,
      money(r.monthlySaving),
      r.confidence,
      r.evidence.join('; '),
    ]),
  };
}

/** The report as the terminal and Slack show it. */
export function rightsizingAsPlan(
  report: RightsizingReport,
  settings: RightsizingSettings = DEFAULT_RIGHTSIZING,
  /** Slack lists the recommendations with their buttons instead of the table */
  shown: { recommendationsTable: boolean } = { recommendationsTable: true },
): PlanResult {
  const total = report.recommendations.reduce((sum, r) => sum + r.monthlySaving, 0);
  const demo = report.demo ? '[demo data] ' : '';
  const n = report.recommendations.length;
  // what could not be sized at all is counted, not listed: a fleet has thousands of such
  const sized = report.notRecommended.filter((s) => !s.unsized);
  const unsized = report.notRecommended.length - sized.length;
  return {
    command: 'rightsize',
    input: `${report.window.start}..${report.window.end}`,
    summary: n
      ? `${demo}Rightsizing: ${money(total)} a month to save on ${n} ${n > 1 ? 'resources' : 'resource'}`
      : `${demo}Rightsizing: nothing is worth resizing`,
    figures: { monthlySaving: { value: total, unit: 'USD' }, recommendations: { value: n, unit: 'count' } },
    rows: [['Monthly saving', money(total)]],
    tables: [
      ...(n && shown.recommendationsTable ? [rightsizingTable(report.recommendations)] : []),
      ...(sized.length ? [{ title: 'Not resized', header: ['Resource', 'Why'], rows: sized.map((s) => [s.id, s.reason]) }] : []),
    ],
    notesTitle: 'Notes',
    assumptions: [
      ...report.recommendations.map((r) => `${r.name}: ${r.changes}${r.commands ? `: ${r.commands.join(' && ')}` : ''}`),
      ...(unsized
        ? [
            `${unsized} endpoint variant${unsized > 1 ? 's' : ''} or machine${unsized > 1 ? 's' : ''} could not be sized (no model named, no GPU metrics, or no price); ` +
              '`--json` says why for each. A tag burnrate:model=<hf id> names an endpoint’s model; the CloudWatch agent gives a machine’s GPU memory',
          ]
        : []),
      ...report.notes,
      ...(report.demo ? ['Demo data: no AWS credentials are configured, so this shows the bundled demo account'] : []),
    ],
    method: [
      'fits: the /gpu-memory estimate at vLLM’s memory share (0.9) holds the weights and the KV cache for the peak requests in flight (busiest hour’s rate × mean ModelLatency) at the configured context',
      `throughput: the recommended GPUs’ memory bandwidth at ${Math.round(settings.targetUtilization * 100)}% covers the busiest hour’s GPU use today (decoding is bandwidth-bound)`,
      `saving a month = on-demand $/h from config/prices.yaml × instances × 730 h, now less recommended; none under ${money(settings.minMonthlySaving)} (rightsizing.min_monthly_saving)`,
    ],
    ...(report.unavailable ? { unavailable: report.unavailable } : {}),
  };
}
