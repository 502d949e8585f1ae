// A cloud read that fails becomes one line naming the place, the API and the error code, and the
// rest of the report still comes: the installed CLI against a loopback AWS that fails the way real
// endpoints do (an HTML 5xx, throttling past the SDK's retries, an operation the region lacks,
// access denied, no answer at all), in one region and in one of two.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestQuery } from '../reports/weeklyDigest/weeklyDigest.ts';
import { lastFullWeek } from '../src/calc/period.ts';
import { demoAccount } from '../src/clouds/demo/demoAccount.ts';
import { BROKEN_ANSWERS, type BrokenAnswer, expectedCode } from './support/brokenAnswers.ts';
import { type FakeAws, type FakeEndpoint, startFakeAws } from './support/fakeAws.ts';
import { type FakeCostExplorer, startFakeCostExplorer } from './support/fakeCostExplorer.ts';
import { cleanEnv, expectNoStackTrace, shippedCli } from './support/shippedBin.ts';

const week = (value: number) => Array.from({ length: 168 }, () => value);
let aws: FakeAws;
let costExplorer: FakeCostExplorer;

/** An idle GPU instance and an idle endpoint in every region, and any other endpoints a test adds. */
const startFleet = (more: FakeEndpoint[] = []) =>
  startFakeAws(
    [{ instanceId: 'i-0aaaaaaaaaaaaaaa1', instanceType: 'g5.xlarge', name: 'forgotten', gpus: [week(1)] }],
    [{ name: 'quiet-model', variant: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 1, invocations: [], gpu: [] }, ...more],
  );

beforeEach(async () => {
  aws = await startFleet();
  costExplorer = await startFakeCostExplorer({ data: await demoAccount.costs(digestQuery(lastFullWeek(new Date(), 'UTC'), 'team')) });
});
afterEach(async () => {
  await aws.close();
  await costExplorer.close();
});

/** The CLI's environment: AWS credentials, the loopback endpoints, and the regions to read. */
function awsEnv(regions: string[]): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-failures-'));
  writeFileSync(join(dir, 'burnrate.yaml'), `digest:\n  regions: [${regions.join(', ')}]\n`);
  return cleanEnv({
    AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: regions[0],
    AWS_ENDPOINT_URL_EC2: aws.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: aws.url,
    AWS_ENDPOINT_URL_SAGEMAKER: aws.url,
    AWS_ENDPOINT_URL_COST_EXPLORER: costExplorer.url,
    BURNRATE_CONFIG: join(dir, 'burnrate.yaml'),
    BURNRATE_STATE_FILE: join(dir, 'state.sqlite'),
    // a request nobody answers counts as failed after this long (the SDK tries it three times)
    BURNRATE_AWS_TIMEOUT_MS: '300',
  });
}

/** The note a failed SageMaker ListApps leaves, for each way it can fail. */
const listAppsNote = (place: string, broken: BrokenAnswer) =>
  broken === 'denied'
    ? `${place}: AWS denied ListApps: grant the bot's role sagemaker:ListApps; left out there: SageMaker Studio apps`
    : `${place}: SageMaker ListApps failed (${expectedCode(broken, 'json-1.1')}); left out there: SageMaker Studio apps`;

describe.each(BROKEN_ANSWERS)('SageMaker ListApps answering %s', (broken) => {
  it('one region: the scan prints its findings with a one-line note and exits 0', async () => {
    aws.breakAction('ListApps', broken);
    const run = await shippedCli(['scan', '--dry-run'], awsEnv(['us-east-1']));
    expect(run.code, run.stderr).toBe(0);
    expectNoStackTrace(run);
    expect(run.stdout).toMatch(/^Idle GPUs and endpoints: \$[\d,]+ a month across 2 findings/);
    expect(run.stdout).toContain(`- ${listAppsNote('us-east-1', broken)}\n`);
  });

  it("two regions, one failing: both regions' findings, and the note names the failing one", async () => {
    aws.breakAction('ListApps', broken, 'us-west-2');
    const run = await shippedCli(['scan', '--dry-run', '--json'], awsEnv(['us-east-1', 'us-west-2']));
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout) as { figures: { findings: { value: number } }; assumptions: string[] };
    expect(plan.figures.findings.value).toBe(4);
    expect(plan.assumptions).toContain(listAppsNote('us-west-2', broken));
    expect(plan.assumptions.filter((a) => a.startsWith('us-east-1:'))).toEqual([]);
  });

  it('one region: the digest is printed with the same note and exits 0', async () => {
    aws.breakAction('ListApps', broken);
    const run = await shippedCli(['digest', '--dry-run'], awsEnv(['us-east-1']));
    expect(run.code, run.stderr).toBe(0);
    expectNoStackTrace(run);
    expect(run.stdout).toMatch(/^Cloud cost /);
    expect(run.stdout).toContain(listAppsNote('us-east-1', broken));
  });
});

describe('the other APIs a scan reads, in their own protocols', () => {
  it.each([
    ['DescribeInstances', 'query', 'EC2 DescribeInstances', 'GPU instances'],
    // the endpoints' reading serves rightsizing too: what it leaves out names both
    ['GetMetricData', 'json-1.0', 'CloudWatch GetMetricData', 'GPU instances, Endpoints (SageMaker, Vertex AI), Endpoint models and load'],
    ['ListEndpoints', 'json-1.1', 'SageMaker ListEndpoints', 'Endpoints (SageMaker, Vertex AI), Endpoint models and load'],
    [
      'ListInferenceComponents',
      'json-1.1',
      'SageMaker ListInferenceComponents',
      'Endpoints (SageMaker, Vertex AI), Endpoint models and load',
    ],
  ] as const)('%s throttled past the retries: a note with its code', async (action, protocol, api, part) => {
    if (action === 'ListInferenceComponents') {
      await aws.close();
      aws = await startFleet([
        {
          name: 'shared-host',
          variant: 'AllTraffic',
          instanceType: 'ml.g5.xlarge',
          count: 1,
          invocations: [],
          gpu: [],
          components: [{ name: 'ic-a', invocations: [] }],
        },
      ]);
    }
    aws.breakAction(action, 'throttled');
    const run = await shippedCli(['scan', '--dry-run', '--json'], awsEnv(['us-east-1']));
    expect(run.code, run.stderr).toBe(0);
    const notes = JSON.parse(run.stdout).assumptions as string[];
    expect(notes, notes.join('\n')).toContain(`us-east-1: ${api} failed (${expectedCode('throttled', protocol)}); left out there: ${part}`);
  });
});

describe('Cost Explorer', () => {
  it('a forecast answering an HTML 500 leaves out the forecast line, not the digest', async () => {
    costExplorer.options.broken = { GetCostForecast: 'html-500' };
    const run = await shippedCli(['digest', '--dry-run'], awsEnv(['us-east-1']));
    expect(run.code, run.stderr).toBe(0);
    expectNoStackTrace(run);
    expect(run.stdout).toMatch(/^Cloud cost .*: \$[\d,]+/);
    expect(run.stdout).toContain('no month-end forecast: Cost Explorer GetCostForecast failed (HTTP 500)');
  });

  it('costs that cannot be read at all: the digest says so, and the CLI exits 1 with the reason', async () => {
    costExplorer.options.broken = { GetCostAndUsage: 'hang' };
    const run = await shippedCli(['digest', '--dry-run'], awsEnv(['us-east-1']));
    expect(run.code).toBe(1);
    expectNoStackTrace(run);
    expect(run.stdout).toMatch(
      /^Cloud cost \d{4}-W\d\d: AWS Cost Explorer unavailable \(Cost Explorer GetCostAndUsage failed \(timed out\)\)/,
    );
    expect(run.stderr).toContain('burnrate digest: AWS Cost Explorer: Cost Explorer GetCostAndUsage failed (timed out)');
  });
});

describe('a scan whose every read fails', () => {
  it('prints the notes, says nothing could be read, and exits 1', async () => {
    for (const action of ['DescribeInstances', 'ListEndpoints', 'ListNotebookInstances', 'ListApps']) aws.breakAction(action, 'html-500');
    const run = await shippedCli(['scan', '--dry-run'], awsEnv(['us-east-1']));
    expect(run.code).toBe(1);
    expectNoStackTrace(run);
    expect(run.stdout).toContain('us-east-1: EC2 DescribeInstances failed (HTTP 500); left out there: GPU instances');
    expect(run.stderr).toContain('burnrate scan: nothing could be read: every place failed (the notes say where and why)');
  });
});
