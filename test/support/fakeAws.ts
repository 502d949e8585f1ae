// A loopback AWS for the utilization reads, the idle scan and the Stop/Restore actions, speaking
// each service's own protocol: EC2 (query protocol, XML; AWS_ENDPOINT_URL_EC2), CloudWatch
// (JSON 1.0; AWS_ENDPOINT_URL_CLOUDWATCH), SageMaker (JSON 1.1; AWS_ENDPOINT_URL_SAGEMAKER) and
// Application Auto Scaling (JSON 1.1; AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING). It keeps state:
// stopping an instance, deleting an endpoint or updating it to another configuration changes what
// the next call sees.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'node:querystring';
import { answerBroken, type BrokenAnswer } from './brokenAnswers.ts';

export interface FakeInstance {
  instanceId: string;
  instanceType: string;
  name?: string;
  tags?: Record<string, string>;
  /** per GPU, hourly nvidia_smi_utilization_gpu (CWAgent), published with the agent's dimensions */
  gpus: number[][];
  /** per GPU, hourly nvidia_smi_memory_used in MiB (CWAgent), with the same dimensions */
  gpuMemoryUsedMib?: number[][];
  /** what the agent's append_dimensions adds to each GPU series (default ImageId and InstanceType, as its wizard configures) */
  appendedDimensions?: Record<string, string>;
  /** per NeuronCore, hourly node_neuroncore_utilization (Container Insights, EKS nodes) */
  neuronCores?: number[][];
  /** AWS/EC2 hourly CPUUtilization maxima and NetworkIn bytes, for machines without GPU metrics */
  cpu?: number[];
  networkIn?: number[];
  spot?: boolean;
  /** running unless said otherwise; StopInstances and StartInstances move it */
  state?: 'running' | 'stopping' | 'stopped' | 'pending';
}

export interface FakeScalingPolicy {
  PolicyName: string;
  PolicyType: string;
  TargetTrackingScalingPolicyConfiguration?: Record<string, unknown>;
  StepScalingPolicyConfiguration?: Record<string, unknown>;
}

/** One production variant; several with the same name make a multi-variant endpoint. */
export interface FakeEndpoint {
  name: string;
  variant: string;
  instanceType: string;
  count: number;
  invocations: number[];
  gpu: number[];
  tags?: Record<string, string>;
  /** the variant's current weight (default 1) */
  weight?: number;
  /** the configuration's initial instance count, when autoscaling has moved `count` away from it */
  initialCount?: number;
  autoscaling?: { min: number; max: number; roleArn?: string; policies: FakeScalingPolicy[] };
  /** inference components on the variant's instances: the configuration names no model, and calls are counted per component */
  components?: { name: string; invocations: number[] }[];
  /** a serverless variant (instanceType is ignored) */
  serverless?: { memoryMb: number; provisionedConcurrency?: number };
  /** the environment of the variant's model (SageMaker Search over models); with it the variant has a model of its own */
  modelEnv?: Record<string, string>;
  /** its model was deleted after the endpoint was created (SageMaker allows that): Search does not find it */
  modelDeleted?: boolean;
  /** hourly mean ModelLatency, milliseconds (published in microseconds, as SageMaker does) */
  latencyMs?: number[];
  /** hourly GPUMemoryUtilization maxima, summed over the instance's GPUs as SageMaker publishes them */
  gpuMemory?: number[];
}

export interface FakeNotebook {
  name: string;
  instanceType: string;
  /** when it was last started or changed, ISO */
  lastModified: string;
  status?: 'InService' | 'Stopped';
  tags?: Record<string, string>;
}

export interface FakeStudioApp {
  domainId: string;
  space?: string;
  userProfile?: string;
  appType: string;
  appName: string;
  instanceType: string;
  createdAt: string;
  lastUserActivity?: string;
  lastHealthCheck?: string;
  status?: 'InService' | 'Deleted';
  tags?: Record<string, string>;
}

export interface FakeAws {
  url: string;
  /** every EC2 request, its form fields (Action, filters, ids) */
  ec2Requests: Record<string, string>[];
  metricRequests: {
    queries: { Id: string; Expression?: string; Period: number; MetricStat?: MetricStat }[];
    nextToken?: string;
    target: string;
  }[];
  sageMakerTargets: string[];
  /** every Application Auto Scaling action called */
  autoScalingActions: string[];
  /** the most SageMaker requests the fake held at once */
  maxSageMakerInFlight: number;
  /** every mutating call: EC2 Stop/StartInstances, SageMaker Create/Delete/Update, Auto Scaling Register/Put/Deregister */
  /** every mutating call, with the access key that signed it (an assumed role's key is ASIA<account><ROLE>) */
  mutations: { action: string; body: Record<string, unknown>; accessKey?: string }[];
  instances: FakeInstance[];
  endpoints: FakeEndpoint[];
  notebooks: FakeNotebook[];
  studioApps: FakeStudioApp[];
  /** Application Auto Scaling's current registrations, by resource id (endpoint/NAME/variant/VARIANT) */
  scalableTargets: Map<string, { MinCapacity: number; MaxCapacity: number; RoleARN?: string; policies: FakeScalingPolicy[] }>;
  /** answers the next call of `action` (e.g. "DeleteEndpoint", "StopInstances") with this AWS error */
  failNext(action: string, code: string, message: string): void;
  /** the next UpdateEndpoint's new fleet fails: SageMaker rolls back to the old configuration, with this FailureReason */
  rollBackNextUpdate(reason: string): void;
  /** the endpoint configurations CreateEndpointConfig made, by name, as they were sent */
  createdConfigs: Map<string, Record<string, unknown>>;
  /** answers every call signed for `region` (the SigV4 credential scope) with this AWS error */
  failRegion(region: string, code: string, message: string): void;
  /** answers every call of `action` (e.g. "ListApps", "DescribeInstances") as a failing endpoint would, in `region` or in all */
  breakAction(action: string, broken: BrokenAnswer, region?: string): void;
  /** STS AssumeRole (query protocol; AWS_ENDPOINT_URL_STS): the roles assumed, in order */
  assumedRoles: string[];
  /** answers AssumeRole for this role ARN with AccessDenied */
  denyRole(roleArn: string): void;
  close(): Promise<void>;
}

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const REQUEST_ID = '8f7e6d5c-1111-2222-3333-444455556666';
/** local NVMe instance storage of the types the tests use, GB */
const INSTANCE_STORE_GB: Record<string, number> = {
  'g5.xlarge': 250,
  'g5.12xlarge': 3800,
  'g6.xlarge': 250,
  'p4d.24xlarge': 8000,
  'p5.48xlarge': 30400,
};
const STATE_CODES: Record<string, number> = { pending: 0, running: 16, stopping: 64, stopped: 80 };

const describeInstancesXml = (instances: FakeInstance[], nextToken?: string) => `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="${EC2_NS}">
  <requestId>${REQUEST_ID}</requestId>
  <reservationSet>${instances
    .map(
      (i) => `
    <item>
      <reservationId>r-${i.instanceId.slice(2)}</reservationId>
      <ownerId>123456789012</ownerId>
      <instancesSet>
        <item>
          <instanceId>${i.instanceId}</instanceId>
          <instanceType>${i.instanceType}</instanceType>
          <instanceState><code>${STATE_CODES[i.state ?? 'running']}</code><name>${i.state ?? 'running'}</name></instanceState>${i.spot ? '\n          <instanceLifecycle>spot</instanceLifecycle>' : ''}
          <tagSet>${Object.entries({ ...(i.name ? { Name: i.name } : {}), ...i.tags })
            .map(([k, v]) => `<item><key>${k}</key><value>${v}</value></item>`)
            .join('')}</tagSet>
        </item>
      </instancesSet>
    </item>`,
    )
    .join('')}
  </reservationSet>${nextToken ? `\n  <nextToken>${nextToken}</nextToken>` : ''}
</DescribeInstancesResponse>`;

const describeInstanceTypesXml = (types: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstanceTypesResponse xmlns="${EC2_NS}">
  <requestId>${REQUEST_ID}</requestId>
  <instanceTypeSet>${types
    .map(
      (t) => `
    <item><instanceType>${t}</instanceType><instanceStorageSupported>${t in INSTANCE_STORE_GB}</instanceStorageSupported>${t in INSTANCE_STORE_GB ? `<instanceStorageInfo><totalSizeInGB>${INSTANCE_STORE_GB[t]}</totalSizeInGB></instanceStorageInfo>` : ''}</item>`,
    )
    .join('')}
  </instanceTypeSet>
</DescribeInstanceTypesResponse>`;

const stateChangeXml = (action: string, changes: { id: string; from: string; to: string }[]) => `<?xml version="1.0" encoding="UTF-8"?>
<${action}Response xmlns="${EC2_NS}">
  <requestId>${REQUEST_ID}</requestId>
  <instancesSet>${changes
    .map(
      (c) => `
    <item><instanceId>${c.id}</instanceId><currentState><code>${STATE_CODES[c.to]}</code><name>${c.to}</name></currentState><previousState><code>${STATE_CODES[c.from]}</code><name>${c.from}</name></previousState></item>`,
    )
    .join('')}
  </instancesSet>
</${action}Response>`;

const ec2ErrorXml = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${REQUEST_ID}</RequestID></Response>`;

interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
  Stat: string;
  Period: number;
}

class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The environment that points the SDK clients at the loopback AWS, with test credentials. */
export const loopbackAwsEnv = (url: string) => ({
  AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_EC2: url,
  AWS_ENDPOINT_URL_CLOUDWATCH: url,
  AWS_ENDPOINT_URL_SAGEMAKER: url,
  AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: url,
  AWS_ENDPOINT_URL_STS: url,
});

const formList = (form: Record<string, string>, prefix: string) =>
  Object.keys(form)
    .filter((k) => k.startsWith(`${prefix}.`))
    .map((k) => form[k]!);

export interface FakeAwsOptions {
  /** added to every answer, ms */
  delayMs?: number;
  /** most endpoints a ListEndpoints page holds, whatever MaxResults asks (default 1, to exercise paging) */
  listPageSize?: number;
  /** most instances a DescribeInstances page holds (default 2) */
  instancePageSize?: number;
  notebooks?: FakeNotebook[];
  studioApps?: FakeStudioApp[];
  /** DescribeEndpoint calls an UpdateEndpoint stays Updating for (default 2) */
  updateDescribes?: number;
}

export async function startFakeAws(
  instances: FakeInstance[],
  endpoints: FakeEndpoint[] = [],
  options: FakeAwsOptions = {},
): Promise<FakeAws> {
  const { delayMs = 0, listPageSize = 1, instancePageSize = 2, notebooks = [], studioApps = [], updateDescribes = 2 } = options;
  const scalableTargets: FakeAws['scalableTargets'] = new Map();
  for (const e of endpoints) {
    if (e.autoscaling)
      scalableTargets.set(`endpoint/${e.name}/variant/${e.variant}`, {
        MinCapacity: e.autoscaling.min,
        MaxCapacity: e.autoscaling.max,
        ...(e.autoscaling.roleArn ? { RoleARN: e.autoscaling.roleArn } : {}),
        policies: e.autoscaling.policies,
      });
  }
  const failures = new Map<string, AwsError>();
  const failedRegions = new Map<string, AwsError>();
  const brokenActions: { action: string; broken: BrokenAnswer; region?: string }[] = [];
  const deniedRoles = new Set<string>();
  let signedBy: string | undefined;
  /** endpoint name → status; a name absent here and from `endpoints` does not exist */
  const status = new Map<string, string>(endpoints.map((e) => [e.name, 'InService']));
  const created = new Map<string, { config: string; tags: { Key: string; Value: string }[]; describesUntilInService: number }>();
  /** each endpoint's configuration, once an UpdateEndpoint moved it off the one it was created with */
  const configOf = new Map<string, string>();
  /** what each endpoint's original configuration (NAME-config) holds, as it was when the fake started: a configuration never changes */
  const originalConfigs = new Map<string, { VariantName: string; InstanceType?: string; InitialInstanceCount?: number }[]>();
  for (const e of endpoints)
    if (!e.serverless)
      originalConfigs.set(`${e.name}-config`, [
        ...(originalConfigs.get(`${e.name}-config`) ?? []),
        { VariantName: e.variant, InstanceType: e.instanceType, InitialInstanceCount: e.initialCount ?? e.count },
      ]);
  /** an UpdateEndpoint under way: the configuration it moves to, how many describes it takes, and whether it rolls back */
  const updating = new Map<string, { to: string; body: Record<string, unknown>; describesLeft: number; rollBack?: string }>();
  const failureReasons = new Map<string, string>();
  let rollBackNext: string | undefined;
  const fake: FakeAws = {
    url: '',
    ec2Requests: [],
    metricRequests: [],
    sageMakerTargets: [],
    autoScalingActions: [],
    maxSageMakerInFlight: 0,
    mutations: [],
    instances,
    endpoints,
    notebooks,
    studioApps,
    scalableTargets,
    failNext: (action, code, message) => failures.set(action, new AwsError(code, message)),
    rollBackNextUpdate: (reason) => {
      rollBackNext = reason;
    },
    createdConfigs: new Map(),
    failRegion: (region, code, message) => failedRegions.set(region, new AwsError(code, message)),
    breakAction: (action, broken, region) => brokenActions.push({ action, broken, ...(region ? { region } : {}) }),
    assumedRoles: [],
    denyRole: (roleArn) => deniedRoles.add(roleArn),
    close: async () => {},
  };
  const failIfAsked = (action: string) => {
    const failure = failures.get(action);
    if (failure) {
      failures.delete(action);
      throw failure;
    }
  };
  const arn = (name: string) => `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${name}`;
  const variantsOf = (name: string) => endpoints.filter((e) => e.name === name);
  const appArn = (a: FakeStudioApp) =>
    `arn:aws:sagemaker:us-east-1:123456789012:app/${a.domainId}/${a.space ?? a.userProfile}/${a.appType.toLowerCase()}/${a.appName}`;
  const appAt = (body: Record<string, unknown>) => {
    const a = studioApps.find(
      (x) =>
        x.domainId === body.DomainId &&
        x.appName === body.AppName &&
        x.appType === body.AppType &&
        (body.SpaceName ? x.space === body.SpaceName : x.userProfile === body.UserProfileName),
    );
    if (!a || a.status === 'Deleted') throw new AwsError('ResourceNotFound', `App ${String(body.AppName)} does not exist`);
    return a;
  };
  const notebookArn = (name: string) => `arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/${name}`;
  const notebookNamed = (name: string) => {
    const n = notebooks.find((x) => x.name === name);
    if (!n) throw new AwsError('ValidationException', 'RecordNotFound');
    return n;
  };

  /** the access key an assumed role signs with: ASIA + account + role name */
  const keyOf = (roleArn: string) =>
    `ASIA${/::(\d{12}):role\/(.*)$/
      .exec(roleArn)!
      .slice(1)
      .join('')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')}`;

  function sts(form: Record<string, string>): string {
    const role = form.RoleArn!;
    if (deniedRoles.has(role))
      throw new AwsError(
        'AccessDenied',
        `User: arn:aws:iam::123456789012:user/burnrate is not authorized to perform: sts:AssumeRole on resource: ${role}`,
      );
    fake.assumedRoles.push(role);
    return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROAFAKE:${form.RoleSessionName}</AssumedRoleId><Arn>${role.replace(':iam:', ':sts:').replace(':role/', ':assumed-role/')}/${form.RoleSessionName}</Arn></AssumedRoleUser>
    <Credentials><AccessKeyId>${keyOf(role)}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${REQUEST_ID}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
  }

  function ec2(form: Record<string, string>): string {
    failIfAsked(form.Action!);
    if (form.Action === 'DescribeInstanceTypes') return describeInstanceTypesXml(formList(form, 'InstanceType'));
    if (form.Action === 'StopInstances' || form.Action === 'StartInstances') {
      fake.mutations.push({ action: form.Action, body: form, ...(signedBy ? { accessKey: signedBy } : {}) });
      const changes = formList(form, 'InstanceId').map((id) => {
        const instance = instances.find((i) => i.instanceId === id);
        if (!instance) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
        const from = instance.state ?? 'running';
        if (form.Action === 'StopInstances' && instance.spot)
          throw new AwsError('UnsupportedOperation', `The instance '${id}' is a spot instance and cannot be stopped.`);
        instance.state = form.Action === 'StopInstances' ? 'stopped' : 'running';
        return { id, from, to: form.Action === 'StopInstances' ? 'stopping' : 'pending' };
      });
      return stateChangeXml(form.Action, changes);
    }
    const ids = formList(form, 'InstanceId');
    if (ids.length) {
      const missing = ids.find((id) => !instances.some((i) => i.instanceId === id));
      if (missing) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${missing}' does not exist`);
      return describeInstancesXml(instances.filter((i) => ids.includes(i.instanceId)));
    }
    const offset = Number(form.NextToken ?? 0);
    const size = Math.min(instancePageSize, Number(form.MaxResults ?? instancePageSize));
    return describeInstancesXml(
      instances.slice(offset, offset + size),
      offset + size < instances.length ? String(offset + size) : undefined,
    );
  }

  const currentConfig = (name: string) => configOf.get(name) ?? created.get(name)?.config ?? `${name}-config`;

  /** An update's end: the variants take the new configuration's type and count (or keep theirs where retained), or it rolls back. */
  function finishUpdate(name: string) {
    const update = updating.get(name)!;
    updating.delete(name);
    if (update.rollBack) {
      failureReasons.set(name, update.rollBack);
      return;
    }
    const config = fake.createdConfigs.get(update.to)?.ProductionVariants as {
      VariantName: string;
      InstanceType: string;
      InitialInstanceCount: number;
    }[];
    const excluded = ((update.body.ExcludeRetainedVariantProperties ?? []) as { VariantPropertyType: string }[]).map(
      (p) => p.VariantPropertyType,
    );
    const retainCount = update.body.RetainAllVariantProperties === true && !excluded.includes('DesiredInstanceCount');
    for (const v of config ?? originalConfigs.get(update.to)!) {
      const e = variantsOf(name).find((x) => x.variant === v.VariantName)!;
      e.instanceType = v.InstanceType!;
      if (!retainCount) e.count = v.InitialInstanceCount!;
    }
    configOf.set(name, update.to);
    failureReasons.delete(name);
  }

  function describeEndpoint(name: string) {
    const state = status.get(name);
    if (!state) throw new AwsError('ValidationException', `Could not find endpoint "${arn(name)}".`);
    if (state === 'Creating' && created.get(name)!.describesUntilInService-- <= 0) status.set(name, 'InService');
    const update = updating.get(name);
    if (update && update.describesLeft-- <= 0) {
      if (update.rollBack && state === 'Updating') {
        status.set(name, 'RollingBack');
        update.describesLeft = 1;
      } else {
        finishUpdate(name);
        status.set(name, 'InService');
      }
    }
    const failure = failureReasons.get(name);
    return {
      EndpointName: name,
      EndpointArn: arn(name),
      EndpointConfigName: currentConfig(name),
      EndpointStatus: status.get(name),
      ...(failure ? { FailureReason: failure } : {}),
      ProductionVariants: variantsOf(name).map((e) => ({
        VariantName: e.variant,
        CurrentInstanceCount: e.count,
        DesiredInstanceCount: e.count,
        CurrentWeight: e.weight ?? 1,
        DesiredWeight: e.weight ?? 1,
      })),
      CreationTime: 1.7e9,
      LastModifiedTime: 1.7e9,
    };
  }

  /** A Studio app as ListApps and DescribeApp both give it. */
  const appDetails = (a: FakeStudioApp) => ({
    DomainId: a.domainId,
    ...(a.space ? { SpaceName: a.space } : { UserProfileName: a.userProfile }),
    AppType: a.appType,
    AppName: a.appName,
    Status: a.status ?? 'InService',
    CreationTime: Date.parse(a.createdAt) / 1000,
    ResourceSpec: { InstanceType: a.instanceType },
  });

  const modelNameOf = (e: FakeEndpoint) => (e.modelEnv ? `${e.name}-${e.variant}-model` : `${e.name}-model`);

  /** SageMaker (JSON 1.1): endpoints listed one to a page. */
  function sageMaker(action: string, body: Record<string, unknown>): unknown {
    failIfAsked(action);
    const name = String(body.EndpointName ?? '');
    switch (action) {
      case 'ListInferenceComponents': {
        const all = endpoints
          .filter((e) => e.name === body.EndpointNameEquals && (!body.VariantNameEquals || e.variant === body.VariantNameEquals))
          .flatMap((e) => (e.components ?? []).map((c) => ({ e, c })));
        const offset = Number(body.NextToken ?? 0);
        const size = Math.min(listPageSize, Number(body.MaxResults ?? 10));
        return {
          InferenceComponents: all.slice(offset, offset + size).map(({ e, c }) => ({
            InferenceComponentName: c.name,
            InferenceComponentArn: `arn:aws:sagemaker:us-east-1:123456789012:inference-component/${c.name}`,
            EndpointName: e.name,
            EndpointArn: arn(e.name),
            VariantName: e.variant,
            InferenceComponentStatus: 'InService',
            CreationTime: 1.7e9,
            LastModifiedTime: 1.7e9,
          })),
          ...(offset + size < all.length ? { NextToken: String(offset + size) } : {}),
        };
      }
      case 'ListEndpoints': {
        const names = [...new Set(endpoints.map((e) => e.name))].filter((n) => status.get(n) === 'InService');
        const offset = Number(body.NextToken ?? 0);
        const size = Math.min(listPageSize, Number(body.MaxResults ?? 10));
        return {
          Endpoints: names.slice(offset, offset + size).map((n) => ({
            EndpointName: n,
            EndpointArn: arn(n),
            CreationTime: 1.7e9,
            LastModifiedTime: 1.7e9,
            EndpointStatus: 'InService',
          })),
          ...(offset + size < names.length ? { NextToken: String(offset + size) } : {}),
        };
      }
      case 'ListTags': {
        const config = /:endpoint-config\/(.+)$/.exec(String(body.ResourceArn))?.[1];
        if (config) {
          const sent = (fake.createdConfigs.get(config)?.Tags ?? []) as { Key: string; Value: string }[];
          return { Tags: fake.createdConfigs.has(config) ? sent : [{ Key: 'team', Value: 'ml-platform' }] };
        }
        const tagged =
          endpoints.find((x) => body.ResourceArn === arn(x.name)) ??
          notebooks.find((n) => body.ResourceArn === notebookArn(n.name)) ??
          studioApps.find((a) => body.ResourceArn === appArn(a))!;
        return { Tags: Object.entries(tagged.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
      }
      case 'ListNotebookInstances': {
        const inService = notebooks.filter((n) => (n.status ?? 'InService') === body.StatusEquals || !body.StatusEquals);
        const offset = Number(body.NextToken ?? 0);
        const size = Math.min(listPageSize, Number(body.MaxResults ?? 10));
        return {
          NotebookInstances: inService.slice(offset, offset + size).map((n) => ({
            NotebookInstanceName: n.name,
            NotebookInstanceArn: notebookArn(n.name),
            NotebookInstanceStatus: n.status ?? 'InService',
            InstanceType: n.instanceType,
            CreationTime: 1.7e9,
            LastModifiedTime: Date.parse(n.lastModified) / 1000,
          })),
          ...(offset + size < inService.length ? { NextToken: String(offset + size) } : {}),
        };
      }
      case 'DescribeNotebookInstance': {
        const n = notebookNamed(String(body.NotebookInstanceName));
        return {
          NotebookInstanceName: n.name,
          NotebookInstanceArn: notebookArn(n.name),
          NotebookInstanceStatus: n.status ?? 'InService',
          InstanceType: n.instanceType,
          CreationTime: 1.7e9,
          LastModifiedTime: Date.parse(n.lastModified) / 1000,
        };
      }
      case 'ListApps': {
        const live = studioApps.filter((a) => a.status !== 'Deleted');
        const offset = Number(body.NextToken ?? 0);
        const size = Math.min(listPageSize, Number(body.MaxResults ?? 10));
        return {
          Apps: live.slice(offset, offset + size).map(appDetails),
          ...(offset + size < live.length ? { NextToken: String(offset + size) } : {}),
        };
      }
      case 'DescribeApp': {
        const a = appAt(body);
        return {
          AppArn: appArn(a),
          ...appDetails(a),
          ...(a.lastUserActivity ? { LastUserActivityTimestamp: Date.parse(a.lastUserActivity) / 1000 } : {}),
          ...(a.lastHealthCheck ? { LastHealthCheckTimestamp: Date.parse(a.lastHealthCheck) / 1000 } : {}),
        };
      }
      case 'DeleteApp': {
        const a = appAt(body);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        a.status = 'Deleted';
        return {};
      }
      case 'CreateApp': {
        const a = studioApps.find(
          (x) =>
            x.domainId === body.DomainId &&
            x.appName === body.AppName &&
            x.appType === body.AppType &&
            (x.space ?? x.userProfile) === (body.SpaceName ?? body.UserProfileName),
        );
        if (!a || a.status !== 'Deleted') throw new AwsError('ResourceInUse', `App ${String(body.AppName)} already exists`);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        a.status = 'InService';
        a.instanceType = String((body.ResourceSpec as { InstanceType?: string }).InstanceType);
        return { AppArn: appArn(a) };
      }
      case 'StopNotebookInstance':
      case 'StartNotebookInstance': {
        const n = notebookNamed(String(body.NotebookInstanceName));
        const stopping = action === 'StopNotebookInstance';
        if ((n.status ?? 'InService') !== (stopping ? 'InService' : 'Stopped'))
          throw new AwsError(
            'ValidationException',
            `Status (${n.status ?? 'InService'}) not in ([${stopping ? 'InService' : 'Stopped, Failed'}]). Unable to transition to (${stopping ? 'Stopping' : 'Pending'}) for Notebook Instance (${notebookArn(n.name)}).`,
          );
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        n.status = stopping ? 'Stopped' : 'InService';
        return {};
      }
      case 'DescribeEndpoint':
        return describeEndpoint(name);
      case 'Search': {
        if (body.Resource === 'Endpoint') {
          // the filter rightsizing sends: endpoints that carry a tag (Tags.<key> Exists)
          const filters = (body.SearchExpression as { Filters?: { Name: string; Operator: string }[] } | undefined)?.Filters ?? [];
          const keys = filters
            .filter((f) => f.Operator === 'Exists' && f.Name.startsWith('Tags.'))
            .map((f) => f.Name.slice('Tags.'.length));
          const names = [...new Set(endpoints.map((x) => x.name))].filter((n) => status.get(n) === 'InService');
          const matching = names.filter((n) => keys.every((key) => variantsOf(n).some((x) => x.tags && key in x.tags)));
          return {
            Results: matching.map((n) => ({
              Endpoint: {
                EndpointName: n,
                EndpointArn: arn(n),
                EndpointConfigName: currentConfig(n),
                EndpointStatus: 'InService',
                Tags: Object.entries(Object.assign({}, ...variantsOf(n).map((x) => x.tags ?? {}))).map(([Key, Value]) => ({ Key, Value })),
              },
            })),
          };
        }
        if (body.Resource !== 'Model')
          throw new AwsError('ValidationException', `the fake SageMaker searches models and endpoints only, not ${body.Resource}`);
        // every endpoint's model, one record per model name, as the Model Dashboard lists them
        const models = [...new Map(endpoints.filter((x) => !x.components && !x.modelDeleted).map((x) => [modelNameOf(x), x])).entries()];
        const offset = Number(body.NextToken ?? 0);
        const size = Math.min(100, Number(body.MaxResults ?? 10));
        return {
          Results: models.slice(offset, offset + size).map(([model, e]) => ({
            Model: {
              Model: {
                ModelName: model,
                ModelArn: `arn:aws:sagemaker:us-east-1:123456789012:model/${model}`,
                PrimaryContainer: { Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/serving:latest', Environment: e.modelEnv ?? {} },
                ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker',
                CreationTime: 1.7e9,
              },
              Endpoints: [{ EndpointName: e.name, EndpointArn: arn(e.name), EndpointStatus: status.get(e.name) ?? 'InService' }],
            },
          })),
          ...(offset + size < models.length ? { NextToken: String(offset + size) } : {}),
        };
      }
      case 'DescribeEndpointConfig': {
        const config = String(body.EndpointConfigName);
        const made = fake.createdConfigs.get(config);
        if (made)
          return {
            ...made,
            EndpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${config}`,
            CreationTime: 1.7e9,
            Tags: undefined,
          };
        const original = originalConfigs.get(config);
        const variants = endpoints.filter((x) => `${x.name}-config` === config);
        if (!variants.length) throw new AwsError('ValidationException', `Could not find endpoint configuration "${config}".`);
        return {
          EndpointConfigName: config,
          EndpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${config}`,
          CreationTime: 1.7e9,
          ProductionVariants: variants.map((e) => ({
            VariantName: e.variant,
            ...(e.components ? {} : { ModelName: modelNameOf(e) }),
            InitialVariantWeight: 1,
            ...(e.serverless
              ? {
                  ServerlessConfig: {
                    MemorySizeInMB: e.serverless.memoryMb,
                    MaxConcurrency: 20,
                    ...(e.serverless.provisionedConcurrency ? { ProvisionedConcurrency: e.serverless.provisionedConcurrency } : {}),
                  },
                }
              : (() => {
                  const snapshot = original?.find((o) => o.VariantName === e.variant);
                  return { InitialInstanceCount: snapshot?.InitialInstanceCount, InstanceType: snapshot?.InstanceType };
                })()),
          })),
          DataCaptureConfig: {
            EnableCapture: false,
            InitialSamplingPercentage: 10,
            DestinationS3Uri: 's3://ml-capture/',
            CaptureOptions: [{ CaptureMode: 'Input' }],
          },
          KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        };
      }
      case 'CreateEndpointConfig': {
        const config = String(body.EndpointConfigName);
        if (fake.createdConfigs.has(config) || originalConfigs.has(config))
          throw new AwsError(
            'ValidationException',
            `Cannot create already existing endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${config}".`,
          );
        if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(config))
          throw new AwsError(
            'ValidationException',
            `1 validation error detected: Value '${config}' at 'endpointConfigName' failed to satisfy constraint`,
          );
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        fake.createdConfigs.set(config, body);
        return { EndpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${config}` };
      }
      case 'UpdateEndpoint': {
        if (status.get(name) !== 'InService')
          throw new AwsError('ValidationException', `Cannot update in-progress endpoint "${arn(name)}".`);
        const to = String(body.EndpointConfigName);
        const config = (fake.createdConfigs.get(to)?.ProductionVariants ?? originalConfigs.get(to)) as
          | { VariantName: string; InstanceType?: string }[]
          | undefined;
        if (!config) throw new AwsError('ValidationException', `Could not find endpoint configuration "${to}".`);
        // as Application Auto Scaling does: a variant it scales may not change instance type
        for (const v of config) {
          const e = variantsOf(name).find((x) => x.variant === v.VariantName);
          if (e && e.instanceType !== v.InstanceType && scalableTargets.has(`endpoint/${name}/variant/${v.VariantName}`))
            throw new AwsError(
              'ValidationException',
              `The variant ${v.VariantName} is registered with Application Auto Scaling: deregister it before changing its instance type.`,
            );
        }
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        status.set(name, 'Updating');
        updating.set(name, { to, body, describesLeft: updateDescribes, ...(rollBackNext ? { rollBack: rollBackNext } : {}) });
        rollBackNext = undefined;
        return { EndpointArn: arn(name) };
      }
      case 'DeleteEndpoint': {
        describeEndpoint(name);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        status.delete(name);
        configOf.delete(name);
        // as in AWS, the endpoint's Auto Scaling registration goes with it
        for (const id of [...scalableTargets.keys()]) if (id.startsWith(`endpoint/${name}/`)) scalableTargets.delete(id);
        return {};
      }
      case 'CreateEndpoint': {
        if (status.has(name)) throw new AwsError('ValidationException', `Cannot create already existing endpoint "${arn(name)}".`);
        if (!endpoints.some((e) => `${e.name}-config` === body.EndpointConfigName))
          throw new AwsError('ValidationException', `Could not find endpoint configuration "${String(body.EndpointConfigName)}".`);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        status.set(name, 'Creating');
        created.set(name, {
          config: String(body.EndpointConfigName),
          tags: (body.Tags ?? []) as { Key: string; Value: string }[],
          describesUntilInService: 2,
        });
        // a new endpoint starts from its configuration's initial counts and weights
        for (const e of variantsOf(name)) {
          e.weight = 1;
          e.count = e.initialCount ?? e.count;
        }
        return { EndpointArn: arn(name) };
      }
      case 'UpdateEndpointWeightsAndCapacities': {
        if (status.get(name) !== 'InService')
          throw new AwsError('ValidationException', `Cannot update in-progress endpoint "${arn(name)}".`);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        for (const d of body.DesiredWeightsAndCapacities as {
          VariantName: string;
          DesiredWeight?: number;
          DesiredInstanceCount?: number;
        }[]) {
          const e = variantsOf(name).find((v) => v.variant === d.VariantName)!;
          if (d.DesiredWeight !== undefined) e.weight = d.DesiredWeight;
          if (d.DesiredInstanceCount !== undefined) e.count = d.DesiredInstanceCount;
        }
        return { EndpointArn: arn(name) };
      }
      default:
        throw new AwsError('UnknownOperationException', `fake SageMaker does not know ${action}`);
    }
  }

  /** Application Auto Scaling (JSON 1.1), SageMaker variants only. */
  function autoScaling(action: string, body: Record<string, unknown>): unknown {
    fake.autoScalingActions.push(action);
    failIfAsked(action);
    const dimension = 'sagemaker:variant:DesiredInstanceCount';
    const endpointExists = (id: string) => status.get(id.split('/')[1]!) === 'InService';
    switch (action) {
      case 'DescribeScalableTargets':
        return {
          ScalableTargets: ((body.ResourceIds ?? [...scalableTargets.keys()]) as string[])
            .filter((id) => scalableTargets.has(id))
            .map((id) => {
              const { policies: _, ...target } = scalableTargets.get(id)!;
              return {
                ServiceNamespace: 'sagemaker',
                ResourceId: id,
                ScalableDimension: dimension,
                ...target,
                CreationTime: 1.7e9,
                SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
              };
            }),
        };
      case 'DescribeScalingPolicies': {
        const id = String(body.ResourceId);
        return {
          ScalingPolicies: (scalableTargets.get(id)?.policies ?? []).map((p) => ({
            ...p,
            PolicyARN: `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:${p.PolicyName}`,
            ServiceNamespace: 'sagemaker',
            ResourceId: id,
            ScalableDimension: dimension,
            CreationTime: 1.7e9,
            Alarms: [],
          })),
        };
      }
      case 'RegisterScalableTarget': {
        const id = String(body.ResourceId);
        if (!endpointExists(id))
          throw new AwsError('ValidationException', `The endpoint variant ${id} does not exist or is not in service.`);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        scalableTargets.set(id, {
          MinCapacity: Number(body.MinCapacity),
          MaxCapacity: Number(body.MaxCapacity),
          ...(body.RoleARN ? { RoleARN: String(body.RoleARN) } : {}),
          policies: scalableTargets.get(id)?.policies ?? [],
        });
        return { ScalableTargetARN: `arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/${id}` };
      }
      case 'DeregisterScalableTarget': {
        const id = String(body.ResourceId);
        if (!scalableTargets.has(id)) throw new AwsError('ObjectNotFoundException', `No scalable target registered for ${id}`);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        // as in AWS, its scaling policies go with it
        scalableTargets.delete(id);
        return {};
      }
      case 'PutScalingPolicy': {
        const target = scalableTargets.get(String(body.ResourceId));
        if (!target) throw new AwsError('ObjectNotFoundException', `No scalable target registered for ${String(body.ResourceId)}`);
        fake.mutations.push({ action, body, ...(signedBy ? { accessKey: signedBy } : {}) });
        const { PolicyName, PolicyType, TargetTrackingScalingPolicyConfiguration, StepScalingPolicyConfiguration } =
          body as unknown as FakeScalingPolicy;
        target.policies = [
          ...target.policies.filter((p) => p.PolicyName !== PolicyName),
          {
            PolicyName,
            PolicyType,
            ...(TargetTrackingScalingPolicyConfiguration ? { TargetTrackingScalingPolicyConfiguration } : {}),
            ...(StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration } : {}),
          },
        ];
        return { PolicyARN: `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:${PolicyName}`, Alarms: [] };
      }
      default:
        throw new AwsError('UnknownOperationException', `fake Application Auto Scaling does not know ${action}`);
    }
  }

  /** The custom metrics the fleet publishes, with every dimension a real publisher gives them. */
  /** One series per GPU as the CloudWatch agent publishes them: the GPU's index, name and arch, plus append_dimensions. */
  const agentSeries = (i: FakeInstance, metricName: string, perGpu: number[][]) =>
    perGpu.map((values, index) => ({
      namespace: 'CWAgent',
      metricName,
      values,
      dimensions: {
        InstanceId: i.instanceId,
        index: String(index),
        name: 'NVIDIA A10G',
        arch: 'Ampere',
        ...(i.appendedDimensions ?? { ImageId: 'ami-0abcdef1234567890', InstanceType: i.instanceType }),
      } as Record<string, string>,
    }));
  const customMetrics = () =>
    instances.flatMap((i) => [
      // the CloudWatch agent's nvidia_gpu metrics: index, name and arch per GPU, plus append_dimensions
      ...agentSeries(i, 'nvidia_smi_utilization_gpu', i.gpus),
      ...agentSeries(i, 'nvidia_smi_memory_used', i.gpuMemoryUsedMib ?? []),
      // Container Insights with enhanced observability: one series per NeuronCore of an EKS node
      ...(i.neuronCores ?? []).map((values, core) => ({
        namespace: 'ContainerInsights',
        metricName: 'node_neuroncore_utilization',
        values,
        dimensions: {
          ClusterName: 'ml',
          InstanceId: i.instanceId,
          InstanceType: i.instanceType,
          NeuronCore: String(core),
          NeuronDevice: String(Math.floor(core / 2)),
          NodeName: `ip-10-0-0-${core}.ec2.internal`,
        },
      })),
    ]);

  /**
   * A search expression evaluated as CloudWatch documents it: a metric schema {Namespace,Dim1,…}
   * matches metrics in that namespace whose dimension names are exactly those; each Name="value"
   * term matches exactly (Namespace and MetricName, or a dimension). Anything else is refused.
   */
  function searchMetrics(schema: string | undefined, terms: string) {
    const [namespace, ...dimensionNames] = (schema ?? '').split(',').map((p) => p.trim());
    const wanted = [...terms.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const);
    if (terms.replace(/(\w+)="([^"]*)"/g, '').trim())
      throw new AwsError('ValidationError', `the fake CloudWatch does not evaluate the search term ${terms}`);
    return customMetrics().filter((m) => {
      const names = Object.keys(m.dimensions);
      if (
        schema &&
        (m.namespace !== namespace || names.length !== dimensionNames.length || !dimensionNames.every((d) => names.includes(d)))
      )
        return false;
      return wanted.every(([key, value]) =>
        key === 'Namespace'
          ? m.namespace === value
          : key === 'MetricName'
            ? m.metricName === value
            : (m.dimensions as Record<string, string>)[key] === value,
      );
    });
  }

  function cloudWatch(body: Record<string, unknown>, target: string): unknown {
    failIfAsked(target.split('.')[1]!);
    fake.metricRequests.push({
      queries: body.MetricDataQueries as FakeAws['metricRequests'][0]['queries'],
      nextToken: body.NextToken as string | undefined,
      target,
    });
    const half = body.NextToken ? 1 : 0;
    const seriesOf = (q: { Expression?: string; MetricStat?: MetricStat }): number[] => {
      if (q.MetricStat) {
        const dim = (name: string) => q.MetricStat!.Metric.Dimensions.find((d) => d.Name === name)?.Value;
        if (q.MetricStat.Metric.Namespace === 'AWS/EC2') {
          const i = instances.find((x) => x.instanceId === dim('InstanceId'));
          const name = q.MetricStat.Metric.MetricName;
          return (name === 'CPUUtilization' ? i?.cpu : name === 'NetworkIn' ? i?.networkIn : []) ?? [];
        }
        const component = dim('InferenceComponentName');
        if (component) return endpoints.flatMap((x) => x.components ?? []).find((c) => c.name === component)?.invocations ?? [];
        const e = endpoints.find((x) => x.name === dim('EndpointName') && x.variant === dim('VariantName'));
        // SageMaker counts an inference-component endpoint's calls per component only
        if (!e || (e.components && q.MetricStat.Metric.MetricName === 'Invocations')) return [];
        const metric = q.MetricStat.Metric.MetricName;
        if (metric === 'ModelLatency') return (e.latencyMs ?? []).map((ms) => ms * 1000);
        if (metric === 'GPUMemoryUtilization') return e.gpuMemory ?? [];
        return metric === 'Invocations' ? e.invocations : e.gpu;
      }
      // MAX(SEARCH('[{schema}] Term="value" …', 'Average', 3600)): the busiest of the series the search selects at each hour
      const search = /^MAX\(SEARCH\('(?:\{([^}]+)\} ?)?([^']*)', '(?:Average|Maximum)', 3600\)\)$/.exec(q.Expression ?? '');
      if (!search) throw new AwsError('ValidationError', `the fake CloudWatch does not evaluate ${q.Expression}`);
      const series = searchMetrics(search[1], search[2]!).map((m) => m.values);
      return series.length ? series[0]!.map((_, h) => Math.max(...series.map((g) => g[h] ?? 0))) : [];
    };
    const start = typeof body.StartTime === 'number' ? body.StartTime : Date.parse('2026-11-16T00:00:00Z') / 1000;
    const results = (body.MetricDataQueries as { Id: string; Expression?: string; MetricStat?: MetricStat }[]).map((q) => {
      const series = seriesOf(q);
      const cut = Math.ceil(series.length / 2);
      const values = half ? series.slice(cut) : series.slice(0, cut);
      return {
        Id: q.Id,
        Label: q.Id,
        StatusCode: 'Complete',
        Timestamps: values.map((_, k) => start + 3600 * (k + (half ? cut : 0))),
        Values: values,
      };
    });
    return { MetricDataResults: results, Messages: [], ...(half ? {} : { NextToken: 'second-half' }) };
  }

  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const sageMakerCall = target.startsWith('SageMaker.');
      if (sageMakerCall) {
        fake.sageMakerTargets.push(target);
        fake.maxSageMakerInFlight = Math.max(fake.maxSageMakerInFlight, ++inFlight);
      }
      setTimeout(() => {
        if (sageMakerCall) inFlight--;
        answer(req.headers, target, raw, res);
      }, delayMs);
    });
  });

  function answer(headers: NodeJS.Dict<string | string[]>, target: string, raw: string, res: ServerResponse): void {
    const region = /Credential=[^/]+\/\d+\/([a-z0-9-]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? '';
    const regionFailure = failedRegions.get(region);
    signedBy = /Credential=([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1];
    const called = target ? target.split('.')[1] : String((parse(raw) as Record<string, string>).Action);
    const broken = brokenActions.find((b) => b.action === called && (!b.region || b.region === region));
    if (broken) {
      answerBroken(res, broken.broken, !target ? 'query' : target.startsWith('GraniteServiceVersion20100801.') ? 'json-1.0' : 'json-1.1');
      return;
    }
    if (!target) {
      const form = parse(raw) as Record<string, string>;
      if (form.Action === 'AssumeRole') {
        try {
          const xml = sts(form);
          res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
        } catch (error) {
          if (!(error instanceof AwsError)) throw error;
          res
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(
              `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${error.message}</Message></Error><RequestId>${REQUEST_ID}</RequestId></ErrorResponse>`,
            );
        }
        return;
      }
      fake.ec2Requests.push(form);
      try {
        if (regionFailure) throw regionFailure;
        const xml = ec2(form);
        res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' }).end(xml);
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        res.writeHead(400, { 'content-type': 'text/xml;charset=UTF-8' }).end(ec2ErrorXml(error.code, error.message));
      }
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const [service, action] = target.split('.') as [string, string];
    const contentType = service === 'GraniteServiceVersion20100801' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
    try {
      if (regionFailure) throw regionFailure;
      const json =
        service === 'SageMaker'
          ? sageMaker(action, body)
          : service === 'AnyScaleFrontendService'
            ? autoScaling(action, body)
            : cloudWatch(body, target);
      res.writeHead(200, { 'content-type': contentType }).end(JSON.stringify(json));
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      res.writeHead(400, { 'content-type': contentType }).end(JSON.stringify({ __type: error.code, message: error.message }));
    }
  }
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return fake;
}
