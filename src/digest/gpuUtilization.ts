// How much of the GPU time paid for was used: per GPU instance, the hours it reported and its GPU
// utilization (the busiest GPU of the machine, hour by hour), priced from the catalog.
import { CostSourceError } from './costData.ts';

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
  /** the regions this run could not read, with the reason; the others' rows still come */
  skipped?: string[];
  /** every GPU instance, or only those with the given ids (a re-check before acting) */
  gpuInstances(start: string, end: string, only?: string[]): Promise<GpuInstanceUsage[]>;
  /** every in-service endpoint's variants, or only the named endpoints' (missing ones are left out) */
  endpoints(start: string, end: string, only?: string[]): Promise<EndpointUsage[]>;
  /** in-service notebook instances, or only the named ones */
  notebooks(only?: string[]): Promise<NotebookUsage[]>;
  /** in-service Studio apps on an instance, or only those with the given ids (studioAppId) */
  studioApps(only?: string[]): Promise<StudioAppUsage[]>;
}

export interface UtilizationReading {
  instances: GpuInstanceUsage[];
  endpoints: EndpointUsage[];
  notebooks: NotebookUsage[];
  studioApps: StudioAppUsage[];
  /** what could not be read, and why */
  notes: string[];
  demo: boolean;
}

/**
 * Reads instances and endpoints at once. A part the source cannot answer (a CostSourceError) leaves
 * a note and an empty list; no source at all (credentials but no region) says what to set.
 */
export async function readUtilization(source: UtilizationSource | undefined, start: string, end: string): Promise<UtilizationReading> {
  if (!source) {
    return { instances: [], endpoints: [], notebooks: [], studioApps: [], notes: ['GPU utilization not read: set digest.regions (or AWS_REGION) to the regions of your GPU instances'], demo: false };
  }
  const notes: string[] = [];
  const read = async <T>(what: string, work: Promise<T[]>): Promise<T[]> => {
    try {
      return await work;
    } catch (error) {
      if (!(error instanceof CostSourceError)) throw error;
      notes.push(`${what} (${source.name}): unavailable (${error.message})`);
      return [];
    }
  };
  const [instances, endpoints, notebooks, studioApps] = await Promise.all([
    read('GPU instances', source.gpuInstances(start, end)), read('Endpoints (SageMaker, Vertex AI)', source.endpoints(start, end)),
    read('SageMaker notebook instances', source.notebooks()), read('SageMaker Studio apps', source.studioApps()),
  ]);
  notes.push(...(source.skipped ?? []));
  return { instances, endpoints, notebooks, studioApps, notes, demo: source.demo === true };
}

/** Summarizes an hourly series of "busiest GPU" percentages. */
export function summarizeHourly(values: number[]): Pick<GpuInstanceUsage, 'hours' | 'averagePercent' | 'maximumPercent'> {
  if (!values.length) return { hours: 0, averagePercent: null, maximumPercent: null };
  return { hours: values.length, averagePercent: values.reduce((a, b) => a + b, 0) / values.length, maximumPercent: Math.max(...values) };
}

/** Programming errors, as opposed to a region or service that would not answer. */
const isBug = (error: unknown) => error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError;

/** Where a source reads: an AWS region (in an account), or a GCP project (its name in account). */
export interface Place { region: string; account?: string; cloud?: 'gcp' }

export const placeName = (place: Place) => (place.account ? `${place.account}/${place.region}` : place.region);

/**
 * Several places read as one: each asked at once, each row labelled with its place. A place that
 * fails (access denied, an opt-in region not enabled, throttling after the SDK's retries) is listed
 * in `skipped` with the reason and the others still answer; only when every place fails does the
 * read fail.
 */
export function regionalUtilization(byRegion: [Place, UtilizationSource][]): UtilizationSource {
  if (byRegion.length === 1 && !byRegion[0]![0].account) return byRegion[0]![1];
  const skipped: string[] = [];
  async function acrossRegions<T>(what: string, read: (source: UtilizationSource) => Promise<T[]>): Promise<(T & Place)[]> {
    const failures: string[] = [];
    const all = await Promise.all(byRegion.map(async ([place, source]) => {
      try {
        // a row that knows its own place (a GCE VM's project and zone) keeps it
        return (await read(source)).map((row) => ({ ...place, ...row }));
      } catch (error) {
        if (isBug(error)) throw error;
        failures.push(`${placeName(place)} (${(error as Error).name === 'CostSourceError' ? '' : `${(error as Error).name}: `}${(error as Error).message})`);
        return [];
      }
    }));
    if (failures.length === byRegion.length) throw new CostSourceError(`no region answered: ${failures.join('; ')}`);
    if (failures.length) skipped.push(`${what}: skipped ${failures.join('; ')}; the other regions are complete`);
    return all.flat();
  }
  return {
    name: byRegion.map(([place]) => placeName(place)).join(', '),
    skipped,
    gpuInstances: (start, end, only) => acrossRegions('GPU instances', (s) => s.gpuInstances(start, end, only)),
    endpoints: (start, end, only) => acrossRegions('Endpoints (SageMaker, Vertex AI)', (s) => s.endpoints(start, end, only)),
    notebooks: (only) => acrossRegions('SageMaker notebook instances', (s) => s.notebooks(only)),
    studioApps: (only) => acrossRegions('SageMaker Studio apps', (s) => s.studioApps(only)),
  };
}
