// npm run bench:scan: the idle scan (rightsizing included: one endpoint in ten serves an LLM) over
// 10,000 SageMaker endpoints and 2,000 GPU instances across 10 regions, against a loopback AWS that
// adds 50 ms to every call. Prints the time (median of 3),
// the calls by API (metric calls ≈ queries ÷ 500 per region, ×2 for CloudWatch's pages here), the
// findings, and the scan's peak memory. Target: ≤ 30 s.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { runScan } from '../reports/idleScan/scanJob.ts';

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-south-1',
];
const ENDPOINTS_PER_REGION = 1000;
const INSTANCES_PER_REGION = 200;
const DELAY_MS = 50;
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./fakeAwsProcess.ts', import.meta.url)),
      String(ENDPOINTS_PER_REGION),
      String(INSTANCES_PER_REGION),
      String(DELAY_MS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const { aws, control } = JSON.parse(line.toString()) as { aws: string; control: string };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDBURNRATEBENCH',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_EC2: aws,
    AWS_ENDPOINT_URL_CLOUDWATCH: aws,
    AWS_ENDPOINT_URL_SAGEMAKER: aws,
    AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: aws,
  });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const times: number[] = [];
  let findings = 0;
  let recommendations = 0;
  let counts: { byApi: Record<string, number>; metricQueries: number } | undefined;
  try {
    console.log(
      `idle scan: ${ENDPOINTS_PER_REGION * REGIONS.length} endpoints, ${INSTANCES_PER_REGION * REGIONS.length} GPU instances, ${REGIONS.length} regions, ${DELAY_MS} ms per call (target ≤ 30 s)`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      await fetch(`${control}/__reset`);
      const start = performance.now();
      const report = await runScan({ regions: REGIONS }, new Date('2026-11-23T08:00:00Z'), process.env);
      times.push((performance.now() - start) / 1000);
      findings = report.findings.length;
      recommendations = report.rightsizing?.length ?? 0;
      counts = (await (await fetch(control)).json()) as typeof counts;
      console.log(
        `  run ${round + 1}: ${times.at(-1)!.toFixed(1)} s, ${findings} findings, ${recommendations} rightsizing recommendations`,
      );
    }
  } finally {
    clearInterval(sampler);
    child.kill();
  }
  console.log(`median ${median(times).toFixed(1)} s; peak RSS of the scanning process ${(peak / 2 ** 20).toFixed(0)} MiB`);
  console.log('calls by API (one run):');
  for (const [api, n] of Object.entries(counts!.byApi).sort()) console.log(`  ${api.padEnd(36)} ${n}`);
  console.log(
    `  metric queries ${counts!.metricQueries}: ${Math.ceil(counts!.metricQueries / REGIONS.length / 500)} GetMetricData batches per region (500 queries each), each in 2 pages here`,
  );
}

await main();
