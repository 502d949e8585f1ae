// Loopback EC2 (query protocol, XML answers; AWS_ENDPOINT_URL_EC2) and CloudWatch (JSON 1.0;
// AWS_ENDPOINT_URL_CLOUDWATCH) for GPU utilization: instances to describe, and hourly
// per-GPU utilization series the SEARCH expression of each instance selects.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'node:querystring';

export interface FakeInstance {
  instanceId: string; instanceType: string; name?: string; tags?: Record<string, string>; gpus: number[][];
  /** AWS/EC2 hourly CPUUtilization maxima and NetworkIn bytes, for machines without GPU metrics */
  cpu?: number[]; networkIn?: number[];
}

export interface FakeEndpoint { name: string; variant: string; instanceType: string; count: number; invocations: number[]; gpu: number[]; tags?: Record<string, string> }

export interface FakeAws {
  url: string;
  ec2Requests: Record<string, string>[];
  metricRequests: { queries: { Id: string; Expression?: string; Period: number; MetricStat?: MetricStat }[]; nextToken?: string; target: string }[];
  sageMakerTargets: string[];
  /** the most SageMaker requests the fake held at once */
  maxSageMakerInFlight: number;
  close(): Promise<void>;
}

const xml = (instances: FakeInstance[], nextToken?: string) => `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7e6d5c-1111-2222-3333-444455556666</requestId>
  <reservationSet>${instances.map((i) => `
    <item>
      <reservationId>r-${i.instanceId.slice(2)}</reservationId>
      <ownerId>123456789012</ownerId>
      <instancesSet>
        <item>
          <instanceId>${i.instanceId}</instanceId>
          <instanceType>${i.instanceType}</instanceType>
          <instanceState><code>16</code><name>running</name></instanceState>
          <tagSet>${Object.entries({ ...(i.name ? { Name: i.name } : {}), ...i.tags }).map(([k, v]) => `<item><key>${k}</key><value>${v}</value></item>`).join('')}</tagSet>
        </item>
      </instancesSet>
    </item>`).join('')}
  </reservationSet>${nextToken ? `\n  <nextToken>${nextToken}</nextToken>` : ''}
</DescribeInstancesResponse>`;

interface MetricStat { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }; Stat: string; Period: number }

/** SageMaker (JSON 1.1): ListEndpoints in pages of one, DescribeEndpoint, DescribeEndpointConfig. */
function sageMaker(target: string, body: Record<string, string>, endpoints: FakeEndpoint[]): unknown {
  if (target === 'SageMaker.ListEndpoints') {
    const offset = Number(body.NextToken ?? 0);
    return {
      Endpoints: endpoints.slice(offset, offset + 1).map((e) => ({ EndpointName: e.name, EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${e.name}`, CreationTime: 1.7e9, LastModifiedTime: 1.7e9, EndpointStatus: 'InService' })),
      ...(offset + 1 < endpoints.length ? { NextToken: String(offset + 1) } : {}),
    };
  }
  if (target === 'SageMaker.ListTags') {
    const e = endpoints.find((x) => body.ResourceArn === `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${x.name}`)!;
    return { Tags: Object.entries(e.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  }
  if (target === 'SageMaker.DescribeEndpoint') {
    const e = endpoints.find((x) => x.name === body.EndpointName)!;
    return {
      EndpointName: e.name, EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${e.name}`, EndpointConfigName: `${e.name}-config`, EndpointStatus: 'InService',
      ProductionVariants: [{ VariantName: e.variant, CurrentInstanceCount: e.count, DesiredInstanceCount: e.count, CurrentWeight: 1, DesiredWeight: 1 }],
      CreationTime: 1.7e9, LastModifiedTime: 1.7e9,
    };
  }
  const e = endpoints.find((x) => `${x.name}-config` === body.EndpointConfigName)!;
  return {
    EndpointConfigName: body.EndpointConfigName, EndpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${body.EndpointConfigName}`, CreationTime: 1.7e9,
    ProductionVariants: [{ VariantName: e.variant, ModelName: `${e.name}-model`, InitialInstanceCount: e.count, InstanceType: e.instanceType, InitialVariantWeight: 1 }],
  };
}

/** Instances are described two to a page; each metric series comes in two pages. */
export async function startFakeEc2CloudWatch(instances: FakeInstance[], endpoints: FakeEndpoint[] = [], sageMakerDelayMs = 0): Promise<FakeAws> {
  const fake: FakeAws = { url: '', ec2Requests: [], metricRequests: [], sageMakerTargets: [], maxSageMakerInFlight: 0, close: async () => {} };
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (!target) {
        const form = parse(raw) as Record<string, string>;
        fake.ec2Requests.push(form);
        const offset = Number(form.NextToken ?? 0);
        const page = instances.slice(offset, offset + 2);
        res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' }).end(xml(page, offset + 2 < instances.length ? String(offset + 2) : undefined));
        return;
      }
      const body = JSON.parse(raw);
      if (target.startsWith('SageMaker.')) {
        fake.sageMakerTargets.push(target);
        fake.maxSageMakerInFlight = Math.max(fake.maxSageMakerInFlight, ++inFlight);
        setTimeout(() => {
          inFlight--;
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(sageMaker(target, body, endpoints)));
        }, sageMakerDelayMs);
        return;
      }
      fake.metricRequests.push({ queries: body.MetricDataQueries, nextToken: body.NextToken, target });
      const half = body.NextToken ? 1 : 0;
      const seriesOf = (q: { Expression?: string; MetricStat?: MetricStat }): number[] => {
        if (q.MetricStat) {
          const dim = (name: string) => q.MetricStat!.Metric.Dimensions.find((d) => d.Name === name)?.Value;
          if (q.MetricStat.Metric.Namespace === 'AWS/EC2') {
            const i = instances.find((x) => x.instanceId === dim('InstanceId'));
            const name = q.MetricStat.Metric.MetricName;
            return (name === 'CPUUtilization' ? i?.cpu : name === 'NetworkIn' ? i?.networkIn : []) ?? [];
          }
          const e = endpoints.find((x) => x.name === dim('EndpointName') && x.variant === dim('VariantName'));
          if (!e) return [];
          return q.MetricStat.Metric.MetricName === 'Invocations' ? e.invocations : e.gpu;
        }
        const id = /InstanceId="([^"]+)"/.exec(q.Expression ?? '')?.[1];
        const gpus = instances.find((i) => i.instanceId === id)?.gpus ?? [];
        // MAX over the machine's GPUs at each hour
        return gpus.length ? gpus[0]!.map((_, h) => Math.max(...gpus.map((g) => g[h]!))) : [];
      };
      const results = (body.MetricDataQueries as { Id: string; Expression?: string; MetricStat?: MetricStat }[]).map((q) => {
        const series = seriesOf(q);
        const cut = Math.ceil(series.length / 2);
        const values = half ? series.slice(cut) : series.slice(0, cut);
        const start = Date.parse(body.StartTime ? new Date(body.StartTime * 1000).toISOString() : '2026-11-16T00:00:00Z') / 1000;
        return { Id: q.Id, Label: q.Id, StatusCode: 'Complete', Timestamps: values.map((_, k) => start + 3600 * (k + (half ? cut : 0))), Values: values };
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify({ MetricDataResults: results, Messages: [], ...(half ? {} : { NextToken: 'second-half' }) }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); });
  return fake;
}
