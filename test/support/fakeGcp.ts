// A loopback Compute Engine, Vertex AI and Cloud Monitoring, over REST as the @google-cloud clients
// speak it (reached through GCP_COMPUTE_ENDPOINT, GCP_AIPLATFORM_ENDPOINT, GCP_MONITORING_ENDPOINT):
// VMs in zones with their GPUs and local SSDs, the aggregated list with paging, get, stop and start
// with their zone operations; Vertex AI endpoints with deployed models, undeploy and deploy (traffic
// splits checked as Vertex AI checks them) as long-running operations; and timeSeries.list with the
// alignment and cross-series reduction the request asks for.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeVm {
  project: string;
  zone: string;
  name: string;
  id: string;
  machineType: string;
  status: 'RUNNING' | 'TERMINATED';
  gpus?: { type: string; count: number };
  localSsds?: number;
  labels?: Record<string, string>;
  /** hourly series per GPU (the Ops Agent's gpu/utilization), percent; absent: no agent */
  gpuHourly?: number[][];
  /** hourly series per GPU of the memory it held (gpu/memory/bytes_used, memory_state "used"), bytes */
  gpuMemoryHourly?: number[][];
  /** hourly CPU utilization, a fraction; hourly bytes received, and as many sent */
  cpuHourly?: number[];
  networkHourly?: number[];
}

export interface FakeDeployedModel {
  id: string;
  model: string;
  displayName: string;
  machineType: string;
  /** google.cloud.aiplatform.v1.AcceleratorType, as a number (the clients ask for enum-encoding=int) */
  acceleratorType?: number;
  acceleratorCount?: number;
  minReplicaCount: number;
  /** predictions served over the window (all in its first hour unless hourlyPredictions says); 0 leaves no series, as Cloud Monitoring does */
  predictions: number;
  /** for rightsizing: hourly predictions, the mean prediction latency (ms) and the busiest replica's hourly accelerator duty cycle (percent) */
  hourlyPredictions?: number[];
  latencyMs?: number;
  dutyCycle?: number[];
}

/** A Vertex AI Model's serving container, as models.get gives it. */
export interface FakeModel {
  name: string;
  env?: Record<string, string>;
  args?: string[];
}

export interface FakeEndpoint {
  project: string;
  location: string;
  id: string;
  displayName: string;
  labels?: Record<string, string>;
  deployedModels: FakeDeployedModel[];
  trafficSplit: Record<string, number>;
}

export interface FakeGcp {
  url: string;
  /** a service account key file for GOOGLE_APPLICATION_CREDENTIALS */
  keyFile: string;
  vms: FakeVm[];
  endpoints: FakeEndpoint[];
  /** the Models deployed models serve (models.get) */
  models: FakeModel[];
  requests: string[];
  mutations: { call: string; vm?: string; discardLocalSsd?: string; endpoint?: string; body?: unknown }[];
  /** lets `after` calls of this Vertex AI method through, then answers the next with 400 FAILED_PRECONDITION */
  failNext(method: 'undeployModel' | 'deployModel', message: string, after?: number): void;
  /** answers this project's calls to an API with 403 PERMISSION_DENIED; the function it returns lifts that */
  deny(project: string, api: 'compute' | 'monitoring' | 'aiplatform'): () => void;
  env(): Record<string, string>;
  close(): Promise<void>;
}

// google.monitoring.v3.Aggregation's enums as the client sends them (enum-encoding=int)
const ALIGNERS: Record<string, string> = { 10: 'ALIGN_MIN', 11: 'ALIGN_MAX', 12: 'ALIGN_MEAN', 14: 'ALIGN_SUM' };
const REDUCERS: Record<string, string> = { 1: 'REDUCE_MEAN', 3: 'REDUCE_MAX', 4: 'REDUCE_SUM' };
const HOUR_MS = 3_600_000;

export async function startFakeGcp(options: { pageSize?: number; seriesPageSize?: number } = {}): Promise<FakeGcp> {
  const vms: FakeVm[] = [];
  const endpoints: FakeEndpoint[] = [];
  const models: FakeModel[] = [];
  const lros = new Map<string, unknown>();
  const failures = new Map<string, { message: string; after: number }>();
  const requests: string[] = [];
  const mutations: FakeGcp['mutations'] = [];
  const denied = new Set<string>();
  let operations = 0;

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      requests.push(`${req.method} ${path}`);
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      const fail = (status: number, reason: string, message: string) =>
        reply(status, { error: { code: status, message, status: reason, errors: [{ message, reason }] } });
      const projectOf = /^\/(?:compute\/v1|v3|v1)\/projects\/([^/]+)/.exec(path)?.[1];
      const api = path.startsWith('/compute/') ? 'compute' : path.startsWith('/v3/') ? 'monitoring' : 'aiplatform';
      if (projectOf && denied.has(`${projectOf}/${api}`))
        return fail(
          403,
          'PERMISSION_DENIED',
          `Required '${api === 'compute' ? 'compute.instances.list' : 'monitoring.timeSeries.list'}' permission for 'projects/${projectOf}'`,
        );

      const aggregated = /^\/compute\/v1\/projects\/([^/]+)\/aggregated\/instances$/.exec(path);
      if (aggregated && req.method === 'GET') {
        const filter = url.searchParams.get('filter');
        if (filter && filter !== 'status = RUNNING')
          return fail(400, 'INVALID_ARGUMENT', `the fake understands only the filter "status = RUNNING", got ${filter}`);
        const all = vms.filter((vm) => vm.project === aggregated[1] && (!filter || vm.status === 'RUNNING'));
        const size = Math.min(Number(url.searchParams.get('maxResults') ?? 500), options.pageSize ?? 500);
        const offset = Number(url.searchParams.get('pageToken') || 0);
        const page = all.slice(offset, offset + size);
        const items: Record<string, { instances: unknown[] }> = {};
        for (const vm of page) (items[`zones/${vm.zone}`] ??= { instances: [] }).instances.push(resource(vm));
        return reply(200, {
          kind: 'compute#instanceAggregatedList',
          items,
          ...(offset + size < all.length ? { nextPageToken: String(offset + size) } : {}),
        });
      }
      const instance = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+?)(?:\/(stop|start))?$/.exec(path);
      if (instance) {
        const [, project, zone, name, verb] = instance;
        const vm = vms.find((v) => v.project === project && v.zone === zone && v.name === name);
        if (!vm) return fail(404, 'NOT_FOUND', `The resource 'projects/${project}/zones/${zone}/instances/${name}' was not found`);
        if (!verb && req.method === 'GET') return reply(200, resource(vm));
        if (verb === 'stop' && req.method === 'POST') {
          const discard = url.searchParams.get('discardLocalSsd') ?? undefined;
          if (vm.localSsds && discard === undefined)
            return fail(400, 'INVALID_ARGUMENT', 'VM has a Local SSD attached but an undefined value for `discard-local-ssd`');
          vm.status = 'TERMINATED';
          mutations.push({ call: 'stop', vm: name!, ...(discard !== undefined ? { discardLocalSsd: discard } : {}) });
        } else if (verb === 'start' && req.method === 'POST') {
          vm.status = 'RUNNING';
          mutations.push({ call: 'start', vm: name! });
        } else {
          return fail(405, 'METHOD_NOT_ALLOWED', `${req.method} ${path}`);
        }
        return reply(200, {
          kind: 'compute#operation',
          name: `operation-${++operations}`,
          zone: `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}`,
          operationType: verb,
          status: 'RUNNING',
        });
      }
      const wait = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/operations\/([^/]+)\/wait$/.exec(path);
      if (wait && req.method === 'POST') return reply(200, { kind: 'compute#operation', name: wait[3], status: 'DONE', progress: 100 });

      const modelPath = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/models\/[^/:]+)$/.exec(path);
      if (modelPath && req.method === 'GET') {
        const model = models.find((m) => m.name === modelPath[1]);
        if (!model) return fail(404, 'NOT_FOUND', `Model ${modelPath[1]} not found.`);
        return reply(200, {
          name: model.name,
          displayName: model.name.split('/').pop(),
          containerSpec: {
            imageUri: 'us-docker.pkg.dev/vertex-ai/vertex-vision-model-garden-dockers/pytorch-vllm-serve:latest',
            env: Object.entries(model.env ?? {}).map(([name, value]) => ({ name, value })),
            args: model.args ?? [],
          },
        });
      }
      const vertex = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/endpoints(?:\/([^/:]+))?(?::(undeployModel|deployModel))?$/.exec(path);
      if (vertex) {
        const [, project, location, id, verb] = vertex;
        if (!id && req.method === 'GET') {
          const all = endpoints.filter((e) => e.project === project && e.location === location);
          const size = Math.min(Number(url.searchParams.get('pageSize') || 1000), options.pageSize ?? 1000);
          const offset = Number(url.searchParams.get('pageToken') || 0);
          return reply(200, {
            endpoints: all.slice(offset, offset + size).map(endpointResource),
            ...(offset + size < all.length ? { nextPageToken: String(offset + size) } : {}),
          });
        }
        const endpoint = endpoints.find((e) => e.project === project && e.location === location && e.id === id);
        if (!endpoint) return fail(404, 'NOT_FOUND', `Endpoint projects/${project}/locations/${location}/endpoints/${id} not found.`);
        if (!verb && req.method === 'GET') return reply(200, endpointResource(endpoint));
        const request = JSON.parse(body || '{}') as {
          deployedModelId?: string;
          trafficSplit?: Record<string, number>;
          deployedModel?: Record<string, unknown>;
          endpoint?: { trafficSplit?: Record<string, number> };
        };
        const split = request.trafficSplit ?? {};
        const failure = verb ? failures.get(verb) : undefined;
        if (failure && failure.after-- === 0) {
          failures.delete(verb!);
          return fail(400, 'FAILED_PRECONDITION', failure.message);
        }
        const sum = Object.values(split).reduce((a, b) => a + b, 0);
        if (verb === 'undeployModel' && req.method === 'POST') {
          const left = endpoint.deployedModels.filter((m) => m.id !== request.deployedModelId);
          if (left.length === endpoint.deployedModels.length)
            return fail(404, 'NOT_FOUND', `Deployed model ${request.deployedModelId} not found`);
          if (left.length ? sum !== 100 || left.some((m) => !(m.id in split)) : sum !== 0)
            return fail(
              400,
              'INVALID_ARGUMENT',
              `traffic_split must cover the models that stay and sum to 100, got ${JSON.stringify(split)}`,
            );
          endpoint.deployedModels = left;
          endpoint.trafficSplit = split;
          mutations.push({ call: 'undeployModel', endpoint: endpoint.id, body: request });
          return reply(200, operation(path, 'UndeployModel', {}));
        }
        if (verb === 'deployModel' && req.method === 'POST') {
          if (sum !== 100) return fail(400, 'INVALID_ARGUMENT', `traffic_split must sum to 100, got ${JSON.stringify(split)}`);
          const given = request.deployedModel as {
            model: string;
            displayName: string;
            dedicatedResources: {
              machineSpec: { machineType: string; acceleratorType?: number; acceleratorCount?: number };
              minReplicaCount: number;
            };
          };
          const id = String(9000 + endpoints.flatMap((e) => e.deployedModels).length + mutations.length);
          endpoint.deployedModels.push({
            id,
            model: given.model,
            displayName: given.displayName,
            machineType: given.dedicatedResources.machineSpec.machineType,
            ...(given.dedicatedResources.machineSpec.acceleratorType
              ? { acceleratorType: given.dedicatedResources.machineSpec.acceleratorType }
              : {}),
            ...(given.dedicatedResources.machineSpec.acceleratorCount
              ? { acceleratorCount: given.dedicatedResources.machineSpec.acceleratorCount }
              : {}),
            minReplicaCount: Number(given.dedicatedResources.minReplicaCount),
            predictions: 0,
          });
          endpoint.trafficSplit = Object.fromEntries(Object.entries(split).map(([k, v]) => [k === '0' ? id : k, v]));
          mutations.push({ call: 'deployModel', endpoint: endpoint.id, body: request });
          return reply(200, operation(path, 'DeployModel', { deployedModel: { id } }));
        }
        if (!verb && req.method === 'PATCH') {
          if (!['traffic_split', 'trafficSplit'].includes(url.searchParams.get('updateMask') ?? ''))
            return fail(400, 'INVALID_ARGUMENT', `unexpected updateMask ${url.searchParams.get('updateMask')}`);
          const wanted = (JSON.parse(body) as { trafficSplit: Record<string, number> }).trafficSplit;
          endpoint.trafficSplit = wanted;
          mutations.push({ call: 'updateEndpoint', endpoint: endpoint.id, body: wanted });
          return reply(200, endpointResource(endpoint));
        }
        return fail(405, 'METHOD_NOT_ALLOWED', `${req.method} ${path}`);
      }
      // gax polls Vertex AI's long-running operations at /ui/{name}
      if (path.startsWith('/ui/') && lros.has(path.slice(4))) return reply(200, lros.get(path.slice(4)));

      const series = /^\/v3\/projects\/([^/]+)\/timeSeries$/.exec(path);
      if (series && req.method === 'GET') {
        try {
          return reply(200, timeSeries(series[1]!, url.searchParams));
        } catch (error) {
          return fail(400, 'INVALID_ARGUMENT', (error as Error).message);
        }
      }
      return fail(404, 'NOT_FOUND', `the fake has no ${req.method} ${path}`);
    });
  });

  function resource(vm: FakeVm) {
    const zoneUrl = `https://www.googleapis.com/compute/v1/projects/${vm.project}/zones/${vm.zone}`;
    return {
      kind: 'compute#instance',
      id: vm.id,
      name: vm.name,
      status: vm.status,
      zone: zoneUrl,
      machineType: `${zoneUrl}/machineTypes/${vm.machineType}`,
      ...(vm.labels ? { labels: vm.labels } : {}),
      ...(vm.gpus
        ? { guestAccelerators: [{ acceleratorType: `${zoneUrl}/acceleratorTypes/${vm.gpus.type}`, acceleratorCount: vm.gpus.count }] }
        : {}),
      disks: [
        { type: 'PERSISTENT', boot: true, diskSizeGb: '100' },
        ...Array.from({ length: vm.localSsds ?? 0 }, () => ({ type: 'SCRATCH', interface: 'NVME', diskSizeGb: '375' })),
      ],
    };
  }

  function endpointResource(e: FakeEndpoint) {
    return {
      name: `projects/${e.project}/locations/${e.location}/endpoints/${e.id}`,
      displayName: e.displayName,
      ...(e.labels ? { labels: e.labels } : {}),
      trafficSplit: e.trafficSplit,
      deployedModels: e.deployedModels.map((m) => ({
        id: m.id,
        model: m.model,
        displayName: m.displayName,
        dedicatedResources: {
          machineSpec: {
            machineType: m.machineType,
            ...(m.acceleratorType ? { acceleratorType: m.acceleratorType, acceleratorCount: m.acceleratorCount ?? 1 } : {}),
          },
          minReplicaCount: m.minReplicaCount,
          maxReplicaCount: m.minReplicaCount,
        },
      })),
    };
  }

  /** A finished long-running operation, answered when gax polls it. */
  function operation(endpointPath: string, kind: 'DeployModel' | 'UndeployModel', response: Record<string, unknown>) {
    const name = `${endpointPath.replace(/^\/v1\//, '').replace(/:\w+$/, '')}/operations/${++operations}`;
    const metadata = { '@type': `type.googleapis.com/google.cloud.aiplatform.v1.${kind}OperationMetadata`, genericMetadata: {} };
    lros.set(name, {
      name,
      metadata,
      done: true,
      response: { '@type': `type.googleapis.com/google.cloud.aiplatform.v1.${kind}Response`, ...response },
    });
    return { name, metadata };
  }

  /**
   * Vertex AI's hourly series per endpoint and deployed model: predictions (sums; a model given only its
   * week's total served it in the first hour), latency (means), the busiest replica's duty cycle.
   */
  function hourlyVertexSeries(project: string, metric: string, query: URLSearchParams) {
    if (query.getAll('aggregation.groupByFields').join(',') !== 'resource.label.endpoint_id,metric.label.deployed_model_id')
      throw new Error('expected a series per endpoint and deployed model');
    const expected: Record<string, [string, string]> = {
      'aiplatform.googleapis.com/prediction/online/prediction_count': ['ALIGN_SUM', 'REDUCE_SUM'],
      'aiplatform.googleapis.com/prediction/online/prediction_latencies': ['ALIGN_MEAN', 'REDUCE_MEAN'],
      'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle': ['ALIGN_MEAN', 'REDUCE_MAX'],
    };
    const [aligner, reducer] = expected[metric] ?? [];
    if (
      !aligner ||
      ALIGNERS[query.get('aggregation.perSeriesAligner') ?? ''] !== aligner ||
      REDUCERS[query.get('aggregation.crossSeriesReducer') ?? ''] !== reducer
    )
      throw new Error(`unexpected aggregation for ${metric}: ${query.toString()}`);
    const start = Date.parse(query.get('interval.startTime')!);
    return endpoints
      .filter((e) => e.project === project)
      .flatMap((e) =>
        e.deployedModels.flatMap((m) => {
          const values = metric.endsWith('prediction_count')
            ? (m.hourlyPredictions ?? (m.predictions > 0 ? [m.predictions] : undefined))
            : metric.endsWith('prediction_latencies')
              ? m.latencyMs === undefined
                ? undefined
                : (m.hourlyPredictions ?? []).map(() => m.latencyMs!)
              : m.dutyCycle;
          if (!values?.length) return [];
          return [
            {
              metric: { type: metric, labels: { deployed_model_id: m.id } },
              resource: {
                type: 'aiplatform.googleapis.com/Endpoint',
                labels: { resource_container: project, location: e.location, endpoint_id: e.id },
              },
              metricKind: metric.endsWith('prediction_count') ? 'DELTA' : 'GAUGE',
              // newest first, as Cloud Monitoring lists points
              points: values
                .map((value, h) => ({
                  interval: {
                    startTime: new Date(start + h * HOUR_MS).toISOString(),
                    endTime: new Date(start + (h + 1) * HOUR_MS).toISOString(),
                  },
                  value: metric.endsWith('prediction_count') ? { int64Value: String(value) } : { doubleValue: value },
                }))
                .reverse(),
            },
          ];
        }),
      );
  }

  function timeSeries(project: string, query: URLSearchParams) {
    const filter = query.get('filter') ?? '';
    const metric = /metric\.type = "([^"]+)"/.exec(filter)?.[1];
    if (metric?.startsWith('aiplatform.googleapis.com/')) {
      if (!filter.includes('resource.type = "aiplatform.googleapis.com/Endpoint"')) throw new Error(`unexpected filter ${filter}`);
      if (query.get('aggregation.alignmentPeriod') !== '3600s')
        throw new Error(`expected hourly alignment, got ${query.get('aggregation.alignmentPeriod')}`);
      return { timeSeries: hourlyVertexSeries(project, metric, query) };
    }
    if (!metric || !filter.includes('resource.type = "gce_instance"')) throw new Error(`unexpected filter ${filter}`);
    if (query.get('aggregation.alignmentPeriod') !== '3600s')
      throw new Error(`expected hourly alignment, got ${query.get('aggregation.alignmentPeriod')}`);
    if (query.get('aggregation.groupByFields') !== 'resource.label.instance_id')
      throw new Error('expected one series per VM (groupByFields resource.label.instance_id)');
    const aligner = ALIGNERS[query.get('aggregation.perSeriesAligner') ?? ''];
    const reducer = REDUCERS[query.get('aggregation.crossSeriesReducer') ?? ''];
    if (!aligner || !reducer) throw new Error(`unexpected aggregation ${query.toString()}`);
    const start = Date.parse(query.get('interval.startTime')!);
    const perVm = vms
      .filter((vm) => vm.project === project)
      .flatMap((vm) => {
        if (metric.endsWith('gpu/memory/bytes_used') && !filter.includes('metric.label.memory_state = "used"'))
          throw new Error('gpu/memory/bytes_used has a series per memory_state: ask for "used"');
        const raw = metric.endsWith('gpu/utilization')
          ? vm.gpuHourly
          : metric.endsWith('gpu/memory/bytes_used')
            ? vm.gpuMemoryHourly
            : metric.endsWith('cpu/utilization')
              ? vm.cpuHourly
                ? [vm.cpuHourly]
                : undefined
              : vm.networkHourly
                ? [vm.networkHourly]
                : undefined;
        if (!raw?.length) return [];
        // each series is hourly already, so any aligner leaves it as it is; the reducer merges a VM's series hour by hour
        const hours = Math.max(...raw.map((s) => s.length));
        const points = Array.from({ length: hours }, (_, h) => {
          const values = raw.map((s) => s[h]).filter((v): v is number => v !== undefined);
          const value = reducer === 'REDUCE_MAX' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
          const end = new Date(start + (h + 1) * HOUR_MS).toISOString();
          return {
            interval: { startTime: new Date(start + h * HOUR_MS).toISOString(), endTime: end },
            value: metric.includes('bytes') ? { int64Value: String(Math.round(value)) } : { doubleValue: value },
          };
        }).reverse();
        return [
          {
            metric: { type: metric },
            resource: { type: 'gce_instance', labels: { project_id: project, instance_id: vm.id, zone: vm.zone } },
            metricKind: 'GAUGE',
            points,
          },
        ];
      });
    const size = Math.min(Number(query.get('pageSize') || 100_000), options.seriesPageSize ?? 100_000);
    const offset = Number(query.get('pageToken') || 0);
    return {
      timeSeries: perVm.slice(offset, offset + size),
      ...(offset + size < perVm.length ? { nextPageToken: String(offset + size) } : {}),
    };
  }

  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(mkdtempSync(join(tmpdir(), 'burnrate-gcp-')), 'key.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'ml-prod-123456',
      private_key_id: 'k1',
      client_email: 'burnrate@ml-prod-123456.iam.gserviceaccount.com',
      client_id: '1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      token_uri: `${url}/token`,
    }),
  );
  return {
    url,
    keyFile,
    vms,
    endpoints,
    models,
    requests,
    mutations,
    failNext: (method, message, after = 0) => failures.set(method, { message, after }),
    deny: (project, api) => {
      denied.add(`${project}/${api}`);
      return () => denied.delete(`${project}/${api}`);
    },
    env: () => ({
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      GCP_COMPUTE_ENDPOINT: url,
      GCP_MONITORING_ENDPOINT: url,
      GCP_AIPLATFORM_ENDPOINT: url,
    }),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
