// The loopback AWS for `npm run bench:scan`, in its own process so that the scan's memory is
// measured alone: a fleet every region sees, 50 ms added to every answer. Prints its URL; GET
// /__counts answers the calls by API so far.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeEndpoint, type FakeInstance, startFakeAws } from '../test/support/fakeAws.ts';
import { oversizedChat } from '../test/support/servingFleet.ts';

const [endpointCount, instanceCount, delayMs] = process.argv.slice(2).map(Number) as [number, number, number];
const week = (value: number) => Array.from({ length: 168 }, () => value);
const endpoints: FakeEndpoint[] = Array.from({ length: endpointCount }, (_, k) =>
  // one endpoint in ten serves an 8B model from a TGI container on four A10Gs, at a tenth of their use
  k % 10 === 1
    ? oversizedChat(`llm-${k}`)
    : {
        name: `model-${k}`,
        variant: 'AllTraffic',
        instanceType: 'ml.g5.xlarge',
        count: 1,
        // one endpoint in ten is idle
        invocations: k % 10 ? week(25) : [],
        gpu: week(k % 10 ? 30 : 0),
      },
);
const instances: FakeInstance[] = Array.from({ length: instanceCount }, (_, k) => ({
  instanceId: `i-${k.toString(16).padStart(17, '0')}`,
  instanceType: 'g5.xlarge',
  name: `box-${k}`,
  // one machine in five is idle; one in twenty has no CloudWatch agent
  gpus: k % 20 === 19 ? [] : [week(k % 5 ? 60 : 1)],
  cpu: week(k % 5 ? 50 : 2),
  networkIn: week(1000),
}));
const aws = await startFakeAws(instances, endpoints, { delayMs, listPageSize: 100, instancePageSize: 1000 });

const counts = () => {
  const byApi: Record<string, number> = {};
  const add = (api: string) => (byApi[api] = (byApi[api] ?? 0) + 1);
  for (const r of aws.ec2Requests) add(`ec2:${r.Action}`);
  for (const t of aws.sageMakerTargets) add(`sagemaker:${t.split('.')[1]}`);
  for (const a of aws.autoScalingActions ?? []) add(`application-autoscaling:${a}`);
  for (const m of aws.metricRequests) add(`cloudwatch:${m.target.split('.')[1]}`);
  return { byApi, metricQueries: aws.metricRequests.filter((m) => !m.nextToken).reduce((s, m) => s + m.queries.length, 0) };
};
const control = createServer((req, res) => {
  if (req.url === '/__reset') {
    aws.ec2Requests.length = 0;
    aws.sageMakerTargets.length = 0;
    if (aws.autoScalingActions) aws.autoScalingActions.length = 0;
    aws.metricRequests.length = 0;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts()));
});
await new Promise<void>((ready) => control.listen(0, '127.0.0.1', () => ready()));
process.stdout.write(`${JSON.stringify({ aws: aws.url, control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` })}\n`);
