// The cloud side of acting on a finding: the re-check just before acting, on the same signal and
// thresholds as the scan, and where its Stopper acts (clouds/controls.ts picks the Stopper).

import { DEFAULT_THRESHOLDS, type Exclusions, type Finding, idleFindings, scanWindow } from '../../reports/idleScan/idleFindings.ts';
import { bundledCatalogs } from '../catalogs/catalogs.ts';
import { controlFor } from '../clouds/controls.ts';
import { gcpSourcesFor, utilizationSource } from '../clouds/registry.ts';
import { type FindingKind, type LocalSsdPolicy, vertexEndpointId } from '../clouds/resourceKinds.ts';
import { ActionRefused, type Stopper } from '../clouds/stopper.ts';
import type { EndpointUsage, GpuInstanceUsage, NotebookUsage, StudioAppUsage, UtilizationSource } from '../clouds/utilization.ts';
import { grouped, utcMinute } from '../present/format.ts';
import type { AccountSettings } from '../settings/fileSettings.ts';
import type { FindingRef } from './findingRef.ts';

interface ResourceUsage {
  endpoints: EndpointUsage[];
  instances: GpuInstanceUsage[];
  notebooks: NotebookUsage[];
  studioApps: StudioAppUsage[];
}

export interface CloudActionSettings {
  env: NodeJS.ProcessEnv;
  /** other accounts: a finding there is re-checked through its read role and acted on through its stop role */
  accounts?: AccountSettings[];
  /** digest.regions; a finding without a region lives in the only one (or AWS_REGION) */
  regions?: string[];
  /** digest.gcp_projects: a GCE finding's project must still be one of them */
  gcpProjects?: string[];
  /** approvals.gce_local_ssd (default refuse) */
  gceLocalSsd?: LocalSsdPolicy;
  exclusions: Exclusions;
  /** how Restore and Resize wait for an endpoint to be in service again */
  wait?: { pollMs: number; timeoutMs: number };
  /** rightsizing.rollback_alarms: CloudWatch alarms that roll a resize back */
  rollbackAlarms?: string[];
}

const MISSING: Record<FindingKind, string> = {
  'sagemaker-endpoint': 'the endpoint no longer exists or is not in service',
  'ec2-gpu-instance': 'the instance no longer exists',
  'sagemaker-notebook': 'the notebook instance no longer exists or is not in service',
  'sagemaker-studio-app': 'the Studio app no longer exists or is not in service',
  'gce-gpu-instance': 'the VM no longer exists or is not running',
  'vertex-endpoint': 'the endpoint no longer exists or has no models deployed on dedicated machines',
};

const WINDOW = `in the last ${DEFAULT_THRESHOLDS.windowDays} days`;

const served = (what: string) => (u: ResourceUsage) =>
  `it served ${grouped(u.endpoints.reduce((s, e) => s + e.invocations, 0))} ${what} ${WINDOW}`;
const busiestGpu = (u: ResourceUsage) => `its busiest GPU reached ${u.instances[0]!.maximumPercent?.toFixed(1) ?? '?'}% ${WINDOW}`;

/** What the resource did that makes it no longer idle, from what the re-check read of it. */
const BUSY: Record<FindingKind, (usage: ResourceUsage) => string> = {
  'sagemaker-endpoint': served('calls'),
  'vertex-endpoint': served('predictions'),
  'ec2-gpu-instance': busiestGpu,
  'gce-gpu-instance': busiestGpu,
  'sagemaker-notebook': (u) => `it was started or changed at ${utcMinute(u.notebooks[0]!.lastModified)}`,
  'sagemaker-studio-app': (u) => `someone used it at ${utcMinute(u.studioApps[0]!.lastUserActivity ?? u.studioApps[0]!.createdAt)}`,
};

export type Recheck = { idle: true; finding: Finding } | { idle: false; reason: string };

export function regionOf(ref: Pick<FindingRef, 'region'>, settings: CloudActionSettings): string | undefined {
  return ref.region ?? settings.regions?.[0] ?? (settings.env.AWS_REGION || settings.env.AWS_DEFAULT_REGION);
}

/** Is the resource still there, still idle on the same signal over the window ending now, and not excluded? */
export async function recheck(ref: FindingRef, settings: CloudActionSettings, now: Date): Promise<Recheck> {
  const source = await sourceFor(ref, settings);
  if (!source) {
    return {
      idle: false,
      reason: onGcp(ref)
        ? 'no GCP credentials: set GOOGLE_APPLICATION_CREDENTIALS'
        : 'no region to look in: set digest.regions (or AWS_REGION)',
    };
  }
  const { start, end } = scanWindow(now);
  const machine = ref.kind === 'ec2-gpu-instance' || ref.kind === 'gce-gpu-instance';
  const usage: ResourceUsage = {
    endpoints:
      ref.kind === 'sagemaker-endpoint'
        ? await source.endpoints(start, end, [ref.name])
        : ref.kind === 'vertex-endpoint'
          ? await source.endpoints(start, end, [vertexEndpointId(ref)])
          : [],
    // a VM's name is unique in its zone only
    instances: machine
      ? (await source.gpuInstances(start, end, [ref.id])).filter((u) => ref.kind !== 'gce-gpu-instance' || u.region === ref.region)
      : [],
    notebooks: ref.kind === 'sagemaker-notebook' ? await source.notebooks([ref.name]) : [],
    studioApps: ref.kind === 'sagemaker-studio-app' ? await source.studioApps([ref.id]) : [],
  };
  if (
    !usage.endpoints.length &&
    !usage.instances.some((u) => u.instanceId === ref.id) &&
    !usage.notebooks.length &&
    !usage.studioApps.length
  ) {
    return { idle: false, reason: MISSING[ref.kind] };
  }
  const { findings, excluded } = idleFindings(
    usage,
    bundledCatalogs().prices,
    DEFAULT_THRESHOLDS,
    settings.exclusions,
    now,
    settings.gceLocalSsd,
  );
  if (excluded.length) return { idle: false, reason: 'it now carries the keep tag or is on scan.allow' };
  const finding = findings.find((f) => f.id === ref.id);
  if (!finding) return { idle: false, reason: `it is no longer idle: ${BUSY[ref.kind](usage)}` };
  if (finding.partial) return { idle: false, reason: 'another variant of the endpoint serves traffic now' };
  if (finding.spot) return { idle: false, reason: 'it is a Spot instance, which cannot be stopped' };
  if (finding.noStop) return { idle: false, reason: finding.stopEffect.replace(/^nothing: /, '') };
  return { idle: true, finding };
}

/** Where the re-check reads: the finding's GCP project, or its AWS region in its account. */
async function sourceFor(ref: FindingRef, settings: CloudActionSettings): Promise<UtilizationSource | undefined> {
  if (onGcp(ref)) {
    const where = {
      gcp_projects: [projectOf(ref, settings)],
      ...(ref.kind === 'vertex-endpoint' && ref.region ? { vertex_locations: [ref.region] } : {}),
    };
    return (await gcpSourcesFor(where, settings.env))[0]?.[1];
  }
  const region = regionOf(ref, settings);
  const account = accountOf(ref, settings);
  return utilizationSource({ regions: region ? [region] : [], ...(account ? { accounts: [account] } : {}) }, settings.env);
}

const onGcp = (ref: FindingRef) => ref.kind === 'gce-gpu-instance' || ref.kind === 'vertex-endpoint';

function projectOf(ref: FindingRef, settings: CloudActionSettings): string {
  if (!ref.account || !settings.gcpProjects?.includes(ref.account))
    throw new ActionRefused(`the GCP project "${ref.account}" is no longer in digest.gcp_projects`);
  return ref.account;
}

export function accountOf(ref: Pick<FindingRef, 'account'>, settings: CloudActionSettings): AccountSettings | undefined {
  if (!ref.account) return undefined;
  const account = settings.accounts?.find((a) => a.name === ref.account);
  if (!account) throw new ActionRefused(`the account "${ref.account}" is no longer in the settings' accounts`);
  return account;
}

/** The Stopper for the finding's kind in its place: its GCP project, or its AWS region through its account's stop role. */
export async function stopperFor(ref: FindingRef, settings: CloudActionSettings): Promise<Stopper> {
  const options = { gceLocalSsd: settings.gceLocalSsd ?? 'refuse', ...(settings.wait ? { wait: settings.wait } : {}) } as const;
  if (onGcp(ref))
    return controlFor(
      ref.kind,
      { cloud: 'gcp', project: projectOf(ref, settings), ...(ref.region ? { location: ref.region } : {}) },
      settings.env,
      options,
    );
  const account = accountOf(ref, settings);
  const roleArn = account ? (account.stop_role_arn ?? account.role_arn) : undefined;
  return controlFor(
    ref.kind,
    { cloud: 'aws', region: regionOf(ref, settings) ?? 'us-east-1', ...(roleArn ? { roleArn } : {}) },
    settings.env,
    options,
  );
}
