// The idle-resource scan as a job: read the last window's utilization, find what is idle, leave
// out what was snoozed or kept in Slack, and present it with the total monthly waste first. Used
// by /finops scan, the daily schedule and `burnrate scan --dry-run`.
import type { CommandContext } from '../../commands/command.ts';
import type { PlanResult, PlanTable } from '../../commands/planResult.ts';
import { type Decision, decisionsByResource, reconcileStopped } from '../../src/actions/actionState.ts';
import { resourceKey } from '../../src/actions/findingRef.ts';
import { addDays } from '../../src/calc/period.ts';
import { bundledCatalogs } from '../../src/catalogs/catalogs.ts';
import { type SourceSettings, utilizationSource } from '../../src/clouds/registry.ts';
import { type FindingKind } from '../../src/clouds/resourceKinds.ts';
import { IDLE_PARTS, readUtilization, type UtilizationSource } from '../../src/clouds/utilization.ts';
import { money, placeOf, utcDay } from '../../src/present/format.ts';
import type { AccountSettings, ApprovalSettings } from '../../src/settings/fileSettings.ts';
import type { StateStore } from '../../src/state/stateStore.ts';
import {
  DEFAULT_RIGHTSIZING,
  modelContext,
  type Recommendation,
  type RightsizingSettings,
  rightsizeLoads,
} from '../rightsizing/recommend.ts';
import { rightsizingTable } from '../rightsizing/rightsizeJob.ts';
import {
  DEFAULT_EXCLUSIONS,
  DEFAULT_THRESHOLDS,
  type Exclusions,
  type Finding,
  idleFindings,
  type ScanResult,
  scanWindow,
} from './idleFindings.ts';

export const KIND_TITLES: Record<FindingKind, string> = {
  'sagemaker-endpoint': 'SageMaker endpoints',
  'ec2-gpu-instance': 'EC2 GPU instances',
  'gce-gpu-instance': 'GCE GPU VMs',
  'vertex-endpoint': 'Vertex AI endpoints',
  'sagemaker-notebook': 'SageMaker notebook instances',
  'sagemaker-studio-app': 'SageMaker Studio apps',
};

/** The scan's findings (sorted by waste), its rightsizing recommendations, and the plan that presents them. */
export interface ScanReport {
  plan: PlanResult;
  findings: Finding[];
  rightsizing: Recommendation[];
}

/** A finding left out because someone snoozed or kept it in Slack. */
export interface DecidedFinding {
  finding: Finding;
  decision: Decision;
}

function describeDecision({ finding, decision }: DecidedFinding): string {
  return decision.type === 'snooze'
    ? `${finding.name} (snoozed until ${utcDay(decision.until)} by ${decision.by})`
    : `${finding.name} (kept by ${decision.by}: ${decision.reason})`;
}

export function scanAsPlan(
  { findings, excluded }: ScanResult,
  notes: string[],
  window: { start: string; end: string },
  demo: boolean,
  decided: DecidedFinding[] = [],
  rightsizing: Recommendation[] = [],
): PlanResult {
  const waste = findings.reduce((sum, f) => sum + (f.monthlyWaste ?? 0), 0);
  const saving = rightsizing.reduce((sum, r) => sum + r.monthlySaving, 0);
  const summary = findings.length
    ? `${demo ? '[demo data] ' : ''}Idle GPUs and endpoints: ${money(waste)} a month across ${findings.length} finding${findings.length > 1 ? 's' : ''}`
    : `${demo ? '[demo data] ' : ''}No idle GPUs or endpoints over ${window.start} – ${addDays(window.end, -1)}`;
  const wasteOf = (kind: FindingKind) => findings.filter((f) => f.kind === kind).reduce((s, f) => s + (f.monthlyWaste ?? 0), 0);
  // the kinds in order of what they waste; within a kind the findings come sorted by waste already
  const kinds = (Object.keys(KIND_TITLES) as FindingKind[]).sort((a, b) => wasteOf(b) - wasteOf(a));
  const tables: PlanTable[] = kinds.flatMap((kind) => {
    const rows = findings.filter((f) => f.kind === kind);
    if (!rows.length) return [];
    return [
      {
        title: `${KIND_TITLES[kind]}: ${money(wasteOf(kind))} a month`,
        header: ['Resource', 'Type', 'Waste a month', 'Confidence', 'Evidence', 'Stop'],
        rows: rows.map((f) => [
          `${f.name}${placeOf(f)}`,
          `${f.count} × ${f.instanceType}`,
          f.monthlyWaste === null ? 'not in the price catalog' : money(f.monthlyWaste),
          f.confidence,
          f.evidence,
          f.stopEffect,
        ]),
      },
    ];
  });
  const dedupe = (names: string[]) => [...new Set(names)];
  return {
    command: 'scan',
    input: `${window.start}..${window.end}`,
    summary,
    figures: {
      monthlyWaste: { value: waste, unit: 'USD' },
      findings: { value: findings.length, unit: 'count' },
      ...(rightsizing.length ? { rightsizingSaving: { value: saving, unit: 'USD' } } : {}),
    },
    rows: [
      ['Window', `${window.start} – ${addDays(window.end, -1)} (${DEFAULT_THRESHOLDS.windowDays} days)`],
      ['Monthly waste', money(waste)],
      ...(rightsizing.length ? [['Rightsizing would save', `${money(saving)} a month`] as [string, string]] : []),
    ],
    tables: [...tables, ...(rightsizing.length ? [rightsizingTable(rightsizing)] : [])],
    notesTitle: 'Notes',
    assumptions: [
      'A GPU machine (EC2 or GCE) is idle while its busiest GPU stays under 5% (CloudWatch agent or Ops Agent metrics); without GPU metrics, while CPU stays under 10% and the network under 5 MB a day (low confidence)',
      `A notebook instance is reported once it has been in service ${DEFAULT_THRESHOLDS.notebookHours} h since it was last started (low confidence: SageMaker records no user activity for it)`,
      `A Studio app on an instance is reported after ${DEFAULT_THRESHOLDS.studioHours} h without user activity (low confidence where SageMaker's only activity is its own health checks)`,
      ...(excluded.length
        ? [
            `${excluded.length} idle resource${excluded.length > 1 ? 's' : ''} excluded by the keep tag or scan.allow: ${excluded.join(', ')}`,
          ]
        : []),
      ...(decided.length
        ? [
            `${decided.length} idle resource${decided.length > 1 ? 's' : ''} snoozed or kept in Slack: ${dedupe(decided.map(describeDecision)).join(', ')}`,
          ]
        : []),
      ...notes,
      ...(demo ? ['Demo data: no AWS credentials are configured, so the scan shows the bundled demo account'] : []),
    ],
    method: ['waste a month = on-demand $/h from config/prices.yaml × instances × 730 h'],
  };
}

/** What the scan leaves out, and (for its buttons) what approvals allow. */
export interface ScanOptions {
  exclusions: Exclusions;
  approvals?: ApprovalSettings;
  /** other AWS accounts to scan through their read roles */
  accounts?: AccountSettings[];
  /** the fleet already read (the fan-out's parts, put together): not read again */
  scanned?: FleetScan;
  /** what rightsizing recommends (rightsizing in the settings file) */
  rightsizing?: RightsizingSettings;
}

/** What the clouds say is idle over the window, before anyone's decisions are applied. */
export interface FleetScan {
  result: ScanResult;
  /** what could not be read, and why */
  notes: string[];
  demo: boolean;
  window: { start: string; end: string };
  /** no place could be read at all */
  unread?: boolean;
  /** endpoints on bigger GPUs than their model and peak need */
  rightsizing: Recommendation[];
}

export type ScanSourceSettings = Pick<SourceSettings, 'regions' | 'gcp_projects' | 'vertex_locations'>;

/**
 * Reads the window's utilization from the source, finds what is idle, and what serving endpoints
 * are on bigger GPUs than their model and peak need (from the same reading; `models` sizes them).
 */
export async function scanFleet(
  source: UtilizationSource | undefined,
  now: Date,
  options: ScanOptions,
  models: CommandContext,
): Promise<FleetScan> {
  const window = scanWindow(now);
  const reading = await readUtilization(source, window.start, window.end, [...IDLE_PARTS, 'servingLoads']);
  const result = idleFindings(
    reading,
    bundledCatalogs().prices,
    DEFAULT_THRESHOLDS,
    options.exclusions,
    now,
    options.approvals?.gce_local_ssd,
  );
  const { recommendations } = await rightsizeLoads(
    reading.servingLoads,
    models,
    options.rightsizing ?? DEFAULT_RIGHTSIZING,
    reading.instances,
  );
  return {
    result,
    notes: reading.notes,
    demo: reading.demo,
    window,
    unread: reading.unread,
    rightsizing: recommendations,
  };
}

/**
 * The scan as a report: the fleet read now (or `options.scanned`), less what was snoozed or kept in
 * Slack, which a state store lists in the notes.
 */
export async function runScan(
  settings: ScanSourceSettings,
  now: Date,
  env: NodeJS.ProcessEnv,
  options: ScanOptions = { exclusions: DEFAULT_EXCLUSIONS },
  state?: StateStore,
): Promise<ScanReport> {
  const { result, notes, demo, window, unread, rightsizing } =
    options.scanned ??
    (await scanFleet(
      await utilizationSource({ ...settings, ...(options.accounts ? { accounts: options.accounts } : {}) }, env),
      now,
      options,
      modelContext(env),
    ));
  const decisions = state ? await decisionsByResource(state, now.getTime()) : new Map<string, Decision>();
  if (state) await reconcileStopped(state, [...new Set(result.findings.map(resourceKey))], now.getTime());
  const decided: DecidedFinding[] = [];
  const findings = result.findings.filter((finding) => {
    const decision = decisions.get(resourceKey(finding));
    if (decision) decided.push({ finding, decision });
    return !decision;
  });
  const plan = scanAsPlan({ ...result, findings }, notes, window, demo, decided, rightsizing);
  return {
    plan: unread ? { ...plan, unavailable: 'nothing could be read: every place failed (the notes say where and why)' } : plan,
    findings,
    rightsizing,
  };
}
