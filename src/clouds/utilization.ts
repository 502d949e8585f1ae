// How much of the GPU time paid for was used: per GPU instance, the hours it reported and its GPU
// utilization (the busiest GPU of the machine, hour by hour), priced from the catalog.

import { CostSourceError } from './costSource.ts';
import { failureReason, isBug } from './readFailure.ts';
import type { ServedVariant, ServingLoad } from './servingLoad.ts';

export interface GpuInstanceUsage {
  /** the EC2 instance id, or the GCE VM's name (unique in its project and zone) */
  instanceId: string;
  /** a Compute Engine VM; absent for EC2 */
  cloud?: 'gcp';
  /** set when several accounts are read (their names from settings); a GCE VM's project */
  account?: string;
  /** set when several regions are read; a GCE VM's zone */
  region?: string;
  instanceType: string;
  /** the Name tag, when there is one */
  name?: string;
  /** the resource's tags (EC2 tags, SageMaker endpoint tags) */
  tags?: Record<string, string>;
  /** hours in the week with a utilization datapoint (or running, when there are no GPU metrics) */
  hours: number;
  /** mean over the week of each hour's busiest GPU, 0–100; null without GPU metrics */
  averagePercent: number | null;
  maximumPercent: number | null;
  /** without GPU metrics: the highest hourly CPU utilization (AWS/EC2 CPUUtilization), percent */
  cpuMaximumPercent?: number;
  /** without GPU metrics: network in + out per day over the window, bytes */
  networkBytesPerDay?: number;
  /** the most memory its busiest GPU held in any hour, MiB (the CloudWatch agent's nvidia_smi_memory_used) */
  gpuMemoryPeakMib?: number;
  /** a Spot instance: it cannot be stopped, only terminated */
  spot?: boolean;
  /** local NVMe instance storage of the type (a GCE VM's local SSDs), GB: wiped when the instance stops */
  instanceStoreGb?: number;
}

export interface EndpointUsage {
  /** the SageMaker endpoint's name, or the Vertex AI endpoint's id */
  endpointName: string;
  /** a Vertex AI endpoint (its deployed models are the variants); absent for SageMaker */
  cloud?: 'gcp';
  /** a Vertex AI endpoint's display name */
  displayName?: string;
  /** a SageMaker variant hosting inference components: how many (its invocations are theirs, summed) */
  inferenceComponents?: number;
  /** a serverless variant with provisioned concurrency: instanceCount is that concurrency */
  serverless?: { memoryMb: number; provisionedConcurrency: number };
  account?: string;
  /** set when several regions are read */
  region?: string;
  variantName: string;
  instanceType: string;
  instanceCount: number;
  /** the endpoint's tags, read for endpoints with a variant that served no calls */
  tags?: Record<string, string>;
  invocations: number;
  /** mean GPU utilization per GPU, 0–100; null without the metric */
  gpuAveragePercent: number | null;
}

/** An in-service SageMaker notebook instance. */
export interface NotebookUsage {
  notebookName: string;
  account?: string;
  region?: string;
  instanceType: string;
  /** when it was last started or changed (ISO): SageMaker records no user activity for notebook instances */
  lastModified: string;
  tags?: Record<string, string>;
}

/** An in-service SageMaker Studio app (JupyterLab, KernelGateway, CodeEditor) on an instance. */
export interface StudioAppUsage {
  domainId: string;
  /** the space it runs in, or the user profile for apps outside spaces */
  owner: { space: string } | { userProfile: string };
  appType: string;
  appName: string;
  account?: string;
  region?: string;
  instanceType: string;
  /** the last user activity SageMaker recorded, ISO; absent when only health checks touched it */
  lastUserActivity?: string;
  createdAt: string;
  /** for Restore: the app's ResourceSpec as SageMaker described it */
  resourceSpec: Record<string, unknown>;
  tags?: Record<string, string>;
}

/** One key per Studio app: domain/space:NAME or user:NAME/type/name. */
export const studioAppId = (a: Pick<StudioAppUsage, 'domainId' | 'owner' | 'appType' | 'appName'>) =>
  `${a.domainId}/${'space' in a.owner ? `space:${a.owner.space}` : `user:${a.owner.userProfile}`}/${a.appType}/${a.appName}`;

export interface UtilizationSource {
  name: string;
  /** the bundled demo fleet, not a real account */
  demo?: boolean;
  /** what this run could not read where, and why; the other places' rows still come */
  skipped?: PlaceFailure[];
  /** every GPU instance, or only those with the given ids (a re-check before acting) */
  gpuInstances(start: string, end: string, only?: string[]): Promise<GpuInstanceUsage[]>;
  /** every in-service endpoint's variants, or only the named endpoints' (missing ones are left out) */
  endpoints(start: string, end: string, only?: string[]): Promise<EndpointUsage[]>;
  /** in-service notebook instances, or only the named ones */
  notebooks(only?: string[]): Promise<NotebookUsage[]>;
  /** in-service Studio apps on an instance, or only those with the given ids (studioAppId) */
  studioApps(only?: string[]): Promise<StudioAppUsage[]>;
  /**
   * real-time endpoint variants with the model each serves and its load (rightsizing), or only the
   * named variants, whose models the caller knows (a re-check before a resize); absent where not read
   */
  servingLoads?(start: string, end: string, only?: ServedVariant[]): Promise<ServingLoad[]>;
}

export interface UtilizationReading {
  instances: GpuInstanceUsage[];
  endpoints: EndpointUsage[];
  notes: string[];
  notebooks: NotebookUsage[];
  studioApps: StudioAppUsage[];
  /** serving endpoints with their models and load, when asked for (rightsizing) */
  servingLoads: ServingLoad[];
  demo: boolean;
  /** nothing could be read: every part asked failed in every place (the notes say why) */
  unread: boolean;
}

/** What each read of a source is, as notes name it. */
const PARTS = {
  gpuInstances: 'GPU instances',
  endpoints: 'Endpoints (SageMaker, Vertex AI)',
  notebooks: 'SageMaker notebook instances',
  studioApps: 'SageMaker Studio apps',
  servingLoads: 'Endpoint models and load',
} as const;

export type UtilizationPart = keyof typeof PARTS;

/** What the idle scan and the digest read. */
export const IDLE_PARTS: UtilizationPart[] = ['gpuInstances', 'endpoints', 'notebooks', 'studioApps'];

/**
 * Reads the parts asked for at once (by default what the idle scan reads). A part that fails
 * leaves a note (the place, the API and the error code; one line per place and reason, whatever
 * parts it took) and an empty list, and the other parts still come; only programming errors are
 * thrown. No source at all (credentials but no region) says what to set.
 */
export async function readUtilization(
  source: UtilizationSource | undefined,
  start: string,
  end: string,
  parts: UtilizationPart[] = IDLE_PARTS,
): Promise<UtilizationReading> {
  const empty = { instances: [], endpoints: [], notebooks: [], studioApps: [], servingLoads: [] };
  if (!source) {
    return {
      ...empty,
      demo: false,
      unread: true,
      notes: ['GPU utilization not read: set digest.regions (or AWS_REGION) to the regions of your GPU instances'],
    };
  }
  // each part's failures in its own slot: the notes come in the same order however the reads race
  const failures: PlaceFailure[][] = [];
  const unexplained: string[][] = [];
  const read = async <T>(part: UtilizationPart, work: () => Promise<T[]>): Promise<T[]> => {
    const k = parts.indexOf(part);
    if (k < 0) return [];
    try {
      return await work();
    } catch (error) {
      if (isBug(error)) throw error;
      if (error instanceof PlacesFailed) failures[k] = error.failures;
      else unexplained[k] = [`${PARTS[part]} (${source.name}): ${failureReason(error, 'read')}`];
      return [];
    }
  };
  // the serving loads reuse the endpoints' reading where the source shares it
  const [instances, endpoints, notebooks, studioApps, servingLoads] = await Promise.all([
    read('gpuInstances', () => source.gpuInstances(start, end)),
    read('endpoints', () => source.endpoints(start, end)),
    read('notebooks', () => source.notebooks()),
    read('studioApps', () => source.studioApps()),
    read('servingLoads', async () => (source.servingLoads ? source.servingLoads(start, end) : [])),
  ]);
  // a part the source cannot read (serving loads from GCP alone) is not asked: it neither reads nor fails
  const asked = parts.filter((part) => part !== 'servingLoads' || source.servingLoads);
  const failed = parts.filter((_, k) => failures[k] || unexplained[k]).length;
  const notes = [...unexplained.flat(), ...failureNotes([...failures.flat(), ...(source.skipped ?? [])])];
  return {
    instances,
    endpoints,
    notebooks,
    studioApps,
    servingLoads,
    notes,
    demo: source.demo === true,
    unread: failed === asked.length,
  };
}

/** Summarizes an hourly series of "busiest GPU" percentages. */
export function summarizeHourly(values: number[]): Pick<GpuInstanceUsage, 'hours' | 'averagePercent' | 'maximumPercent'> {
  if (!values.length) return { hours: 0, averagePercent: null, maximumPercent: null };
  return { hours: values.length, averagePercent: values.reduce((a, b) => a + b, 0) / values.length, maximumPercent: Math.max(...values) };
}

/** Where a source reads: an AWS region (in an account), or a GCP project (its name in account). */
export interface Place {
  region: string;
  account?: string;
  cloud?: 'gcp';
}

export const placeName = (place: Place) => (place.account ? `${place.account}/${place.region}` : place.region);

/** A read that failed in one place: the place, why (the API and the error code), and what it left out. */
export interface PlaceFailure {
  place: string;
  reason: string;
  what: string;
}

/**
 * One line per place and reason: "us-east-1: SageMaker ListApps failed (ThrottlingException); left
 * out there: SageMaker Studio apps", by place, what was left out in the order of PARTS.
 */
export function failureNotes(failures: PlaceFailure[]): string[] {
  const partOrder = Object.values(PARTS) as string[];
  const byPlaceAndReason = new Map<string, { place: string; reason: string; what: string[] }>();
  for (const f of failures) {
    const key = `${f.place}\n${f.reason}`;
    const entry = byPlaceAndReason.get(key) ?? { place: f.place, reason: f.reason, what: [] };
    if (!entry.what.includes(f.what)) entry.what.push(f.what);
    byPlaceAndReason.set(key, entry);
  }
  return [...byPlaceAndReason.values()]
    .sort((a, b) => a.place.localeCompare(b.place) || a.reason.localeCompare(b.reason))
    .map(
      (e) => `${e.place}: ${e.reason}; left out there: ${e.what.sort((a, b) => partOrder.indexOf(a) - partOrder.indexOf(b)).join(', ')}`,
    );
}

/** Every place a read asked failed (a re-check must not take that for "nothing there"). */
export class PlacesFailed extends CostSourceError {
  override name = 'PlacesFailed';

  constructor(readonly failures: PlaceFailure[]) {
    super([...new Set(failures.map((f) => `${f.place}: ${f.reason}`))].join('; '));
  }
}

/**
 * The places a source reads, read as one: each asked at once, each row labelled with its place. A
 * place that fails (access denied, throttled past the SDK's retries, a 5xx, a timeout, an API the
 * region lacks) is a line in `skipped` and the others still answer; when every place fails, the
 * read fails with those lines (PlacesFailed). One place alone is read the same way, so its failure
 * reads like any other's.
 */
export function regionalUtilization(byRegion: [Place, UtilizationSource][]): UtilizationSource {
  const labelled = byRegion.length > 1 || byRegion.some(([place]) => place.account);
  const skipped: PlaceFailure[] = [];
  async function acrossRegions<T>(
    what: string,
    read: (source: UtilizationSource) => Promise<T[]>,
    places: [Place, UtilizationSource][] = byRegion,
  ): Promise<(T & Place)[]> {
    // by place, in the order the places were given, not the order they failed in
    const failures: (PlaceFailure | undefined)[] = places.map(() => undefined);
    const all = await Promise.all(
      places.map(async ([place, source], k) => {
        try {
          const rows = await read(source);
          // a row that knows its own place (a GCE VM's project and zone) keeps it
          return labelled ? rows.map((row) => ({ ...place, ...row })) : (rows as (T & Place)[]);
        } catch (error) {
          if (isBug(error)) throw error;
          failures[k] = { place: placeName(place), reason: failureReason(error, 'read'), what };
          return [];
        }
      }),
    );
    const failed = failures.filter((f): f is PlaceFailure => f !== undefined);
    if (failed.length === places.length) throw new PlacesFailed(failed);
    skipped.push(...failed);
    return all.flat();
  }
  // only the places whose source reads serving loads (AWS) are asked for them
  const serving = byRegion.filter(([, source]) => source.servingLoads);
  return {
    name: byRegion.map(([place]) => placeName(place)).join(', '),
    skipped,
    gpuInstances: (start, end, only) => acrossRegions(PARTS.gpuInstances, (s) => s.gpuInstances(start, end, only)),
    endpoints: (start, end, only) => acrossRegions(PARTS.endpoints, (s) => s.endpoints(start, end, only)),
    notebooks: (only) => acrossRegions(PARTS.notebooks, (s) => s.notebooks(only)),
    studioApps: (only) => acrossRegions(PARTS.studioApps, (s) => s.studioApps(only)),
    ...(serving.length
      ? { servingLoads: (start, end, only) => acrossRegions(PARTS.servingLoads, (s) => s.servingLoads!(start, end, only), serving) }
      : {}),
  };
}
