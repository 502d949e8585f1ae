// GPU utilization from CloudWatch: SageMaker endpoints' invocations and GPU use per variant, and EC2
// GPU and accelerator instances: the instances from DescribeInstances (p*, g*, inf*, trn*), then in
// GetMetricData batches nvidia_smi_utilization_gpu from the CloudWatch agent (CWAgent), or for
// Inferentia and Trainium the NeuronCore utilization Container Insights records on EKS nodes,
// taking each hour's maximum over the machine's GPUs or NeuronCores.
import { type ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { type _InstanceType, DescribeInstanceTypesCommand, type EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import pLimit from 'p-limit';
import { daysBetween } from '../../calc/period.ts';
import { CostSourceError } from '../costSource.ts';
import { failureReason, isBug, readFailed } from '../readFailure.ts';
import type { ServedModel, ServedVariant, ServingLoad } from '../servingLoad.ts';
import {
  type EndpointUsage,
  type GpuInstanceUsage,
  type NotebookUsage,
  type StudioAppUsage,
  summarizeHourly,
  type UtilizationSource,
} from '../utilization.ts';
import { sharedPerWindow } from '../windowReading.ts';
import { isNeuronInstance } from './cloudWatchMetrics.ts';
import {
  DESCRIBE_CONCURRENCY,
  type EndpointVariant,
  endpointsTagged,
  endpointVariants,
  inferenceComponents,
  modelEnvironments,
  notebookInstances,
  resourceTags,
  studioApps,
} from './sageMakerResources.ts';
import { MODEL_TAG, servedModelFromEnvironment, servedModelFromTag } from './servingContainer.ts';

/** GetMetricData takes at most 500 queries a request. */
export const QUERIES_PER_REQUEST = 500;
export const HOUR = 3600;

/**
 * Every series of one metric that carries the instance's id, whatever other dimensions it has, the
 * busiest at each hour. No metric schema ({Namespace,Dim,…}) on purpose: CloudWatch's search
 * expression syntax (User Guide, "CloudWatch search expression syntax") matches a schema against a
 * metric's exact set of dimension names, so "{CWAgent}" finds only CWAgent metrics with no
 * dimensions at all, and a schema naming the agent's dimensions misses every team whose
 * append_dimensions or metrics_collected settings add or drop one. Namespace=, MetricName= and a
 * dimension name with a quoted value are exact-match search terms that ignore the other dimensions;
 * Grafana's CloudWatch data source builds the same form when "Match exact" is off
 * (grafana/grafana pkg/tsdb/cloudwatch, buildSearchExpression).
 */
function busiestSeries(namespace: string, metricName: string, instanceId: string, stat = 'Average'): string {
  return `MAX(SEARCH('Namespace="${namespace}" MetricName="${metricName}" InstanceId="${instanceId}"', '${stat}', ${HOUR}))`;
}

/** The busiest GPU of an instance each hour: the CloudWatch agent's per-GPU series (dimensions index, name, arch and any appended). */
export const gpuUtilizationExpression = (instanceId: string): string => busiestSeries('CWAgent', 'nvidia_smi_utilization_gpu', instanceId);

/** The most memory any GPU of an instance held each hour, MiB: the CloudWatch agent's nvidia_smi_memory_used. */
const gpuMemoryExpression = (instanceId: string): string => busiestSeries('CWAgent', 'nvidia_smi_memory_used', instanceId, 'Maximum');

/**
 * The busiest NeuronCore of an Inferentia or Trainium instance each hour, from the per-core series
 * Container Insights with enhanced observability records for EKS nodes (namespace ContainerInsights).
 */
export const neuronCoreUtilizationExpression = (instanceId: string): string =>
  busiestSeries('ContainerInsights', 'node_neuroncore_utilization', instanceId);

/** The endpoints' variants, the model each serves, and their hourly series over a window, by query id. */
interface EndpointReading {
  variants: EndpointVariant[];
  /** the inference components of each variant that hosts them */
  components: string[][];
  /** per variant: the model it serves; null where none is named; missing where its model was not found */
  models: (ServedModel | { missing: true } | null)[];
  /** why the models could not be read (rightsizing reports it; the idle scan does not need them) */
  modelsFailed?: unknown;
  values: Map<string, number[]>;
}

type InstanceFacts = Pick<GpuInstanceUsage, 'instanceId' | 'instanceType' | 'name' | 'tags' | 'spot' | 'instanceStoreGb'>;

export class CloudWatchUtilization implements UtilizationSource {
  readonly name = 'CloudWatch';

  constructor(
    private readonly ec2: EC2Client,
    private readonly cloudwatch: CloudWatchClient,
    private readonly sagemaker: SageMakerClient,
    /** GPUs per instance type, to turn SageMaker's summed GPUUtilization into a per-GPU share */
    private readonly gpusPerInstance: (instanceType: string) => number = () => 1,
    /** Application Auto Scaling, for the minimum a variant may scale to (rightsizing) */
    private readonly autoscaling?: ApplicationAutoScalingClient,
  ) {}

  /** The autoscaling minimum of each variant registered with Application Auto Scaling, by endpoint/variant. */
  private async autoscalingMinimums(variants: EndpointVariant[]): Promise<Map<string, number>> {
    const minimums = new Map<string, number>();
    if (!this.autoscaling || !variants.length) return minimums;
    const ids = variants.map((v) => `endpoint/${v.endpointName}/variant/${v.variantName}`);
    // DescribeScalableTargets takes at most 50 resource ids
    for (let i = 0; i < ids.length; i += 50) {
      let token: string | undefined;
      do {
        let page;
        try {
          page = await this.autoscaling.send(
            new DescribeScalableTargetsCommand({
              ServiceNamespace: 'sagemaker',
              ResourceIds: ids.slice(i, i + 50),
              ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
              NextToken: token,
            }),
          );
        } catch (error) {
          if ((error as { name?: string }).name === 'AccessDeniedException')
            throw new CostSourceError(
              "AWS denied DescribeScalableTargets: grant the bot's role application-autoscaling:DescribeScalableTargets",
            );
          readFailed(error, 'Application Auto Scaling DescribeScalableTargets');
        }
        for (const target of page.ScalableTargets ?? []) {
          if (target.MinCapacity !== undefined)
            minimums.set(target.ResourceId!.replace(/^endpoint\/(.*)\/variant\//, '$1/'), target.MinCapacity);
        }
        token = page.NextToken || undefined;
      } while (token);
    }
    return minimums;
  }

  /** the whole fleet's endpoint reading per window, shared by the scan's endpoints and rightsizing's loads */
  private readonly fleetReading = sharedPerWindow((start, end) => this.readEndpoints(start, end));

  /**
   * The variants of the in-service endpoints (or the named ones) and their hourly series over the
   * window, in GetMetricData batches: invocations, and for instance-backed variants GPU and GPU
   * memory utilization and ModelLatency (what rightsizing needs costs no call of its own).
   */
  private endpointReading(start: string, end: string, only?: string[]): Promise<EndpointReading> {
    return only ? this.readEndpoints(start, end, only) : this.fleetReading(start, end);
  }

  private async readEndpoints(start: string, end: string, only?: string[], known?: ServedVariant[]): Promise<EndpointReading> {
    const variants = await endpointVariants(this.sagemaker, undefined, only);
    // SageMaker counts the calls of an endpoint that hosts inference components per component, not per variant
    const limit = pLimit(DESCRIBE_CONCURRENCY);
    const [components, served] = await Promise.all([
      Promise.all(
        variants.map((v) => (v.hostsComponents ? limit(() => inferenceComponents(this.sagemaker, v.endpointName, v.variantName)) : [])),
      ),
      // a re-check reads no models: rightsizing asks for them, and a resize's re-check knows its own
      only
        ? {
            models: variants.map(
              (v) => known?.find((k) => k.endpointName === v.endpointName && k.variantName === v.variantName)?.model ?? null,
            ),
          }
        : this.servedModels(variants),
    ]);
    const dimensions = (v: EndpointVariant) => [
      { Name: 'EndpointName', Value: v.endpointName },
      { Name: 'VariantName', Value: v.variantName },
    ];
    type Dimensions = { Name: string; Value: string }[];
    const query = (id: string, dims: Dimensions, namespace: string, metric: string, stat: string): MetricDataQuery => ({
      Id: id,
      MetricStat: { Metric: { Namespace: namespace, MetricName: metric, Dimensions: dims }, Period: HOUR, Stat: stat },
      ReturnData: true,
    });
    const values = await metricValues(
      this.cloudwatch,
      variants.flatMap((v, k): MetricDataQuery[] =>
        v.hostsComponents
          ? components[k]!.map((name, j) =>
              query(`ic${k}_${j}`, [{ Name: 'InferenceComponentName', Value: name }], 'AWS/SageMaker', 'Invocations', 'Sum'),
            )
          : [
              query(`inv${k}`, dimensions(v), 'AWS/SageMaker', 'Invocations', 'Sum'),
              query(`gpu${k}`, dimensions(v), '/aws/sagemaker/Endpoints', 'GPUUtilization', 'Average'),
              // what rightsizing needs besides, only where there is a model to size
              ...(served.models[k]
                ? [
                    query(`mem${k}`, dimensions(v), '/aws/sagemaker/Endpoints', 'GPUMemoryUtilization', 'Average'),
                    query(`lat${k}`, dimensions(v), 'AWS/SageMaker', 'ModelLatency', 'Average'),
                  ]
                : []),
            ],
      ),
      start,
      end,
    );
    return { variants, components, values, ...served };
  }

  /**
   * The model each variant's container loads (its model's environment, from SageMaker Search over
   * models, a hundred a page), else its endpoint's burnrate:model tag (Search over the endpoints
   * that carry it). A failed search is kept for rightsizing to report: the idle scan does not need it.
   */
  private async servedModels(variants: EndpointVariant[]): Promise<Pick<EndpointReading, 'models' | 'modelsFailed'>> {
    const wanted = variants.map((v) => Boolean(v.modelName && !v.serverless));
    if (!wanted.some(Boolean)) return { models: variants.map(() => null) };
    try {
      const [environments, tagged] = await Promise.all([modelEnvironments(this.sagemaker), endpointsTagged(this.sagemaker, MODEL_TAG)]);
      return {
        models: variants.map((v, k) => {
          if (!wanted[k]) return null;
          const env = environments.get(v.modelName!);
          const fromEnv = env ? servedModelFromEnvironment(env, this.gpusPerInstance(v.instanceType)) : null;
          return fromEnv ?? servedModelFromTag(tagged.get(v.endpointName) ?? {}) ?? (env ? null : { missing: true });
        }),
      };
    } catch (error) {
      if (isBug(error)) throw error;
      return { models: variants.map(() => null), modelsFailed: error };
    }
  }

  /** Per production variant: invocations in the week and mean GPU utilization per GPU. */
  async endpoints(start: string, end: string, only?: string[]): Promise<EndpointUsage[]> {
    const { variants, components, values } = await this.endpointReading(start, end, only);
    const sum = (series: number[] | undefined) => (series ?? []).reduce((a, b) => a + b, 0);
    const usage = variants.map(
      ({ endpointArn: _, hostsComponents, endpointConfigName: _c, modelName: _m, siblingVariants: _s, ...v }, k): EndpointUsage => {
        const gpu = values.get(`gpu${k}`) ?? [];
        // a missing Invocations datapoint is zero calls; a missing GPU datapoint is unknown
        const calls = hostsComponents
          ? components[k]!.reduce((s, _name, j) => s + sum(values.get(`ic${k}_${j}`)), 0)
          : sum(values.get(`inv${k}`));
        const gpuAveragePercent = gpu.length ? gpu.reduce((a, b) => a + b, 0) / gpu.length / this.gpusPerInstance(v.instanceType) : null;
        return { ...v, invocations: calls, gpuAveragePercent, ...(hostsComponents ? { inferenceComponents: components[k]!.length } : {}) };
      },
    );
    // tags matter only where a variant served no calls (a keep tag, an owner on a finding): one
    // ListTags per such endpoint instead of one per endpoint
    const idleArns = [...new Set(variants.filter((_, k) => usage[k]!.invocations === 0).map((v) => v.endpointArn))];
    const tags = await resourceTags(this.sagemaker, idleArns);
    variants.forEach((v, k) => {
      const found = tags.get(v.endpointArn);
      if (found) usage[k]!.tags = found;
    });
    return usage;
  }

  /**
   * Every instance-backed variant of an in-service endpoint with the model it serves and its load
   * over the window, from the endpoints' shared reading: hourly invocations, mean ModelLatency, the
   * busiest hour's GPU and GPU memory use per GPU; the autoscaling minimum of the variants whose
   * model is known.
   */
  async servingLoads(start: string, end: string, only?: ServedVariant[]): Promise<ServingLoad[]> {
    const reading = only
      ? await this.readEndpoints(
          start,
          end,
          only.map((o) => o.endpointName),
          only,
        )
      : await this.endpointReading(start, end);
    if (reading.modelsFailed) throw reading.modelsFailed;
    // serverless variants and inference components have no instance type of their own to change
    const picked = reading.variants.flatMap((v, k) => (v.modelName && !v.serverless ? [{ v, k }] : []));
    const known = (k: number): ServedModel | null => {
      const found = reading.models[k];
      return found && !('missing' in found) ? found : null;
    };
    // an autoscaling minimum that cannot be read keeps today's count as the floor, and says why
    let minimums = new Map<string, number>();
    let minimumUnread: string | undefined;
    try {
      minimums = await this.autoscalingMinimums(picked.filter(({ k }) => known(k)).map(({ v }) => v));
    } catch (error) {
      if (isBug(error)) throw error;
      minimumUnread =
        error instanceof CostSourceError ? error.message : failureReason(error, 'Application Auto Scaling DescribeScalableTargets');
    }
    // a re-check reads the endpoint's tags too: a production endpoint needs a second approver
    const tags = only ? await resourceTags(this.sagemaker, [...new Set(picked.map(({ v }) => v.endpointArn))]) : undefined;
    return picked.map(({ v, k }): ServingLoad => {
      const gpus = this.gpusPerInstance(v.instanceType);
      // SageMaker's GPU figures are summed over the instance's GPUs (0–100 × GPUs)
      const peak = (id: string) => {
        const series = reading.values.get(id) ?? [];
        return series.length ? Math.max(...series) / gpus : null;
      };
      const latency = reading.values.get(`lat${k}`) ?? [];
      const model = known(k);
      const minimum = minimums.get(`${v.endpointName}/${v.variantName}`);
      return {
        kind: 'sagemaker-endpoint',
        endpointName: v.endpointName,
        variantName: v.variantName,
        endpointConfigName: v.endpointConfigName,
        instanceType: v.instanceType,
        instanceCount: v.instanceCount,
        siblingVariants: v.siblingVariants,
        ...(tags?.get(v.endpointArn) ? { tags: tags.get(v.endpointArn)! } : {}),
        ...(minimum === undefined ? {} : { minInstances: minimum }),
        ...(minimumUnread && model ? { minInstances: v.instanceCount, minimumUnread } : {}),
        model,
        ...(model
          ? {}
          : {
              modelNote: reading.models[k]
                ? `SageMaker Search found no model ${v.modelName}`
                : `its container names no model; tag the endpoint ${MODEL_TAG}=<hf id>`,
            }),
        hourlyInvocations: reading.values.get(`inv${k}`) ?? [],
        // ModelLatency is in microseconds
        modelLatencyMs: latency.length ? latency.reduce((a, b) => a + b, 0) / latency.length / 1000 : null,
        gpuUtilizationPeak: peak(`gpu${k}`),
        gpuMemoryPeak: peak(`mem${k}`),
        // the hours its instances reported GPU use: an endpoint created mid-window has fewer days
        days: Math.round(((reading.values.get(`gpu${k}`)?.length ?? 0) / 24) * 10) / 10,
      };
    });
  }

  notebooks(only?: string[]): Promise<NotebookUsage[]> {
    return notebookInstances(this.sagemaker, only);
  }

  studioApps(only?: string[]): Promise<StudioAppUsage[]> {
    return studioApps(this.sagemaker, only);
  }

  private async instances(only?: string[]): Promise<InstanceFacts[]> {
    const found: InstanceFacts[] = [];
    // MaxResults may not go with InstanceIds
    const pages = paginateDescribeInstances(
      { client: this.ec2, ...(only ? {} : { pageSize: 1000 }) },
      {
        ...(only ? { InstanceIds: only } : {}),
        Filters: [
          { Name: 'instance-type', Values: ['p*', 'g*', 'inf*', 'trn*'] },
          { Name: 'instance-state-name', Values: ['running', 'stopping', 'stopped'] },
        ],
      },
    );
    try {
      for await (const page of pages) {
        for (const reservation of page.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            const tags = Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));
            found.push({
              instanceId: instance.InstanceId!,
              instanceType: instance.InstanceType!,
              ...(tags.Name ? { name: tags.Name } : {}),
              tags,
              ...(instance.InstanceLifecycle === 'spot' ? { spot: true } : {}),
            });
          }
        }
      }
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code === 'UnauthorizedOperation')
        throw new CostSourceError("AWS denied DescribeInstances: grant the bot's role ec2:DescribeInstances");
      // a re-check of an instance that has been terminated since
      if (only && code === 'InvalidInstanceID.NotFound') return [];
      readFailed(error, 'EC2 DescribeInstances');
    }
    await this.addInstanceStore(found);
    return found;
  }

  /** The local NVMe storage of each type found (one DescribeInstanceTypes per 100 types): stopping wipes it. */
  private async addInstanceStore(instances: InstanceFacts[]): Promise<void> {
    const types = [...new Set(instances.map((i) => i.instanceType))];
    const storeGb = new Map<string, number>();
    for (let i = 0; i < types.length; i += 100) {
      try {
        const page = await this.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: types.slice(i, i + 100) as _InstanceType[] }));
        for (const type of page.InstanceTypes ?? []) {
          if (type.InstanceStorageSupported) storeGb.set(type.InstanceType!, type.InstanceStorageInfo?.TotalSizeInGB ?? 0);
        }
      } catch (error) {
        if ((error as { name?: string }).name === 'UnauthorizedOperation')
          throw new CostSourceError("AWS denied DescribeInstanceTypes: grant the bot's role ec2:DescribeInstanceTypes");
        readFailed(error, 'EC2 DescribeInstanceTypes');
      }
    }
    for (const instance of instances) {
      const gb = storeGb.get(instance.instanceType);
      if (gb !== undefined) instance.instanceStoreGb = gb;
    }
  }

  async gpuInstances(start: string, end: string, only?: string[]): Promise<GpuInstanceUsage[]> {
    const instances = await this.instances(only);
    const values = await metricValues(
      this.cloudwatch,
      instances.flatMap((instance, k): MetricDataQuery[] => {
        const neuron = isNeuronInstance(instance.instanceType);
        return [
          {
            Id: `gpu${k}`,
            Period: HOUR,
            ReturnData: true,
            Expression: (neuron ? neuronCoreUtilizationExpression : gpuUtilizationExpression)(instance.instanceId),
          },
          // the memory its busiest GPU held, for rightsizing a machine that names no model
          ...(neuron ? [] : [{ Id: `mem${k}`, Period: HOUR, ReturnData: true, Expression: gpuMemoryExpression(instance.instanceId) }]),
        ];
      }),
      start,
      end,
    );
    const usage: GpuInstanceUsage[] = instances.map((instance, k) => {
      const memory = values.get(`mem${k}`) ?? [];
      return {
        ...instance,
        ...summarizeHourly(values.get(`gpu${k}`) ?? []),
        ...(memory.length ? { gpuMemoryPeakMib: Math.max(...memory) } : {}),
      };
    });
    await this.addCpuFallback(
      usage.filter((u) => u.averagePercent === null),
      start,
      end,
    );
    return usage;
  }

  /** For machines without GPU metrics: the hourly CPU maximum and the network traffic, the weaker signal. */
  private async addCpuFallback(blind: GpuInstanceUsage[], start: string, end: string): Promise<void> {
    if (!blind.length) return;
    const metric = (k: number, name: string, stat: string, id: string): MetricDataQuery => ({
      Id: `${id}${k}`,
      ReturnData: true,
      MetricStat: {
        Metric: { Namespace: 'AWS/EC2', MetricName: name, Dimensions: [{ Name: 'InstanceId', Value: blind[k]!.instanceId }] },
        Period: HOUR,
        Stat: stat,
      },
    });
    const values = await metricValues(
      this.cloudwatch,
      blind.flatMap((_, k) => [
        metric(k, 'CPUUtilization', 'Maximum', 'cpu'),
        metric(k, 'NetworkIn', 'Sum', 'in'),
        metric(k, 'NetworkOut', 'Sum', 'out'),
      ]),
      start,
      end,
    );
    const days = daysBetween(start, end);
    blind.forEach((u, k) => {
      const cpu = values.get(`cpu${k}`) ?? [];
      if (!cpu.length) return;
      const network = [...(values.get(`in${k}`) ?? []), ...(values.get(`out${k}`) ?? [])].reduce((a, b) => a + b, 0);
      u.hours = cpu.length;
      u.cpuMaximumPercent = Math.max(...cpu);
      u.networkBytesPerDay = network / days;
    });
  }
}

/** Runs metric queries in GetMetricData batches of at most 500, following every page: values by query id. */
export async function metricValues(
  cloudwatch: CloudWatchClient,
  queries: MetricDataQuery[],
  start: string,
  end: string,
): Promise<Map<string, number[]>> {
  const values = new Map<string, number[]>();
  for (let i = 0; i < queries.length; i += QUERIES_PER_REQUEST) {
    const batch = queries.slice(i, i + QUERIES_PER_REQUEST);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: batch,
            StartTime: new Date(`${start}T00:00:00Z`),
            EndTime: new Date(`${end}T00:00:00Z`),
            NextToken: token,
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'AccessDenied')
          throw new CostSourceError("AWS denied GetMetricData: grant the bot's role cloudwatch:GetMetricData");
        readFailed(error, 'CloudWatch GetMetricData');
      }
      for (const result of page.MetricDataResults ?? [])
        values.set(result.Id!, [...(values.get(result.Id!) ?? []), ...(result.Values ?? [])]);
      token = page.NextToken || undefined;
    } while (token);
  }
  return values;
}
