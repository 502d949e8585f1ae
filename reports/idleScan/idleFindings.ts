// What is idle, on the right signal: an endpoint variant nobody called for the whole window, an
// EC2 GPU machine whose busiest GPU never reached the threshold, a notebook instance in service for
// longer than the notebook threshold since it was last started. Each finding carries its evidence,
// a confidence, its monthly waste at catalog prices, and what stopping it would keep and lose.

import { addDays, localDate } from '../../src/calc/period.ts';
import { HOURS_PER_MONTH } from '../../src/calc/pricing.ts';
import type { InstancePrice } from '../../src/catalogs/hardware.ts';
import { acceleratorSignal } from '../../src/clouds/acceleratorSignals.ts';
import { type FindingKind, type LocalSsdPolicy } from '../../src/clouds/resourceKinds.ts';
import {
  type EndpointUsage,
  type GpuInstanceUsage,
  type NotebookUsage,
  type StudioAppUsage,
  studioAppId,
} from '../../src/clouds/utilization.ts';
import { grouped, utcMinute } from '../../src/present/format.ts';

export interface IdleThresholds {
  /** an EC2 machine is idle while its busiest GPU stays under this, in percent */
  gpuPercent: number;
  /** without GPU metrics: idle while CPU stays under this and the network under networkBytesPerDay */
  cpuPercent: number;
  networkBytesPerDay: number;
  windowDays: number;
  /** a notebook instance in service this long since it was last started or changed */
  notebookHours: number;
  /** a Studio app with no user activity for this long */
  studioHours: number;
}

export const DEFAULT_THRESHOLDS: IdleThresholds = {
  gpuPercent: 5,
  cpuPercent: 10,
  networkBytesPerDay: 5e6,
  windowDays: 7,
  notebookHours: 24,
  studioHours: 8,
};

/** The days the scan and the re-check read: the window's whole UTC days up to today (end exclusive). */
export function scanWindow(now: Date): { start: string; end: string } {
  const end = localDate(now, 'UTC');
  return { start: addDays(end, -DEFAULT_THRESHOLDS.windowDays), end };
}

/** What the scan leaves alone: resources carrying a tag (key=value), and ids or names listed. */
export interface Exclusions {
  keepTag: { key: string; value: string };
  allow: string[];
}

export const DEFAULT_EXCLUSIONS: Exclusions = { keepTag: { key: 'burnrate:keep', value: 'true' }, allow: [] };

export function exclusionsFromSettings(scan: { keep_tag: string; allow: string[] }): Exclusions {
  const [key, value = ''] = scan.keep_tag.split('=');
  return { keepTag: { key: key!, value }, allow: scan.allow };
}

/** A GCP label key may hold only lowercase letters, digits, _ and -: burnrate:keep is labelled burnrate-keep. */
const labelKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9_-]/g, '-');

export function isExcluded(exclusions: Exclusions, ids: string[], tags: Record<string, string> | undefined): boolean {
  const { key, value } = exclusions.keepTag;
  return tags?.[key] === value || tags?.[labelKey(key)] === value || ids.some((id) => exclusions.allow.includes(id));
}

export interface Finding {
  kind: FindingKind;
  id: string;
  name: string;
  /** the account's name from settings, when several accounts are read */
  account?: string;
  region?: string;
  instanceType: string;
  count: number;
  /** on-demand $/h for all its instances; null when the catalog does not list the type */
  hourly: number | null;
  monthlyWaste: number | null;
  evidence: string;
  confidence: 'high' | 'medium' | 'low';
  /** what Stop would do to this resource: what is kept and what is lost */
  stopEffect: string;
  /** a Spot instance: it cannot be stopped, so no Stop is offered */
  spot?: boolean;
  /** one idle variant of an endpoint whose other variants serve: no Stop is offered either */
  partial?: boolean;
  /** burnrate offers no Stop for another reason, which stopEffect gives (a GCE VM's local SSD under approvals.gce_local_ssd: refuse) */
  noStop?: boolean;
  tags?: Record<string, string>;
}

/** Whether burnrate offers Stop for the finding: not for Spot, a partly idle endpoint, or what noStop marks. */
export const offersStop = (f: Pick<Finding, 'spot' | 'partial' | 'noStop'>) => !f.spot && !f.partial && !f.noStop;

export const ENDPOINT_STOP_EFFECT =
  'deletes the endpoint after saving its configuration name, variant weights and counts and its autoscaling; ' +
  'the model and endpoint configuration are kept; the endpoint URL stops answering until it is restored';

const PARTIAL_STOP_EFFECT =
  "nothing: the endpoint's other variants still serve, so burnrate offers no Stop; lower this variant's weight or instance count instead";

const COMPONENTS_STOP_EFFECT =
  'nothing: burnrate does not stop an endpoint that hosts inference components (deleting it takes the components with it); ' +
  'scale its components to zero copies, or delete them, instead';

const SERVERLESS_STOP_EFFECT =
  'nothing: a serverless endpoint has no instances to stop; update it to a configuration without provisioned concurrency ' +
  'to stop paying for the warm capacity (calls then start cold)';

const VERTEX_STOP_EFFECT =
  "undeploys its models after saving each one's model, machine, replica counts and traffic share; the endpoint and its models are kept; " +
  'the endpoint answers no predictions until Restore deploys them again (new deployed model ids)';

const VERTEX_PARTIAL_STOP_EFFECT =
  'nothing: other models on the endpoint still serve, so burnrate offers no Stop; undeploy this one or lower its replicas instead';

const NOTEBOOK_STOP_EFFECT =
  'stops the notebook instance: its ML storage volume (/home/ec2-user/SageMaker) is kept; running kernels, ' +
  'anything outside that volume and its public URL session are lost until it is started again';

const STUDIO_STOP_EFFECT =
  "deletes the Studio app: the space's storage (its home directory) is kept; running kernels and unsaved work in open " +
  'notebooks are lost; Restore creates the app again on the same instance type';

/** What the evidence says of a variant without instances of its own: serverless, or hosting inference components. */
function variantNote(v: EndpointUsage): string {
  if (v.serverless)
    return `; serverless, ${v.serverless.provisionedConcurrency} provisioned concurrency at ${grouped(v.serverless.memoryMb)} MB, priced outside the catalog`;
  if (v.inferenceComponents === undefined) return '';
  return v.inferenceComponents
    ? `, across its ${v.inferenceComponents} inference component${v.inferenceComponents > 1 ? 's' : ''}`
    : ', which hosts no inference component';
}

const hoursAgo = (now: Date, iso: string) => (now.getTime() - Date.parse(iso)) / 3_600_000;
const duration = (hours: number) => `${Math.floor(hours / 24)} days ${Math.floor(hours % 24)} h`;

const LOCAL_SSD: Record<LocalSsdPolicy, (gb: string) => string> = {
  refuse: (gb) =>
    `nothing: its ${gb} GB of local SSD would be lost or kept at a charge, and approvals.gce_local_ssd is refuse; set it to discard or preserve to offer Stop`,
  discard: (gb) => `its ${gb} GB of local SSD is wiped (approvals.gce_local_ssd: discard)`,
  preserve: (gb) => `its ${gb} GB of local SSD is kept and still billed while stopped (approvals.gce_local_ssd: preserve)`,
};

type StopOffer = Pick<Finding, 'stopEffect' | 'spot' | 'partial' | 'noStop'>;

function instanceStop(u: GpuInstanceUsage, localSsd: LocalSsdPolicy): StopOffer {
  if (u.cloud === 'gcp') {
    const gb = grouped(u.instanceStoreGb ?? 0);
    if (u.instanceStoreGb && localSsd === 'refuse') return { stopEffect: LOCAL_SSD.refuse(gb), noStop: true };
    const ssd = u.instanceStoreGb ? LOCAL_SSD[localSsd](gb) : 'it has no local SSD, so no local data is lost';
    return {
      stopEffect: `stops the VM: its boot and persistent disks, name and internal IP are kept; ${ssd}; a GPU type may lack capacity in the zone when it is started again`,
    };
  }
  if (u.spot)
    return { stopEffect: 'nothing: a Spot instance cannot be stopped, only terminated, so burnrate offers no Stop for it', spot: true };
  const store = u.instanceStoreGb
    ? `its ${grouped(u.instanceStoreGb)} GB of instance-store NVMe is wiped`
    : 'it has no instance store, so no local data is lost';
  return {
    stopEffect: `stops the instance: EBS volumes, its ID and private IP are kept; ${store}; a GPU type may lack capacity when it is started again`,
  };
}

/** What Stop would do to an idle variant's endpoint: nothing where other variants serve, or where it has no instances of its own. */
function endpointStop(v: EndpointUsage, whole: boolean): StopOffer {
  const vertex = v.cloud === 'gcp';
  if (!whole) return { stopEffect: vertex ? VERTEX_PARTIAL_STOP_EFFECT : PARTIAL_STOP_EFFECT, partial: true };
  if (v.inferenceComponents !== undefined) return { stopEffect: COMPONENTS_STOP_EFFECT, noStop: true };
  if (v.serverless) return { stopEffect: SERVERLESS_STOP_EFFECT, noStop: true };
  return { stopEffect: vertex ? VERTEX_STOP_EFFECT : ENDPOINT_STOP_EFFECT };
}

/** The on-demand $/h of `count` instances from the catalog, and what it wastes in a month. */
function priced(
  prices: InstancePrice[],
  instanceType: string,
  count: number,
  cloud: 'aws' | 'gcp' = 'aws',
): Pick<Finding, 'hourly' | 'monthlyWaste'> {
  const price = prices.find((p) => p.cloud === cloud && p.instance === instanceType)?.onDemandPerHour;
  const hourly = price === undefined ? null : price * count;
  return { hourly, monthlyWaste: hourly === null ? null : hourly * HOURS_PER_MONTH };
}

export interface ScanResult {
  findings: Finding[];
  /** idle resources left out by a keep tag or the allowlist: counted, never silently dropped */
  excluded: string[];
}

export function idleFindings(
  usage: { instances: GpuInstanceUsage[]; endpoints: EndpointUsage[]; notebooks?: NotebookUsage[]; studioApps?: StudioAppUsage[] },
  prices: InstancePrice[],
  thresholds: IdleThresholds = DEFAULT_THRESHOLDS,
  exclusions: Exclusions = DEFAULT_EXCLUSIONS,
  now: Date = new Date(),
  localSsd: LocalSsdPolicy = 'refuse',
): ScanResult {
  const findings: Finding[] = [];
  const excluded: string[] = [];
  const window = `${thresholds.windowDays} days`;
  // an endpoint is idle when every variant had no calls; one idle variant beside busy ones is partly idle
  const byEndpoint = new Map<string, EndpointUsage[]>();
  for (const e of usage.endpoints) {
    const key = `${e.account ?? ''}/${e.region ?? ''}/${e.endpointName}`;
    byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), e]);
  }
  for (const variants of byEndpoint.values()) {
    const idle = variants.filter((v) => v.invocations === 0);
    if (!idle.length) continue;
    const whole = idle.length === variants.length;
    for (const v of idle) {
      const name = v.displayName ?? v.endpointName;
      if (isExcluded(exclusions, [v.endpointName, name, `${v.endpointName}/${v.variantName}`], v.tags)) {
        excluded.push(name);
        continue;
      }
      const vertex = v.cloud === 'gcp';
      const others = grouped(variants.filter((x) => x.invocations > 0).reduce((s, x) => s + x.invocations, 0));
      findings.push({
        kind: vertex ? 'vertex-endpoint' : 'sagemaker-endpoint',
        id: `${v.endpointName}/${v.variantName}`,
        name,
        ...(v.account ? { account: v.account } : {}),
        ...(v.region ? { region: v.region } : {}),
        instanceType: v.instanceType,
        count: v.instanceCount,
        ...priced(prices, v.instanceType, v.instanceCount, vertex ? 'gcp' : 'aws'),
        evidence: vertex
          ? // the catalog holds Compute Engine prices; Vertex AI charges more for the same machine
            `Predictions summed over ${window}: 0 (deployed model ${v.variantName}${whole ? '' : `; other models served ${others}`}); priced at the Compute Engine rate of its machine, so the waste is at least this`
          : `Invocations summed over ${window}: 0 (variant ${v.variantName}${variantNote(v)}${whole ? '' : `; other variants served ${others} calls`})`,
        confidence: whole ? 'high' : 'medium',
        ...(v.tags ? { tags: v.tags } : {}),
        ...endpointStop(v, whole),
      });
    }
  }
  for (const u of usage.instances) {
    const byGpu = u.maximumPercent !== null && u.hours > 0 && u.maximumPercent < thresholds.gpuPercent;
    const byCpu =
      u.maximumPercent === null &&
      u.cpuMaximumPercent !== undefined &&
      u.hours > 0 &&
      u.cpuMaximumPercent < thresholds.cpuPercent &&
      (u.networkBytesPerDay ?? Infinity) < thresholds.networkBytesPerDay;
    if (!byGpu && !byCpu) continue;
    if (isExcluded(exclusions, [u.instanceId, ...(u.name ? [u.name] : [])], u.tags)) {
      excluded.push(u.name ?? u.instanceId);
      continue;
    }
    const gcp = u.cloud === 'gcp';
    const { accelerator, metric } = acceleratorSignal(u);
    findings.push({
      kind: gcp ? 'gce-gpu-instance' : 'ec2-gpu-instance',
      id: u.instanceId,
      name: u.name ?? u.instanceId,
      ...(u.account ? { account: u.account } : {}),
      ...(u.region ? { region: u.region } : {}),
      instanceType: u.instanceType,
      count: 1,
      ...priced(prices, u.instanceType, 1, gcp ? 'gcp' : 'aws'),
      evidence: byGpu
        ? `busiest ${accelerator} (${metric}) over ${window}: peak ${u.maximumPercent!.toFixed(1)}%, average ${u.averagePercent!.toFixed(1)}% across ${u.hours} hourly datapoints`
        : `no ${accelerator} metrics, so judged on CPU and network over ${window}: CPU peak ${u.cpuMaximumPercent!.toFixed(1)}%, network ${(u.networkBytesPerDay! / 1e6).toFixed(2)} MB a day`,
      // CPU and network say less about a GPU than the GPU does: such a finding is never more than low
      confidence: byCpu ? 'low' : u.hours >= thresholds.windowDays * 24 * 0.9 ? 'high' : 'medium',
      ...instanceStop(u, localSsd),
      ...(u.tags ? { tags: u.tags } : {}),
    });
  }
  for (const n of usage.notebooks ?? []) {
    const hours = hoursAgo(now, n.lastModified);
    if (hours < thresholds.notebookHours) continue;
    if (isExcluded(exclusions, [n.notebookName], n.tags)) {
      excluded.push(n.notebookName);
      continue;
    }
    findings.push({
      kind: 'sagemaker-notebook',
      id: n.notebookName,
      name: n.notebookName,
      ...(n.account ? { account: n.account } : {}),
      ...(n.region ? { region: n.region } : {}),
      instanceType: n.instanceType,
      count: 1,
      ...priced(prices, n.instanceType, 1),
      evidence:
        `in service for ${duration(hours)} since it was last started or changed (${utcMinute(n.lastModified)}); ` +
        'SageMaker records no user activity for notebook instances, so this is the best signal there is',
      // time in service says nothing of whether someone works in it: never more than low
      confidence: 'low',
      stopEffect: NOTEBOOK_STOP_EFFECT,
      ...(n.tags ? { tags: n.tags } : {}),
    });
  }
  for (const a of usage.studioApps ?? []) {
    // without a user activity of its own, the time since it was created is all there is
    const hours = hoursAgo(now, a.lastUserActivity ?? a.createdAt);
    if (hours < thresholds.studioHours) continue;
    const id = studioAppId(a);
    const owner = 'space' in a.owner ? `space ${a.owner.space}` : `user ${a.owner.userProfile}`;
    if (isExcluded(exclusions, [id, a.appName], a.tags)) {
      excluded.push(`${a.appName} (${owner})`);
      continue;
    }
    findings.push({
      kind: 'sagemaker-studio-app',
      id,
      name: `${a.appType} ${a.appName} (${owner})`,
      ...(a.account ? { account: a.account } : {}),
      ...(a.region ? { region: a.region } : {}),
      instanceType: a.instanceType,
      count: 1,
      ...priced(prices, a.instanceType, 1),
      evidence: a.lastUserActivity
        ? `no user activity for ${duration(hours)} (last at ${utcMinute(a.lastUserActivity)}, DescribeApp LastUserActivityTimestamp)`
        : `in service for ${duration(hours)} since ${utcMinute(a.createdAt)}; SageMaker recorded no user activity apart from its health checks`,
      confidence: a.lastUserActivity ? 'high' : 'low',
      stopEffect: STUDIO_STOP_EFFECT,
      ...(a.tags ? { tags: a.tags } : {}),
    });
  }
  return { findings: findings.sort((a, b) => (b.monthlyWaste ?? 0) - (a.monthlyWaste ?? 0)), excluded };
}
