// GCP: GCE GPU VMs and Vertex AI endpoints found idle through the real Compute Engine, Vertex AI and
// Cloud Monitoring clients (REST) against a loopback GCP, priced from the catalog, re-checked,
// stopped and restored.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUSIONS } from '../reports/idleScan/idleFindings.ts';
import { runScan } from '../reports/idleScan/scanJob.ts';
import { runRightsizing } from '../reports/rightsizing/rightsizeJob.ts';
import { priceUtilization } from '../reports/weeklyDigest/weeklyDigest.ts';
import { type CloudActionSettings, recheck, stopperFor } from '../src/actions/cloudActions.ts';
import { findingRef } from '../src/actions/findingRef.ts';
import { HOURS_PER_MONTH } from '../src/calc/pricing.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import { toMicro } from '../src/clouds/costSource.ts';
import { utilizationSource } from '../src/clouds/registry.ts';
import { type LocalSsdPolicy } from '../src/clouds/resourceKinds.ts';
import { ActionRefused, type CloudCall } from '../src/clouds/stopper.ts';
import { readUtilization } from '../src/clouds/utilization.ts';
import { loadSettings, SettingsError } from '../src/runtime/settings.ts';
import { DEFAULT_APPROVALS } from '../src/settings/fileSettings.ts';
import { scanMessage } from '../src/slack/findingBlocks.ts';
import { type FakeEndpoint, type FakeGcp, type FakeVm, startFakeGcp } from './support/fakeGcp.ts';

const NOW = new Date('2026-11-23T08:00:00Z');
const PROD = 'ml-prod-123456';
const RESEARCH = 'ml-research-654321';
const BROKEN = 'ml-broken-000000';
const WEEK = 168;
const flat = (value: number, hours = WEEK) => Array.from({ length: hours }, () => value);

let gcp: FakeGcp;
const savedCredentials = process.env.GOOGLE_APPLICATION_CREDENTIALS;

function fleet(): FakeVm[] {
  const vm = (over: Partial<FakeVm> & Pick<FakeVm, 'name' | 'id' | 'machineType'>): FakeVm => ({
    project: PROD,
    zone: 'us-central1-a',
    status: 'RUNNING',
    ...over,
  });
  return [
    // idle: its busiest of 8 GPUs peaked at 4%; two local SSDs
    vm({
      name: 'llm-finetune-idle',
      id: '1001',
      machineType: 'a2-ultragpu-8g',
      gpus: { type: 'nvidia-a100-80gb', count: 8 },
      localSsds: 2,
      labels: { team: 'llm' },
      gpuHourly: [flat(4), ...Array.from({ length: 7 }, () => flat(0.5))],
    }),
    // not idle: one GPU of eight worked for an hour; the average over GPUs would hide it
    vm({
      name: 'eval-a100',
      id: '1002',
      machineType: 'a2-ultragpu-8g',
      gpus: { type: 'nvidia-a100-80gb', count: 8 },
      gpuHourly: [[...flat(1, 167), 60], ...Array.from({ length: 7 }, () => flat(1))],
    }),
    // an N1 with an attached T4, idle, in another zone: priced as n1-standard-4+t4
    vm({
      name: 'notebook-t4',
      id: '1003',
      zone: 'europe-west4-b',
      machineType: 'n1-standard-4',
      gpus: { type: 'nvidia-tesla-t4', count: 1 },
      gpuHourly: [flat(0)],
    }),
    // no Ops Agent: judged on CPU (3%) and network (1 MB a day each way), low confidence
    vm({
      name: 'batch-l4',
      id: '1004',
      machineType: 'g2-standard-4',
      gpus: { type: 'nvidia-l4', count: 1 },
      cpuHourly: flat(0.03),
      networkHourly: flat(1e6 / 24),
    }),
    // left alone: no GPU, stopped, kept by label
    vm({ name: 'web-frontend', id: '1005', machineType: 'e2-standard-4', gpuHourly: [flat(0)] }),
    vm({
      name: 'old-a100',
      id: '1006',
      machineType: 'a2-highgpu-1g',
      status: 'TERMINATED',
      gpus: { type: 'nvidia-tesla-a100', count: 1 },
      gpuHourly: [flat(0)],
    }),
    vm({
      name: 'standby-l4',
      id: '1007',
      machineType: 'g2-standard-4',
      gpus: { type: 'nvidia-l4', count: 1 },
      labels: { 'burnrate-keep': 'true' },
      gpuHourly: [flat(0)],
    }),
    vm({
      project: RESEARCH,
      name: 'research-l4',
      id: '2001',
      machineType: 'g2-standard-4',
      gpus: { type: 'nvidia-l4', count: 1 },
      gpuHourly: [flat(2)],
    }),
  ];
}

beforeAll(async () => {
  // two VMs and two series a page: the clients must follow nextPageToken
  gcp = await startFakeGcp({ pageSize: 2, seriesPageSize: 2 });
  gcp.deny(BROKEN, 'compute');
  // google-auth reads the key file from the process's environment
  process.env.GOOGLE_APPLICATION_CREDENTIALS = gcp.keyFile;
});
const T4 = 5;
const L4 = 11;

function endpoints(): FakeEndpoint[] {
  const model = (id: string, predictions: number, over: Partial<FakeEndpoint['deployedModels'][number]> = {}) => ({
    id,
    model: `projects/${PROD}/locations/us-central1/models/m${id}`,
    displayName: `model-${id}`,
    machineType: 'n1-standard-4',
    acceleratorType: T4,
    acceleratorCount: 1,
    minReplicaCount: 1,
    predictions,
    ...over,
  });
  const endpoint = (over: Partial<FakeEndpoint> & Pick<FakeEndpoint, 'id' | 'displayName' | 'deployedModels'>): FakeEndpoint => ({
    project: PROD,
    location: 'us-central1',
    trafficSplit: Object.fromEntries(over.deployedModels.map((m, i) => [m.id, i === 0 ? 100 : 0])),
    ...over,
  });
  return [
    // nobody called it all week: two T4 replicas
    endpoint({
      id: '111',
      displayName: 'churn-vertex',
      labels: { team: 'growth' },
      deployedModels: [model('11', 0, { minReplicaCount: 2 })],
    }),
    // one model of two idle: partly idle, no Stop
    endpoint({
      id: '222',
      displayName: 'ranker-vertex',
      deployedModels: [model('21', 5000), model('22', 0, { machineType: 'g2-standard-4', acceleratorType: L4 })],
    }),
    endpoint({ id: '333', displayName: 'busy-vertex', deployedModels: [model('31', 120)] }),
    // two idle models sharing traffic 70/30
    endpoint({
      id: '444',
      displayName: 'ab-test-vertex',
      deployedModels: [model('41', 0), model('42', 0)],
      trafficSplit: { 41: 70, 42: 30 },
    }),
    endpoint({
      id: '555',
      location: 'europe-west4',
      displayName: 'eu-vertex',
      deployedModels: [model('51', 0, { machineType: 'g2-standard-4', acceleratorType: L4 })],
    }),
  ];
}

beforeEach(() => {
  gcp.vms.splice(0, gcp.vms.length, ...fleet());
  gcp.endpoints.splice(0, gcp.endpoints.length, ...endpoints());
  gcp.models.length = 0;
  gcp.requests.length = 0;
  gcp.mutations.length = 0;
});
afterAll(async () => {
  process.env.GOOGLE_APPLICATION_CREDENTIALS = savedCredentials;
  await gcp.close();
});

const price = (instance: string) => ({ 'a2-ultragpu-8g': 40.55, 'n1-standard-4+t4': 0.54, 'g2-standard-4': 0.71 })[instance]!;

/** One A100 80GB at 30% that never held more than 14 GiB: an A100 40GB holds it and its load. */
const chatA100 = (): FakeVm => ({
  project: PROD,
  zone: 'us-central1-a',
  status: 'RUNNING',
  name: 'chat-a100',
  id: '1008',
  machineType: 'a2-ultragpu-1g',
  gpus: { type: 'nvidia-a100-80gb', count: 1 },
  gpuHourly: [flat(30)],
  gpuMemoryHourly: [flat(14 * 2 ** 30)],
});

describe('rightsizing GCE GPU VMs', () => {
  it('recommends the cheapest machine type whose GPUs hold the busiest one’s memory and load, as advice with the gcloud commands', async () => {
    gcp.vms.push(chatA100());
    const report = await runRightsizing({ gcp_projects: [PROD] }, NOW, gcp.env());
    const r = report.recommendations.find((x) => x.name === 'chat-a100')!;
    expect(r).toMatchObject({
      kind: 'gce-gpu-instance',
      place: `${PROD}/us-central1-a`,
      current: { instanceType: 'a2-ultragpu-1g', count: 1 },
      recommended: { instanceType: 'a2-highgpu-1g', count: 1 },
      confidence: 'medium',
      model: null,
    });
    expect(r.monthlySaving).toBeCloseTo((5.07 - 3.67) * HOURS_PER_MONTH, 6);
    expect(r.evidence[1]).toBe('its memory peak 14.0 GiB of 79.2 GiB; A100 40GB holds 39.5 GiB');
    expect(r.commands).toEqual([
      `gcloud compute instances stop chat-a100 --zone=us-central1-a --project=${PROD}`,
      `gcloud compute instances set-machine-type chat-a100 --zone=us-central1-a --project=${PROD} --machine-type=a2-highgpu-1g`,
      `gcloud compute instances start chat-a100 --zone=us-central1-a --project=${PROD}`,
    ]);
    expect(r.changes).toMatch(/^advice: stop the VM, change its machine type, start it/);
    // an N1's GPUs are attachments, and a VM without the Ops Agent's GPU memory cannot be sized: each says why
    const why = (id: string) => report.notRecommended.find((n) => n.id === id)?.reason;
    expect(why(`${PROD}/europe-west4-b/notebook-t4`)).toMatch(/^an N1 VM’s attached GPUs change through instances\.setMachineResources/);
    expect(why(`${PROD}/us-central1-a/eval-a100`)).toBe('no GPU utilization or GPU memory from the Ops Agent: its GPUs’ needs are unknown');
  });
});

describe('rightsizing Vertex AI deployed models', () => {
  it('sizes a deployed model from the model its container loads and its load, as advice with the gcloud commands', async () => {
    const week = (value: number) => flat(value);
    // Llama-3.1-8B on vLLM (Model Garden's flags) on one A100 80GB, at 8% duty cycle: one L4 holds it and its peak
    gcp.models.push({
      name: `projects/${PROD}/locations/us-central1/models/llama8b`,
      args: ['--model=meta-llama/Llama-3.1-8B-Instruct', '--tensor-parallel-size=1', '--max-model-len=4096', '--dtype=bfloat16'],
    });
    gcp.endpoints.push({
      project: PROD,
      location: 'us-central1',
      id: '666',
      displayName: 'chat-vertex',
      trafficSplit: { 61: 100 },
      deployedModels: [
        {
          id: '61',
          model: `projects/${PROD}/locations/us-central1/models/llama8b`,
          displayName: 'llama8b',
          machineType: 'a2-ultragpu-1g',
          acceleratorType: 13,
          acceleratorCount: 1,
          minReplicaCount: 1,
          predictions: 300 * WEEK,
          hourlyPredictions: week(300),
          latencyMs: 1500,
          dutyCycle: week(8),
        },
      ],
    });
    const report = await runRightsizing({ gcp_projects: [PROD] }, NOW, gcp.env());
    const r = report.recommendations.find((x) => x.kind === 'vertex-endpoint')!;
    expect(r).toMatchObject({
      name: 'chat-vertex / 61',
      place: `${PROD}/us-central1`,
      current: { instanceType: 'a2-ultragpu-1g', count: 1 },
      recommended: { instanceType: 'g2-standard-4', count: 1 },
      model: { id: 'llama-3.1-8b', contextTokens: 4096 },
      served: { id: 'meta-llama/Llama-3.1-8B-Instruct', from: 'vLLM', precision: 'bf16', tensorParallel: 1, contextTokens: 4096 },
      // Vertex AI gives no GPU memory share: sized from the model alone
      confidence: 'medium',
    });
    expect(r.monthlySaving).toBeCloseTo((5.07 - 0.71) * HOURS_PER_MONTH, 6);
    expect(r.evidence.slice(0, 3)).toEqual([
      'peak 5.0 calls/min (busiest hour), p95 5.0',
      'model latency 1500 ms: 1 request in flight at peak',
      'GPU peak 8% per GPU on 1 × A100 80GB',
    ]);
    expect(r.commands).toEqual([
      `gcloud ai endpoints deploy-model 666 --region=us-central1 --project=${PROD} --model=llama8b --display-name=chat-vertex-rightsized --machine-type=g2-standard-4 --accelerator=type=nvidia-l4,count=1 --min-replica-count=1 --traffic-split=0=100`,
      `gcloud ai endpoints undeploy-model 666 --region=us-central1 --project=${PROD} --deployed-model-id=61`,
    ]);
    expect(r.changes).toMatch(/^advice: deploy the same model again on 1 × g2-standard-4, move all traffic to it, then undeploy/);
    // the scan's own deployed models serve Models the fake does not have: each is counted as not sized, with why
    expect(report.notRecommended.find((n) => n.id === `${PROD}/us-central1/333/31`)?.reason).toMatch(
      'the model could not be known: Vertex AI models.get failed (HTTP 404)',
    );
  });
});

describe('rightsizing where Vertex AI cannot be read', () => {
  it('names the project and the role to grant, and still sizes its GCE VMs', async () => {
    gcp.vms.push(chatA100());
    const allow = gcp.deny(PROD, 'aiplatform');
    const report = await runRightsizing({ gcp_projects: [PROD] }, NOW, gcp.env()).finally(allow);
    expect(report.recommendations.map((r) => r.name)).toEqual(['chat-a100']);
    expect(report.notes).toEqual([
      `${PROD}/all zones: GCP denied aiplatform.endpoints.list in project ${PROD}, location us-central1: grant the bot's service account roles/aiplatform.viewer; left out there: Endpoint models and load`,
    ]);
    expect(report.unavailable).toBeUndefined();
  });
});

describe('idle GCE GPU VMs', () => {
  it('finds them in every zone of every configured project, on the busiest GPU, with their price, labels and local SSD', async () => {
    const { findings: all, plan } = await runScan({ gcp_projects: [PROD, RESEARCH] }, NOW, gcp.env());
    const findings = all.filter((f) => f.kind === 'gce-gpu-instance');
    expect(findings.map((f) => [f.kind, f.account, f.region, f.id, f.instanceType, f.confidence])).toEqual([
      ['gce-gpu-instance', PROD, 'us-central1-a', 'llm-finetune-idle', 'a2-ultragpu-8g', 'high'],
      ['gce-gpu-instance', PROD, 'us-central1-a', 'batch-l4', 'g2-standard-4', 'low'],
      ['gce-gpu-instance', RESEARCH, 'us-central1-a', 'research-l4', 'g2-standard-4', 'high'],
      ['gce-gpu-instance', PROD, 'europe-west4-b', 'notebook-t4', 'n1-standard-4+t4', 'high'],
    ]);
    for (const f of findings) expect(f.monthlyWaste).toBeCloseTo(price(f.instanceType) * HOURS_PER_MONTH, 6);
    const [idle, blind] = findings;
    expect(idle!.evidence).toBe(
      'busiest GPU (Ops Agent agent.googleapis.com/gpu/utilization) over 7 days: peak 4.0%, average 4.0% across 168 hourly datapoints',
    );
    expect(idle!.tags).toEqual({ team: 'llm' });
    // approvals.gce_local_ssd is refuse unless set: a VM with local SSD is reported but offered no Stop
    expect(idle!.stopEffect).toBe(
      'nothing: its 750 GB of local SSD would be lost or kept at a charge, and approvals.gce_local_ssd is refuse; set it to discard or preserve to offer Stop',
    );
    expect(idle!.noStop).toBe(true);
    expect(blind!.evidence).toBe('no GPU metrics, so judged on CPU and network over 7 days: CPU peak 3.0%, network 2.00 MB a day');
    expect(findings[3]!.stopEffect).toContain('it has no local SSD, so no local data is lost');
    expect(plan.assumptions.join('\n')).not.toMatch(/skipped/);
    // the kept VM is counted, not dropped
    expect(plan.assumptions).toContain('1 idle resource excluded by the keep tag or scan.allow: standby-l4');
  });

  it('follows every page of the aggregated list and of the time series, one Monitoring query a metric per project', async () => {
    await runScan({ gcp_projects: [PROD] }, NOW, gcp.env());
    const lists = gcp.requests.filter((r) => r === `GET /compute/v1/projects/${PROD}/aggregated/instances`);
    // 6 running VMs in PROD, two a page
    expect(lists).toHaveLength(3);
    // GPU: 6 series → 3 pages; GPU memory (no VM publishes it): one; the one blind VM's CPU, received and sent
    // bytes: a page each; Vertex AI's hourly predictions, read once for the idle scan and rightsizing: one;
    // rightsizing's latencies and duty cycles (no deployed model publishes them): one each
    expect(gcp.requests.filter((r) => r === `GET /v3/projects/${PROD}/timeSeries`)).toHaveLength(3 + 1 + 3 + 1 + 2);
    // the endpoints too are listed once (4 in us-central1, two a page) for both
    expect(gcp.requests.filter((r) => r === `GET /v1/projects/${PROD}/locations/us-central1/endpoints`)).toHaveLength(2);
  });

  it('gives the weekly digest their GPU hours used and the idle share of their cost, at GCP prices', async () => {
    const reading = await readUtilization(await utilizationSource({ gcp_projects: [RESEARCH] }, gcp.env()), '2026-11-16', '2026-11-23');
    const [line] = priceUtilization(reading.instances, bundledCatalogs().prices);
    expect(line).toMatchObject({ instanceId: 'research-l4', cloud: 'gcp', hours: WEEK, averagePercent: 2, cost: toMicro(0.71 * WEEK) });
    expect(line!.idleCost).toBe(Math.round(toMicro(0.71 * WEEK) * 0.98));
  });

  it('reports a project it may not read with the role to grant, and reads the others', async () => {
    const reading = await readUtilization(
      await utilizationSource({ gcp_projects: [BROKEN, RESEARCH] }, gcp.env()),
      '2026-11-16',
      '2026-11-23',
    );
    expect(reading.instances.map((i) => i.instanceId)).toEqual(['research-l4']);
    expect(reading.notes).toEqual([
      `${BROKEN}/all zones: GCP denied compute.instances.list in project ${BROKEN}: grant the bot's service account roles/compute.viewer; left out there: GPU instances`,
    ]);
  });

  it('shows them in Slack under their own title, placed in their project and zone', async () => {
    const report = await runScan({ gcp_projects: [PROD] }, NOW, gcp.env());
    const text = JSON.stringify(scanMessage(report, () => true).blocks);
    expect(text).toContain('*GCE GPU VMs: ');
    expect(text).toContain(`*llm-finetune-idle* (${PROD}/us-central1-a)`);
  });
});

describe('stopping a GCE VM', () => {
  const cloud = (gceLocalSsd: LocalSsdPolicy = 'discard'): CloudActionSettings => ({
    env: gcp.env(),
    exclusions: DEFAULT_EXCLUSIONS,
    gcpProjects: [PROD],
    gceLocalSsd,
  });
  const scan = (gce_local_ssd: LocalSsdPolicy) =>
    runScan({ gcp_projects: [PROD] }, NOW, gcp.env(), {
      exclusions: DEFAULT_EXCLUSIONS,
      approvals: { ...DEFAULT_APPROVALS, gce_local_ssd },
    });

  it('offers no Stop for a VM with local SSD while approvals.gce_local_ssd is refuse, and refuses one asked for anyway', async () => {
    const report = await scan('refuse');
    const ref = findingRef(report.findings.find((f) => f.id === 'llm-finetune-idle')!);
    const control = scanMessage(report, () => true).blocks.find((b) => b.block_id?.includes(':llm-finetune-idle|'));
    expect(control?.type === 'actions' && control.elements.map((e) => e.text.text)).toEqual(['Snooze 7d', 'Keep']);
    expect(await recheck(ref, cloud('refuse'), NOW)).toEqual({
      idle: false,
      reason:
        'its 750 GB of local SSD would be lost or kept at a charge, and approvals.gce_local_ssd is refuse; set it to discard or preserve to offer Stop',
    });
    await expect((await stopperFor(ref, cloud('refuse'))).stop(ref, [])).rejects.toThrow(
      new ActionRefused('it has local SSD and approvals.gce_local_ssd is refuse'),
    );
    expect(gcp.mutations).toEqual([]);
  });

  it('with preserve, stops it keeping its local SSD and says so', async () => {
    const { findings } = await scan('preserve');
    const finding = findings.find((f) => f.id === 'llm-finetune-idle')!;
    expect(finding.stopEffect).toContain(
      'its 750 GB of local SSD is kept and still billed while stopped (approvals.gce_local_ssd: preserve)',
    );
    const calls: CloudCall[] = [];
    await (await stopperFor(findingRef(finding), cloud('preserve'))).stop(findingRef(finding), calls);
    expect(gcp.mutations).toEqual([{ call: 'stop', vm: 'llm-finetune-idle', discardLocalSsd: 'false' }]);
    expect(calls[0]!.after).toBe('TERMINATED (local SSD preserved)');
  });

  it('re-checks it, stops it discarding its local SSD, finds it gone, and starts it again', async () => {
    const { findings } = await scan('discard');
    expect(findings.find((f) => f.id === 'llm-finetune-idle')!.stopEffect).toBe(
      'stops the VM: its boot and persistent disks, name and internal IP are kept; its 750 GB of local SSD is wiped (approvals.gce_local_ssd: discard); a GPU type may lack capacity in the zone when it is started again',
    );
    const ref = findingRef(findings.find((f) => f.id === 'llm-finetune-idle')!);
    const check = await recheck(ref, cloud(), NOW);
    expect(check.idle).toBe(true);
    const calls: CloudCall[] = [];
    const stopper = await stopperFor(ref, cloud());
    expect(await stopper.stop(ref, calls)).toEqual({ project: PROD, zone: 'us-central1-a', instance: 'llm-finetune-idle' });
    expect(gcp.mutations).toEqual([{ call: 'stop', vm: 'llm-finetune-idle', discardLocalSsd: 'true' }]);
    expect(calls).toEqual([
      {
        call: 'compute.instances.stop',
        requestId: expect.stringMatching(/^operation-\d+$/),
        before: 'RUNNING',
        after: 'TERMINATED (local SSD discarded)',
      },
    ]);
    expect(gcp.requests).toContain(`POST /compute/v1/projects/${PROD}/zones/us-central1-a/operations/${calls[0]!.requestId}/wait`);
    expect(await recheck(ref, cloud(), NOW)).toEqual({ idle: false, reason: 'the VM no longer exists or is not running' });
    await expect(stopper.stop(ref, [])).rejects.toThrow(new ActionRefused('the VM is TERMINATED, not RUNNING'));

    await stopper.restore(ref, undefined, calls);
    expect(gcp.mutations.at(-1)).toEqual({ call: 'start', vm: 'llm-finetune-idle' });
    expect(calls.at(-1)).toEqual({
      call: 'compute.instances.start',
      requestId: expect.stringMatching(/^operation-\d+$/),
      before: 'TERMINATED',
      after: 'RUNNING',
    });
    expect(calls.at(-1)!.requestId).not.toBe(calls[0]!.requestId);
    expect((await recheck(ref, cloud(), NOW)).idle).toBe(true);
  });

  it('does not stop a VM that is busy again, nor one whose project left the settings', async () => {
    const { findings } = await runScan({ gcp_projects: [PROD] }, NOW, gcp.env());
    const ref = findingRef(findings.find((f) => f.id === 'notebook-t4')!);
    gcp.vms.find((v) => v.name === 'notebook-t4')!.gpuHourly = [[...flat(0, 167), 35]];
    expect(await recheck(ref, cloud(), NOW)).toEqual({
      idle: false,
      reason: 'it is no longer idle: its busiest GPU reached 35.0% in the last 7 days',
    });
    await expect(recheck(ref, { ...cloud(), gcpProjects: [RESEARCH] }, NOW)).rejects.toThrow(
      new ActionRefused(`the GCP project "${PROD}" is no longer in digest.gcp_projects`),
    );
    await expect(stopperFor(ref, { ...cloud(), gcpProjects: [] })).rejects.toThrow(ActionRefused);
    expect(gcp.mutations).toEqual([]);
  });
});

describe('idle Vertex AI endpoints', () => {
  const vertex = <T extends { kind: string }>(findings: T[]) => findings.filter((f) => f.kind === 'vertex-endpoint');

  it('finds deployed models that served no predictions, whole endpoints and partly idle ones, in the configured locations', async () => {
    const { findings } = await runScan({ gcp_projects: [PROD], vertex_locations: ['us-central1', 'europe-west4'] }, NOW, gcp.env());
    expect(vertex(findings).map((f) => [f.name, f.id, f.region, f.instanceType, f.count, f.confidence, Boolean(f.partial)])).toEqual([
      ['churn-vertex', '111/11', 'us-central1', 'n1-standard-4+t4', 2, 'high', false],
      ['ranker-vertex', '222/22', 'us-central1', 'g2-standard-4', 1, 'medium', true],
      ['eu-vertex', '555/51', 'europe-west4', 'g2-standard-4', 1, 'high', false],
      ['ab-test-vertex', '444/41', 'us-central1', 'n1-standard-4+t4', 1, 'high', false],
      ['ab-test-vertex', '444/42', 'us-central1', 'n1-standard-4+t4', 1, 'high', false],
    ]);
    const churn = findings.find((f) => f.id === '111/11')!;
    expect(churn.monthlyWaste).toBeCloseTo(0.54 * 2 * HOURS_PER_MONTH, 6);
    expect(churn.evidence).toBe(
      'Predictions summed over 7 days: 0 (deployed model 11); priced at the Compute Engine rate of its machine, so the waste is at least this',
    );
    expect(churn.tags).toEqual({ team: 'growth' });
    expect(churn.stopEffect).toMatch(/^undeploys its models after saving/);
    expect(findings.find((f) => f.id === '222/22')!.evidence).toContain('other models served 5,000');
  });

  it('names a project whose endpoints it may not list, with the role to grant, and still reads its VMs', async () => {
    const allow = gcp.deny(RESEARCH, 'aiplatform');
    const reading = await readUtilization(
      await utilizationSource({ gcp_projects: [PROD, RESEARCH] }, gcp.env()),
      '2026-11-16',
      '2026-11-23',
    ).finally(allow);
    expect(reading.instances.map((i) => i.instanceId)).toContain('research-l4');
    expect(reading.endpoints.map((e) => e.endpointName)).toContain('111');
    expect(reading.notes).toEqual([
      `${RESEARCH}/all zones: GCP denied aiplatform.endpoints.list in project ${RESEARCH}, location us-central1: grant the bot's service account roles/aiplatform.viewer; left out there: Endpoints (SageMaker, Vertex AI)`,
    ]);
  });

  it('reads us-central1 only unless digest.vertex_locations says otherwise', async () => {
    const { findings } = await runScan({ gcp_projects: [PROD] }, NOW, gcp.env());
    // us-central1's idle endpoints are found, europe-west4's is not looked for
    expect([...new Set(vertex(findings).map((f) => f.region))]).toEqual(['us-central1']);
  });

  const cloud = (): CloudActionSettings => ({ env: gcp.env(), exclusions: DEFAULT_EXCLUSIONS, gcpProjects: [PROD] });

  it('undeploys every model of an idle endpoint, finds it empty, and deploys them again with their traffic split', async () => {
    const { findings } = await runScan({ gcp_projects: [PROD] }, NOW, gcp.env());
    const ref = findingRef(findings.find((f) => f.id === '444/41')!);
    expect((await recheck(ref, cloud(), NOW)).idle).toBe(true);
    const stopper = await stopperFor(ref, cloud());
    const calls: CloudCall[] = [];
    const saved = await stopper.stop(ref, calls);
    expect(gcp.mutations).toEqual([
      { call: 'undeployModel', endpoint: '444', body: { deployedModelId: '41', trafficSplit: { 42: 100 } } },
      { call: 'undeployModel', endpoint: '444', body: { deployedModelId: '42', trafficSplit: {} } },
    ]);
    expect(calls.map((c) => `${c.call} ${c.before} → ${c.after}`)).toEqual([
      'aiplatform.endpoints.undeployModel deployed 41 (model-41) → undeployed',
      'aiplatform.endpoints.undeployModel deployed 42 (model-42) → undeployed',
    ]);
    expect(await recheck(ref, cloud(), NOW)).toEqual({
      idle: false,
      reason: 'the endpoint no longer exists or has no models deployed on dedicated machines',
    });

    gcp.mutations.length = 0;
    await stopper.restore(ref, JSON.parse(JSON.stringify(saved)), calls);
    const endpoint = gcp.endpoints.find((e) => e.id === '444')!;
    expect(endpoint.deployedModels.map((m) => [m.model, m.machineType, m.acceleratorType, m.minReplicaCount])).toEqual([
      [`projects/${PROD}/locations/us-central1/models/m41`, 'n1-standard-4', T4, 1],
      [`projects/${PROD}/locations/us-central1/models/m42`, 'n1-standard-4', T4, 1],
    ]);
    const [first, second] = endpoint.deployedModels.map((m) => m.id);
    expect(endpoint.trafficSplit).toEqual({ [first!]: 70, [second!]: 30 });
    expect(gcp.mutations.map((m) => m.call)).toEqual(['deployModel', 'deployModel', 'updateEndpoint']);
    expect((await recheck({ ...ref, id: `444/${first}` }, cloud(), NOW)).idle).toBe(true);
  });

  it('a stop that fails half-way deploys again what it had undeployed and puts the split back', async () => {
    const { findings } = await runScan({ gcp_projects: [PROD] }, NOW, gcp.env());
    const ref = findingRef(findings.find((f) => f.id === '444/41')!);
    // the first undeploy goes through, the second is refused
    gcp.failNext('undeployModel', 'The endpoint is being updated', 1);
    const calls: CloudCall[] = [];
    await expect((await stopperFor(ref, cloud())).stop(ref, calls)).rejects.toThrow(
      'FAILED_PRECONDITION: The endpoint is being updated; the 1 model undeployed before it was deployed again and the traffic split put back',
    );
    const endpoint = gcp.endpoints.find((e) => e.id === '444')!;
    expect(endpoint.deployedModels.map((m) => m.model).sort()).toEqual([
      `projects/${PROD}/locations/us-central1/models/m41`,
      `projects/${PROD}/locations/us-central1/models/m42`,
    ]);
    const back = endpoint.deployedModels.find((m) => m.model.endsWith('/m41'))!.id;
    expect(endpoint.trafficSplit).toEqual({ [back]: 70, 42: 30 });
    expect(calls.map((c) => c.call)).toEqual([
      'aiplatform.endpoints.undeployModel',
      'aiplatform.endpoints.deployModel',
      'aiplatform.endpoints.update',
    ]);
  });

  it('does not undeploy an endpoint that served predictions since the scan', async () => {
    const { findings } = await runScan({ gcp_projects: [PROD] }, NOW, gcp.env());
    const ref = findingRef(findings.find((f) => f.id === '111/11')!);
    gcp.endpoints.find((e) => e.id === '111')!.deployedModels[0]!.predictions = 42;
    expect(await recheck(ref, cloud(), NOW)).toEqual({
      idle: false,
      reason: 'it is no longer idle: it served 42 predictions in the last 7 days',
    });
    expect(gcp.mutations).toEqual([]);
  });
});

describe('GCP settings', () => {
  it('names a project ID or an endpoint that cannot be right', () => {
    expect(() => loadSettings({ GCP_COMPUTE_ENDPOINT: 'compute.local' })).toThrow(
      new SettingsError(
        'GCP_COMPUTE_ENDPOINT must be a base URL like https://compute.googleapis.com or http://127.0.0.1:8086; got "compute.local"',
      ),
    );
    expect(() => loadSettings({ GCP_MONITORING_ENDPOINT: 'ftp://x' })).toThrow(/GCP_MONITORING_ENDPOINT must be a base URL/);
  });
});
