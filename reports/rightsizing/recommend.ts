// Rightsizing. A serving variant, from the model it serves and the load it saw: the cheapest
// instance type and count (same cloud, same accelerator vendor) on which the model fits with its KV
// cache for the peak concurrency at its configured context (the /gpu-memory estimate at vLLM's
// memory share), whose memory bandwidth covers the peak decode work at the target utilization (the
// /serve-cost roofline: decoding is bandwidth-bound), and never below the autoscaling minimum. A GPU
// machine that names no model, from its busiest GPU's memory and use, as advice.
import { type CommandContext, UsageError } from '../../commands/command.ts';
import { servingCapacity } from '../../commands/gpuMemory.ts';
import { type ResolvedModel, resolveModel } from '../../commands/modelResolver.ts';
import { isPrecisionId, type PrecisionId } from '../../src/calc/precision.ts';
import { HOURS_PER_MONTH } from '../../src/calc/pricing.ts';
import { bundledCatalogs } from '../../src/catalogs/catalogs.ts';
import type { Gpu, InstancePrice } from '../../src/catalogs/hardware.ts';
import type { ServedModel, ServingLoad } from '../../src/clouds/servingLoad.ts';
import type { GpuInstanceUsage } from '../../src/clouds/utilization.ts';
import { HubError } from '../../src/hub/hubModel.ts';
import { HuggingFaceHub, hubSettingsFromEnv } from '../../src/hub/huggingFaceHub.ts';
import { money } from '../../src/present/format.ts';
import type { RightsizingFileSettings } from '../../src/settings/fileSettings.ts';
import { DEFAULT_THRESHOLDS } from '../idleScan/idleFindings.ts';

export interface RightsizingSettings {
  /** no recommendation saves less than this a month, dollars */
  minMonthlySaving: number;
  /** the GPU utilization (share of memory bandwidth) the recommended size may run at, at peak */
  targetUtilization: number;
  /** days of data below which a recommendation is low confidence */
  minDays: number;
  /** accelerators of other vendors may be recommended */
  otherVendors: boolean;
}

export const DEFAULT_RIGHTSIZING: RightsizingSettings = { minMonthlySaving: 100, targetUtilization: 0.65, minDays: 7, otherVendors: false };

/** The settings file's rightsizing section as the recommendation reads it. */
export const rightsizingSettings = (file: RightsizingFileSettings): RightsizingSettings => ({
  ...DEFAULT_RIGHTSIZING,
  minMonthlySaving: file.min_monthly_saving,
  targetUtilization: file.target_utilization,
  otherVendors: file.other_vendors,
});

/** The peak hour above this many times the 95th-percentile hour: the load comes in bursts. */
const SPIKY_RATIO = 3;
/** instance counts tried for the recommended size */
const MAX_COUNT = 16;

export interface Size {
  instanceType: string;
  count: number;
  monthlyCost: number;
}

export interface Recommendation {
  id: string;
  kind: ServingLoad['kind'] | 'ec2-gpu-instance' | 'gce-gpu-instance';
  place: string;
  /** how reports name it: endpoint / variant, or the machine's Name tag (its id without one) */
  name: string;
  account?: string;
  region?: string;
  /** a SageMaker endpoint variant's, with the configuration it runs and the model its container names (what Resize acts on) */
  endpointName?: string;
  variantName?: string;
  endpointConfigName?: string;
  served?: ServedModel;
  /** the endpoint's tags, where the reading had them */
  tags?: Record<string, string>;
  current: Size;
  recommended: Size;
  monthlySaving: number;
  model: { id: string; precision: string; contextTokens: number; needBytes: number } | null;
  evidence: string[];
  confidence: 'high' | 'medium' | 'low';
  /** what applying it does */
  changes: string;
  /** a change made by hand (a machine's type changes only while it is stopped): the exact commands */
  commands?: string[];
}

/** A variant or machine with no recommendation, and why. */
export interface NotRecommended {
  id: string;
  reason: string;
  /** nothing could be sized (no model named, no metrics, no price): the report counts these instead of listing them */
  unsized?: boolean;
}

const loadId = (l: Pick<ServingLoad, 'account' | 'region' | 'endpointName' | 'variantName'>) =>
  [l.account, l.region, l.endpointName, l.variantName].filter(Boolean).join('/');

const placeOf = (l: ServingLoad) => [l.account, l.region].filter(Boolean).join('/') || 'default region';

function percentile(values: number[], share: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

interface Offer {
  price: InstancePrice;
  gpu: Gpu;
}

function offerFor(instanceType: string, prices: InstancePrice[], gpus: Gpu[], cloud: 'aws' | 'gcp' = 'aws'): Offer | undefined {
  const price = prices.find((p) => p.cloud === cloud && p.instance === instanceType);
  const gpu = price && gpus.find((g) => g.id === price.gpuId);
  return price && gpu ? { price, gpu } : undefined;
}

/** The cloud a serving load runs in: Vertex AI deploys on Compute Engine machine types, priced as such in the catalog. */
const cloudOf = (load: Pick<ServingLoad, 'kind'>) => (load.kind === 'vertex-endpoint' ? 'gcp' : 'aws');

/**
 * The types a serving load may move to, from the price catalog: SageMaker hosting types, or the
 * Compute Engine GPU machine types Vertex AI deploys on; of the same accelerator vendor unless others are allowed.
 */
function candidates(load: ServingLoad, current: Offer, prices: InstancePrice[], gpus: Gpu[], otherVendors: boolean): Offer[] {
  const cloud = cloudOf(load);
  return prices
    .filter((p) => p.cloud === cloud && (cloud === 'gcp' || p.instance.startsWith('ml.')))
    .map((p) => offerFor(p.instance, prices, gpus, cloud))
    .filter((o): o is Offer => o !== undefined && (otherVendors || o.gpu.vendor === current.gpu.vendor));
}

/** Vertex AI's accelerator names (gcloud --accelerator type=…) for the catalog's GPUs. */
const VERTEX_ACCELERATORS: Record<string, string> = {
  t4: 'nvidia-tesla-t4',
  l4: 'nvidia-l4',
  'a100-40gb': 'nvidia-tesla-a100',
  'a100-80gb': 'nvidia-a100-80gb',
  'h100-sxm': 'nvidia-h100-80gb',
  h200: 'nvidia-h200-141gb',
};

/** What moving a serving load to `count` × `offer` changes, and for Vertex AI (advice) the gcloud commands. */
function servingChange(load: ServingLoad, offer: Offer, count: number): Pick<Recommendation, 'changes' | 'commands'> {
  if (load.kind === 'sagemaker-endpoint')
    return {
      changes:
        `a new endpoint configuration (a copy of ${load.endpointConfigName} with ${count} × ${offer.price.instance} for ${load.variantName}` +
        `${load.siblingVariants.length ? `; ${load.siblingVariants.join(', ')} unchanged` : ''}), applied by a blue/green update: new instances start, traffic shifts, the old ones stop`,
    };
  const where = `--region=${load.region} --project=${load.account}`;
  const [machine] = offer.price.instance.split('+');
  const accelerator = VERTEX_ACCELERATORS[offer.gpu.id] ?? offer.gpu.id;
  const split = load.siblingVariants.length ? '' : ' --traffic-split=0=100';
  return {
    changes:
      `advice: deploy the same model again on ${count} × ${offer.price.instance}, ` +
      `${load.siblingVariants.length ? `give it ${load.variantName}'s share of the traffic split (${load.siblingVariants.join(', ')} keep theirs), ` : 'move all traffic to it, '}` +
      'then undeploy the old deployed model (Vertex AI cannot change a deployed model’s machine)',
    commands: [
      `gcloud ai endpoints deploy-model ${load.endpointName} ${where} --model=${load.endpointConfigName.split('/').pop()} ` +
        `--display-name=${load.displayName ?? load.endpointName}-rightsized --machine-type=${machine} ` +
        `--accelerator=type=${accelerator},count=${offer.price.gpuCount} --min-replica-count=${count}${split}`,
      `gcloud ai endpoints undeploy-model ${load.endpointName} ${where} --deployed-model-id=${load.variantName}`,
    ],
  };
}

/**
 * What one instance of `offer` holds of the model (the /gpu-memory estimate), remembered: a fleet
 * serves the same few models on the same few types, and each estimate costs a fraction of a millisecond.
 */
const capacities = new Map<string, ReturnType<typeof servingCapacity>>();
function capacityOf(model: ResolvedModel, precision: PrecisionId | undefined, context: number, offer: Offer) {
  const key = `${model.id}|${model.params}|${precision ?? ''}|${context}|${offer.gpu.id}|${offer.price.gpuCount}`;
  if (!capacities.has(key)) capacities.set(key, servingCapacity(model, precision, context, offer.gpu, offer.price.gpuCount));
  return capacities.get(key)!;
}

const monthly = (offer: Offer, count: number) => offer.price.onDemandPerHour * count * HOURS_PER_MONTH;
const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

async function recommend(
  load: ServingLoad,
  context: CommandContext,
  settings: RightsizingSettings = DEFAULT_RIGHTSIZING,
): Promise<Recommendation | NotRecommended> {
  const id = loadId(load);
  const skip = (reason: string): NotRecommended => ({ id, reason });
  const unsized = (reason: string): NotRecommended => ({ id, reason, unsized: true });
  if (!load.model) return unsized(`the model could not be known: ${load.modelNote ?? 'no model named'}`);
  const { gpus, prices } = context.catalogs;
  const current = offerFor(load.instanceType, prices, gpus, cloudOf(load));
  if (!current) return unsized(`${load.instanceType} is not in the price catalog (config/prices.yaml)`);
  let resolved: ResolvedModel;
  try {
    resolved = await resolveModel(load.model.id, context);
  } catch (error) {
    // a model the registry does not know and the Hub cannot give (offline, gated, not there)
    if (!(error instanceof UsageError) && !(error instanceof HubError)) throw error;
    return unsized(`the model could not be sized: ${error.message}`);
  }
  if (load.gpuUtilizationPeak === null)
    return unsized(
      `no ${load.kind === 'vertex-endpoint' ? 'accelerator duty cycle' : 'GPUUtilization'} metric for it: its load on the GPUs is unknown`,
    );
  const invocations = load.hourlyInvocations;
  if (!invocations.some((n) => n > 0)) return skip('no calls in the window: the idle scan covers it');

  const precision: PrecisionId | undefined = load.model.precision && isPrecisionId(load.model.precision) ? load.model.precision : undefined;
  const contextTokens = Math.min(load.model.contextTokens ?? 4096, resolved.arch.maxContext);
  const peakHour = Math.max(...invocations);
  const p95Hour = percentile(invocations, 0.95);
  // Little's law: requests in flight at the peak = arrival rate × time each spends in the model
  const latencySeconds = (load.modelLatencyMs ?? 1000) / 1000;
  const concurrency = Math.max(1, Math.ceil((peakHour / 3600) * latencySeconds));
  const currentGpus = load.instanceCount * current.price.gpuCount;
  const busyBandwidth = (load.gpuUtilizationPeak / 100) * currentGpus * current.gpu.memoryBandwidth;
  const minimum = Math.max(1, load.minInstances ?? 1);

  let best: { offer: Offer; count: number; need: number } | undefined;
  for (const offer of candidates(load, current, prices, gpus, settings.otherVendors)) {
    const capacity = capacityOf(resolved, precision, contextTokens, offer);
    for (let count = minimum; count <= MAX_COUNT; count++) {
      const perInstance = Math.ceil(concurrency / count);
      if (!capacity || capacity.kvCacheTokens < perInstance * contextTokens) break; // more of this type will not help one copy fit
      const bandwidth = count * offer.price.gpuCount * offer.gpu.memoryBandwidth * settings.targetUtilization;
      if (bandwidth < busyBandwidth) continue;
      const need =
        capacity.perGpuWeightBytes * offer.price.gpuCount +
        capacity.perGpuKvBytesPerToken * offer.price.gpuCount * perInstance * contextTokens;
      if (!best || monthly(offer, count) < monthly(best.offer, best.count)) best = { offer, count, need };
      break;
    }
  }
  const currentSize: Size = {
    instanceType: load.instanceType,
    count: load.instanceCount,
    monthlyCost: monthly(current, load.instanceCount),
  };
  if (!best) return skip(`nothing in the catalog holds ${resolved.id} for ${concurrency} concurrent requests at ${contextTokens} tokens`);
  const recommended: Size = { instanceType: best.offer.price.instance, count: best.count, monthlyCost: monthly(best.offer, best.count) };
  const saving = currentSize.monthlyCost - recommended.monthlyCost;
  if (saving < settings.minMonthlySaving) {
    return skip(
      saving <= 0
        ? `${load.instanceCount} × ${load.instanceType} is already the cheapest size that holds the model and its peak load`
        : `it would save ${money(saving)} a month, under the ${money(settings.minMonthlySaving)} floor (rightsizing.min_monthly_saving)`,
    );
  }
  const spiky = p95Hour > 0 ? peakHour > SPIKY_RATIO * p95Hour : true;
  const short = load.days < settings.minDays;
  const confidence =
    short || spiky || load.modelLatencyMs === null
      ? 'low'
      : load.model.from === 'tag' || load.gpuMemoryPeak === null || load.minimumUnread
        ? 'medium'
        : 'high';
  const perMinute = (n: number) => (n / 60).toFixed(n / 60 < 10 ? 1 : 0);
  const evidence = [
    `peak ${perMinute(peakHour)} calls/min (busiest hour), p95 ${perMinute(p95Hour)}${spiky ? ': bursty' : ''}`,
    `${load.modelLatencyMs === null ? 'no ModelLatency metric (1 s assumed)' : `model latency ${Math.round(load.modelLatencyMs)} ms`}: ${concurrency} request${concurrency > 1 ? 's' : ''} in flight at peak`,
    `GPU peak ${load.gpuUtilizationPeak.toFixed(0)}% per GPU${load.gpuMemoryPeak === null ? '' : `, GPU memory peak ${load.gpuMemoryPeak.toFixed(0)}%`} on ${currentGpus} × ${current.gpu.name}`,
    `${resolved.id} (${load.model.from}) needs ${gb(best.need)} per instance: weights + KV cache for ${Math.ceil(concurrency / best.count)} × ${contextTokens} tokens`,
    `${load.days} day${load.days === 1 ? '' : 's'} of data${short ? ` (fewer than ${settings.minDays})` : ''}`,
    ...(load.minimumUnread ? [`autoscaling minimum unknown (${load.minimumUnread}): no fewer than today's ${load.instanceCount}`] : []),
  ];
  return {
    id,
    kind: load.kind,
    place: placeOf(load),
    name: `${load.displayName ?? load.endpointName} / ${load.variantName}`,
    ...(load.account ? { account: load.account } : {}),
    ...(load.region ? { region: load.region } : {}),
    endpointName: load.endpointName,
    variantName: load.variantName,
    endpointConfigName: load.endpointConfigName,
    served: load.model,
    ...(load.tags ? { tags: load.tags } : {}),
    current: currentSize,
    recommended,
    monthlySaving: saving,
    model: { id: resolved.id, precision: precision ?? resolved.nativePrecision, contextTokens, needBytes: best.need },
    evidence,
    confidence,
    ...servingChange(load, best.offer, best.count),
  };
}

/** Largest saving first; equal savings in the order of their ids, so every run lists them alike. */
export const bySaving = (a: Recommendation, b: Recommendation) => b.monthlySaving - a.monthlySaving || a.id.localeCompare(b.id);

const isRecommendation = (r: Recommendation | NotRecommended): r is Recommendation => 'recommended' in r;

/** Every endpoint's and machine's recommendation (largest saving first), or why it has none. */
export async function rightsizeLoads(
  loads: ServingLoad[],
  context: CommandContext,
  settings: RightsizingSettings,
  machines: GpuInstanceUsage[] = [],
): Promise<{ recommendations: Recommendation[]; notRecommended: NotRecommended[] }> {
  const outcomes = [
    ...(await Promise.all(loads.map((load) => recommend(load, context, settings)))),
    ...machines.map((machine) => recommendMachine(machine, context.catalogs, settings)),
  ];
  return {
    recommendations: outcomes.filter(isRecommendation).sort(bySaving),
    notRecommended: outcomes.filter((o): o is NotRecommended => !isRecommendation(o)),
  };
}

/** How reports size the models endpoints serve: the registry, and the Hugging Face Hub as the environment reaches it. */
export const modelContext = (env: NodeJS.ProcessEnv): CommandContext => ({
  catalogs: bundledCatalogs(),
  hub: new HuggingFaceHub(hubSettingsFromEnv(env)),
});

/** The busiest GPU's memory a recommended GPU must hold beyond what it held at its peak. */
const MEMORY_HEADROOM = 1.15;
/** Hours of GPU metrics below which a machine's recommendation is low confidence (5 days). */
const MACHINE_MIN_HOURS = 120;

/** A GCE machine type with its GPUs built in (A2, A3, G2); an N1 type prices its attached GPU with it (n1-standard-4+t4). */
const bundlesGpus = (instance: string) => !instance.includes('+');

/** The exact commands that change a machine's type, and what the change keeps and loses. */
function machineChange(machine: GpuInstanceUsage, to: string): Pick<Recommendation, 'changes' | 'commands'> {
  if (machine.cloud === 'gcp') {
    const where = `--zone=${machine.region} --project=${machine.account}`;
    return {
      changes:
        `advice: stop the VM, change its machine type, start it (its persistent disks, name and internal IP stay; ` +
        `${machine.instanceStoreGb ? `its ${machine.instanceStoreGb} GB of local SSD is discarded; ` : ''}the new type must take its disk types, and its GPUs may lack capacity in the zone at first)`,
      commands: [
        `gcloud compute instances stop ${machine.instanceId} ${where}`,
        `gcloud compute instances set-machine-type ${machine.instanceId} ${where} --machine-type=${to}`,
        `gcloud compute instances start ${machine.instanceId} ${where}`,
      ],
    };
  }
  const region = machine.region ? ` --region ${machine.region}` : '';
  return {
    changes:
      `advice: stop the instance, change its type, start it (its EBS volumes, ID and private IP stay; ` +
      `${machine.instanceStoreGb ? `its ${machine.instanceStoreGb} GB of instance store is wiped; ` : ''}the new type may lack capacity at first)`,
    commands: [
      `aws ec2 stop-instances --instance-ids ${machine.instanceId}${region}`,
      `aws ec2 wait instance-stopped --instance-ids ${machine.instanceId}${region}`,
      `aws ec2 modify-instance-attribute --instance-id ${machine.instanceId} --instance-type '{"Value": "${to}"}'${region}`,
      `aws ec2 start-instances --instance-ids ${machine.instanceId}${region}`,
    ],
  };
}

/**
 * A GPU machine (EC2, or a GCE VM) that names no model, from its busiest GPU: the cheapest type of
 * its cloud with as many GPUs of the same vendor, each holding the most memory the busiest GPU held
 * (with 15% to spare) and whose memory bandwidth at the target utilization covers that GPU's busiest
 * hour. Advice with the commands: a machine's type changes only while it is stopped.
 */
function recommendMachine(
  machine: GpuInstanceUsage,
  catalogs: Pick<CommandContext['catalogs'], 'gpus' | 'prices'>,
  settings: RightsizingSettings = DEFAULT_RIGHTSIZING,
): Recommendation | NotRecommended {
  const id = [machine.account, machine.region, machine.instanceId].filter(Boolean).join('/');
  const skip = (reason: string): NotRecommended => ({ id, reason });
  const unsized = (reason: string): NotRecommended => ({ id, reason, unsized: true });
  const cloud = machine.cloud ?? 'aws';
  if (cloud === 'gcp' && !bundlesGpus(machine.instanceType))
    return unsized('an N1 VM’s attached GPUs change through instances.setMachineResources, not its machine type: not rightsized yet');
  const current = offerFor(machine.instanceType, catalogs.prices, catalogs.gpus, cloud);
  if (!current) return unsized(`${machine.instanceType} is not in the price catalog (config/prices.yaml)`);
  if (machine.maximumPercent === null || machine.gpuMemoryPeakMib === undefined)
    return unsized(
      `no GPU utilization or GPU memory from the ${cloud === 'gcp' ? 'Ops Agent' : 'CloudWatch agent'}: its GPUs’ needs are unknown`,
    );
  if (machine.spot) return skip('a Spot instance: it cannot be stopped to change its type');
  if (machine.maximumPercent < DEFAULT_THRESHOLDS.gpuPercent) return skip('idle: the idle scan covers it');
  const busyBandwidth = (machine.maximumPercent / 100) * current.gpu.memoryBandwidth;
  const needBytes = machine.gpuMemoryPeakMib * 2 ** 20 * MEMORY_HEADROOM;
  const fitting = catalogs.prices
    .filter(
      (p) =>
        p.cloud === cloud &&
        (cloud === 'gcp' ? bundlesGpus(p.instance) : !p.instance.startsWith('ml.')) &&
        p.gpuCount === current.price.gpuCount,
    )
    .map((p) => offerFor(p.instance, catalogs.prices, catalogs.gpus, cloud))
    .filter(
      (o): o is Offer =>
        o !== undefined &&
        (settings.otherVendors || o.gpu.vendor === current.gpu.vendor) &&
        o.gpu.usableBytes >= needBytes &&
        o.gpu.memoryBandwidth * settings.targetUtilization >= busyBandwidth,
    )
    .sort((a, b) => a.price.onDemandPerHour - b.price.onDemandPerHour);
  const best = fitting[0];
  const now = monthly(current, 1);
  if (!best || best.price.instance === machine.instanceType)
    return skip(`${machine.instanceType} is already the cheapest type that holds its busiest GPU’s peak`);
  const saving = now - monthly(best, 1);
  if (saving < settings.minMonthlySaving)
    return skip(
      `it would save ${money(saving)} a month, under the ${money(settings.minMonthlySaving)} floor (rightsizing.min_monthly_saving)`,
    );
  const gib = (mib: number) => `${(mib / 1024).toFixed(1)} GiB`;
  return {
    id,
    kind: cloud === 'gcp' ? 'gce-gpu-instance' : 'ec2-gpu-instance',
    place: [machine.account, machine.region].filter(Boolean).join('/') || 'default region',
    name: machine.name ?? machine.instanceId,
    current: { instanceType: machine.instanceType, count: 1, monthlyCost: now },
    recommended: { instanceType: best.price.instance, count: 1, monthlyCost: monthly(best, 1) },
    monthlySaving: saving,
    model: null,
    evidence: [
      `busiest GPU peak ${machine.maximumPercent.toFixed(0)}% (average ${machine.averagePercent?.toFixed(0) ?? '?'}%) on ${current.gpu.name}`,
      `its memory peak ${gib(machine.gpuMemoryPeakMib)} of ${gib(current.gpu.usableBytes / 2 ** 20)}; ${best.gpu.name} holds ${gib(best.gpu.usableBytes / 2 ** 20)}`,
      `${machine.hours} hours of GPU metrics${machine.hours < MACHINE_MIN_HOURS ? ' (fewer than 5 days)' : ''}`,
    ],
    // a machine names no model: what it needs is read off its busiest GPU, never better than medium
    confidence: machine.hours < MACHINE_MIN_HOURS ? 'low' : 'medium',
    ...machineChange(machine, best.price.instance),
  };
}
