// /serve-cost: what serving costs a month. From a model and its traffic (roofline throughput,
// replicas at a target utilization, the cheapest instance meeting a latency target), or directly
// from an always-on instance and its utilization (the money spent on idle capacity).
import { parameterBreakdown } from '../src/calc/architecture.ts';
import { isPrecisionId, type PrecisionId } from '../src/calc/precision.ts';
import { HOURS_PER_MONTH } from '../src/calc/pricing.ts';
import {
  DECODE_BANDWIDTH_EFFICIENCY,
  type DecodeShape,
  decodeStepSeconds,
  largestBatch,
  prefillSeconds,
  requestsPerSecond,
  SERVING_MFU,
} from '../src/calc/serving.ts';
import type { Catalogs } from '../src/catalogs/catalogs.ts';
import { type InstancePrice, runsPyTorch } from '../src/catalogs/hardware.ts';
import { count, duration, hourlyPrice, money, percent } from '../src/present/format.ts';
import { cloudArg, gpuFamilyArg, instanceArg } from './catalogArgs.ts';
import type { Command, CommandContext } from './command.ts';
import { servingCapacity } from './gpuMemory.ts';
import { type ResolvedModel, resolveModel } from './modelResolver.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult } from './planResult.ts';

const GRAMMAR: PlanGrammar = {
  words: true,
  keys: {
    requests: 'requests',
    reqs: 'requests',
    tokens_in: 'tokens_in',
    in: 'tokens_in',
    prompt: 'tokens_in',
    tokens_out: 'tokens_out',
    out: 'tokens_out',
    output: 'tokens_out',
    peak: 'peak',
    latency: 'latency',
    target: 'target',
    util: 'util',
    utilization: 'util',
    instance: 'instance',
    instances: 'instances',
    gpu: 'gpu',
    cloud: 'cloud',
    region: 'region',
    month: 'month',
  },
};

const DEFAULTS = { tokensIn: 500, tokensOut: 200, peak: 2, latencySeconds: 0.05, target: 0.65 };
/** vLLM's default max_num_seqs: the most sequences one replica decodes together */
const MAX_BATCH = 256;

interface Candidate {
  price: InstancePrice;
  gpuName: string;
  layout: string;
  batch: number | null;
  stepSeconds: number;
  ttftSeconds: number;
  requestsPerSecond: number;
  replicas: number;
  monthly: number;
}

function shapeFor(
  model: ResolvedModel,
  expertShare: number,
  capacity: NonNullable<ReturnType<typeof servingCapacity>>,
  gpuBandwidth: number,
  gpuFlops: number,
  gpus: number,
  averageContext: number,
): DecodeShape {
  return {
    perGpuWeightBytes: capacity.perGpuWeightBytes,
    expertShare,
    expertsPerToken: model.arch.moe?.topK ?? 0,
    experts: model.arch.moe?.experts ?? 0,
    perGpuKvBytesPerToken: capacity.perGpuKvBytesPerToken,
    averageContext,
    pipeline: capacity.pipeline,
    gpuBandwidth,
    gpuFlops,
    gpus,
    activeParams: model.activeParams,
  };
}

function monthAssumption(monthHours: number): string {
  return `a month is ${monthHours} h${monthHours === HOURS_PER_MONTH ? ' (365 days × 24 ÷ 12); month=30d for a 30-day month' : ''}`;
}

function monthlyOf(price: InstancePrice, replicas: number, monthHours: number): number {
  return price.onDemandPerHour * replicas * monthHours;
}

function idleOnly(args: PlanArgs, catalogs: Catalogs, input: string, monthHours: number): PlanResult {
  if (args.has('requests')) args.fail(`${args.token('requests')} needs a model to size, e.g. \`7b requests=50k/day\``);
  const instance = instanceArg(args, catalogs);
  if (!instance)
    args.fail('give instance= to price an always-on instance (e.g. `instance=g5.xlarge util=5%`), or a model with requests= to size one');
  const replicas = args.integer('instances') ?? 1;
  const util = args.fraction('util');
  const monthly = monthlyOf(instance, replicas, monthHours);
  const figures: Record<string, Figure> = {
    monthly: { value: monthly, unit: 'USD' },
    hourly: { value: instance.onDemandPerHour * replicas, unit: 'USD/h' },
    monthHours: { value: monthHours, unit: 'h' },
  };
  const rows: [string, string][] = [
    ['Instance', `${replicas} × ${instance.instance} (${instance.cloud} ${instance.region}), always on`],
    ['Monthly', `${money(monthly)} (${hourlyPrice(instance.onDemandPerHour * replicas)} × ${monthHours} h)`],
  ];
  const method = [`monthly = ${hourlyPrice(instance.onDemandPerHour)} × ${replicas} × ${monthHours} h = ${money(monthly)}`];
  let summary = `${money(monthly)}/month for ${replicas} × ${instance.instance} always on`;
  if (util !== undefined) {
    const idle = monthly * (1 - util);
    figures.idle = { value: idle, unit: 'USD' };
    figures.utilization = { value: util * 100, unit: '%' };
    rows.push(
      ['Used', `${percent(util, util < 0.1 ? 1 : 0)} → ${money(monthly * util)}`],
      ['Idle', `${percent(1 - util, util < 0.1 ? 1 : 0)} → ${money(idle)} a month`],
    );
    method.push(`idle = monthly × (1 − utilization) = ${money(monthly)} × ${percent(1 - util, 1)} = ${money(idle)}`);
    summary += ` · ${money(idle)} of it idle at ${percent(util, util < 0.1 ? 1 : 0)} utilization`;
  }
  return {
    command: 'serve-cost',
    input,
    summary,
    figures,
    rows,
    tables: [],
    assumptions: [monthAssumption(monthHours), 'on-demand price; an endpoint bills every hour it is up, busy or not'],
    method,
    prices: `Prices: config/prices.yaml, as of ${instance.asOf}; Linux, per hour, before tax.`,
  };
}

export async function computeServeCost(text: string, context: CommandContext): Promise<PlanResult> {
  const { catalogs } = context;
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const monthHours = (args.measure('month', 'time', 'h') ?? HOURS_PER_MONTH * 3600) / 3600;
  const words = [...args.words];
  const precision =
    words.length > 1 && isPrecisionId(words.at(-1)!.toLowerCase()) ? (words.pop()!.toLowerCase() as PrecisionId) : undefined;
  if (!words.length) return idleOnly(args, catalogs, text, monthHours);
  if (args.has('util'))
    args.fail(
      `${args.token('util')} prices an instance you already run (\`instance=g5.xlarge util=5%\`); with a model, burnrate works utilization out from requests=`,
    );

  const model = await resolveModel(words.join(' '), context);
  const requestsPerSecondAvg = args.rate('requests', 'day');
  const tokensIn = args.integer('tokens_in') ?? DEFAULTS.tokensIn;
  const tokensOut = args.integer('tokens_out') ?? DEFAULTS.tokensOut;
  const peak = args.number('peak') ?? DEFAULTS.peak;
  if (peak < 1) args.fail(`${args.token('peak')}: the peak factor is busiest hour ÷ average, at least 1`);
  const latency = args.measure('latency', 'time', 'ms') ?? DEFAULTS.latencySeconds;
  const target = args.fraction('target') ?? DEFAULTS.target;
  const instance = instanceArg(args, catalogs);
  const gpuIds = gpuFamilyArg(args, catalogs)?.map((g) => g.id);
  const cloud = cloudArg(args);
  const region = args.text('region');
  const fixedReplicas = args.integer('instances');
  if (fixedReplicas !== undefined && requestsPerSecondAvg !== undefined)
    args.fail(`${args.token('instances')} and ${args.token('requests')}: give one; burnrate sizes replicas from requests`);

  const pytorchGpus = new Set(catalogs.gpus.filter(runsPyTorch).map((g) => g.id));
  const pool = instance
    ? [instance]
    : catalogs.prices.filter(
        (p) =>
          pytorchGpus.has(p.gpuId) &&
          (!gpuIds || gpuIds.includes(p.gpuId)) &&
          (!cloud || p.cloud === cloud) &&
          (!region || p.region === region),
      );
  const averageContext = tokensIn + tokensOut / 2;
  const peakRps = requestsPerSecondAvg === undefined ? undefined : requestsPerSecondAvg * peak;
  const breakdown = parameterBreakdown(model.arch);
  const expertShare = breakdown.experts / breakdown.total;

  const candidates: Candidate[] = pool
    .flatMap((price) => {
      const gpu = catalogs.gpus.find((g) => g.id === price.gpuId)!;
      const capacity = servingCapacity(model, precision, tokensIn + tokensOut, gpu, price.gpuCount);
      if (!capacity) return [];
      const shape = shapeFor(model, expertShare, capacity, gpu.memoryBandwidth, gpu.bf16Flops, price.gpuCount, averageContext);
      const maxBatch = Math.min(MAX_BATCH, Math.floor(capacity.kvCacheTokens / (tokensIn + tokensOut)));
      const batch = largestBatch(shape, maxBatch, latency);
      const servedBatch = batch ?? 1;
      const rps = requestsPerSecond(shape, servedBatch, tokensIn, tokensOut);
      const replicas = fixedReplicas ?? (peakRps === undefined ? 1 : Math.max(1, Math.ceil(peakRps / (rps * target))));
      return [
        {
          price,
          gpuName: gpu.name,
          layout: capacity.layout,
          batch,
          stepSeconds: decodeStepSeconds(shape, servedBatch),
          ttftSeconds: prefillSeconds(shape, tokensIn),
          requestsPerSecond: rps,
          replicas,
          monthly: monthlyOf(price, replicas, monthHours),
        },
      ];
    })
    .sort((a, b) => Number(a.batch === null) - Number(b.batch === null) || a.monthly - b.monthly);

  if (!candidates.length) {
    args.fail(
      `${model.id}${precision ? ` ${precision}` : ''} does not fit on ${instance ? instance.instance : 'any matching instance in the catalog'} with room for one ${tokensIn + tokensOut}-token sequence; try a smaller precision (int4, fp8) or another instance`,
    );
  }
  const best = candidates[0]!;
  const meets = best.batch !== null;
  const figures: Record<string, Figure> = {
    monthly: { value: best.monthly, unit: 'USD' },
    replicas: { value: best.replicas, unit: 'count' },
    requestsPerSecondPerReplica: { value: best.requestsPerSecond, unit: 'req/s' },
    decodeStep: { value: best.stepSeconds, unit: 's' },
    timeToFirstToken: { value: best.ttftSeconds, unit: 's' },
    batch: { value: best.batch ?? 1, unit: 'count' },
    monthHours: { value: monthHours, unit: 'h' },
  };
  const rows: [string, string][] = [
    [
      'Model',
      `${model.id}${precision ? ` ${precision}` : ''} (${count(model.params)} params${model.activeParams < model.params ? `, ${count(model.activeParams)} active` : ''})`,
    ],
    [
      'Runs on',
      `${best.replicas} × ${best.price.instance} (${best.price.cloud} ${best.price.region}, ${best.price.gpuCount} × ${best.gpuName}${best.layout ? `, ${best.layout}` : ''})`,
    ],
    ['Monthly', `${money(best.monthly)} (${hourlyPrice(best.price.onDemandPerHour * best.replicas)} × ${monthHours} h)`],
    [
      'Per replica',
      `${best.requestsPerSecond.toFixed(2)} req/s at batch ${best.batch ?? 1}, ${duration(best.stepSeconds)} per output token`,
    ],
    ['Time to first token', `≈ ${duration(best.ttftSeconds)} (prefill of ${tokensIn} tokens)`],
  ];
  const method = [
    `decode step = max(bytes read ÷ (bandwidth × ${percent(DECODE_BANDWIDTH_EFFICIENCY)}), 2 × active params × batch ÷ (peak × ${percent(SERVING_MFU)})); bytes read = weights (experts the batch touches) + batch × ${Math.round(averageContext)} tokens × KV bytes per token`,
    `prefill = 2 × ${count(model.activeParams)} × ${tokensIn} tokens ÷ (GPUs × BF16 peak × ${percent(SERVING_MFU)})`,
    `batch = the largest (≤ ${MAX_BATCH}, within vLLM's KV cache) whose step meets ${duration(latency)} per token`,
    'requests/s per replica = 1 ÷ (prefill + output tokens × step ÷ batch)',
  ];
  const assumptions = [
    `${tokensIn} prompt and ${tokensOut} output tokens per request${args.has('tokens_in') || args.has('tokens_out') ? '' : ' (set tokens_in= tokens_out=)'}`,
    `latency target ${duration(latency)} per output token${args.has('latency') ? '' : ' (set latency=)'}`,
    `${monthAssumption(monthHours)}; on-demand, always on`,
  ];
  if (model.assumedArchitecture) assumptions.push(model.assumedArchitecture);
  let summary: string;
  if (requestsPerSecondAvg !== undefined && peakRps !== undefined) {
    const perMonth = requestsPerSecondAvg * monthHours * 3600;
    const utilization = requestsPerSecondAvg / (best.replicas * best.requestsPerSecond);
    const perThousand = (best.monthly / perMonth) * 1000;
    const perMillionTokens = (best.monthly / (perMonth * (tokensIn + tokensOut))) * 1e6;
    const idle = best.monthly * (1 - utilization);
    Object.assign(figures, {
      requestsPerMonth: { value: perMonth, unit: 'count' },
      perThousandRequests: { value: perThousand, unit: 'USD' },
      perMillionTokens: { value: perMillionTokens, unit: 'USD' },
      averageUtilization: { value: utilization * 100, unit: '%' },
      idle: { value: idle, unit: 'USD' },
    });
    rows.splice(1, 0, [
      'Traffic',
      `${count(requestsPerSecondAvg * 86400)} requests/day, peak ${peak}× → ${peakRps.toFixed(2)} req/s at peak`,
    ]);
    rows.push(
      ['Per 1K requests', money(perThousand)],
      ['Per 1M tokens', money(perMillionTokens)],
      ['Average utilization', `${percent(utilization)} (idle capacity ${money(idle)} a month)`],
    );
    method.push(
      `replicas = ⌈peak req/s ÷ (req/s per replica × ${percent(target)} target utilization)⌉ = ⌈${peakRps.toFixed(2)} ÷ (${best.requestsPerSecond.toFixed(2)} × ${percent(target)})⌉ = ${best.replicas}`,
    );
    summary = `${money(best.monthly)}/month on ${best.replicas} × ${best.price.instance} · ${money(perThousand)} per 1K requests`;
  } else {
    const perDay = best.requestsPerSecond * target * 86400 * best.replicas;
    figures.capacityPerDay = { value: perDay, unit: 'requests/day' };
    rows.push(['Serves', `up to ≈ ${count(perDay)} requests/day at ${percent(target)} utilization`]);
    summary = `${money(best.monthly)}/month for ${best.replicas} × ${best.price.instance} · serves up to ≈ ${count(perDay)} requests/day`;
  }
  if (!meets) {
    summary += ` · misses the ${duration(latency)}/token target (${duration(best.stepSeconds)})`;
    assumptions.unshift(`no instance meets ${duration(latency)} per output token; the cheapest is shown at batch 1`);
  }
  return {
    command: 'serve-cost',
    input: text,
    summary,
    figures,
    rows,
    tables: instance
      ? []
      : [
          {
            title: 'Instances that fit, cheapest meeting the latency target first',
            header: ['Instance', 'GPUs', 'Batch', 'Per token', 'Req/s each', 'Replicas', 'Monthly'],
            rows: candidates
              .slice(0, 12)
              .map((c) => [
                `${c.price.instance} (${c.price.cloud})`,
                `${c.price.gpuCount} × ${c.gpuName}`,
                c.batch === null ? 'misses' : String(c.batch),
                duration(c.stepSeconds),
                c.requestsPerSecond.toFixed(2),
                String(c.replicas),
                money(c.monthly),
              ]),
          },
        ],
    assumptions,
    method,
    prices: `Prices: config/prices.yaml, as of ${best.price.asOf}; Linux, per hour, before tax.`,
  };
}

export const serveCostCommand: Command<PlanResult> = {
  name: 'serve-cost',
  view: 'plan',
  description: 'What serving costs a month: a model and its traffic, or an always-on instance and its idle share',
  usage:
    '[model [precision]] [requests=50k/day tokens_in=500 tokens_out=200 peak=2 latency=50ms target=65%] [instance= instances= | gpu= cloud= region=] [util=5%] [month=730h]',
  usageHint: '7b requests=50k/day [tokens_in=500 tokens_out=200] | instance=g5.xlarge util=5%',
  examples: [
    '7b requests=50k/day tokens_in=500 tokens_out=200',
    'instance=g5.xlarge util=5%',
    'llama-3.1-70b fp8 requests=1m/day latency=40ms',
    '7b instance=g5.2xlarge',
  ],
  run: computeServeCost,
};
