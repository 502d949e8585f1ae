// /train-cost: what a training run costs. From a model and a token count (6·N·D FLOPs at an MFU),
// or directly from GPUs × time at a catalog or given price, or from whole instances × time.
import { type JobOffer, jobOffer, jobOffers } from '../src/calc/pricing.ts';
import { DEFAULT_MFU, spotRework, tokensTrained, trainingFlops, trainingSeconds } from '../src/calc/training.ts';
import type { Catalogs } from '../src/catalogs/catalogs.ts';
import { type Cloud, findGpu } from '../src/catalogs/hardware.ts';
import { count, duration, flops, hours as formatHours, hourlyPrice, money, percent } from '../src/present/format.ts';
import { cloudArg, gpuFamilyArg, instanceArg } from './catalogArgs.ts';
import type { Command, CommandContext } from './command.ts';
import { type ResolvedModel, resolveModel } from './modelResolver.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult, PlanTable } from './planResult.ts';

const GRAMMAR: PlanGrammar = {
  words: true,
  keys: {
    tokens: 'tokens',
    gpu: 'gpu',
    gpus: 'gpus',
    instance: 'instance',
    instances: 'instances',
    nodes: 'instances',
    hours: 'hours',
    days: 'days',
    time: 'time',
    price: 'price',
    mfu: 'mfu',
    runs: 'runs',
    ckpt_every: 'ckpt_every',
    checkpoint_every: 'ckpt_every',
    interrupt: 'interrupt',
    restart: 'restart',
    cloud: 'cloud',
    region: 'region',
  },
  flags: { spot: 'spot', recompute: 'recompute', 'grad-ckpt': 'recompute', gc: 'recompute' },
};

const DEFAULT_GPUS = 8;
const DEFAULT_RESTART_SECONDS = 10 * 60;

interface Rate {
  /** what is being paid for, e.g. `4 × p4d.24xlarge (aws us-east-1)` */
  what: string;
  onDemandPerHour: number;
  spotPerHour: number | null;
  oneYearPerHour: number | null;
  threeYearPerHour: number | null;
  asOf?: string;
}

function rateOf(offer: JobOffer): Rate {
  const p = offer.price;
  return {
    what: `${offer.instances} × ${p.instance} (${p.cloud} ${p.region})`,
    onDemandPerHour: offer.onDemandPerHour,
    spotPerHour: offer.spotPerHour,
    oneYearPerHour: offer.oneYearPerHour,
    threeYearPerHour: offer.threeYearPerHour,
    asOf: p.asOf,
  };
}

function givenRate(pricePerGpuHour: number, gpus: number): Rate {
  return {
    what: `${gpus} GPUs at ${hourlyPrice(pricePerGpuHour)} per GPU`,
    onDemandPerHour: pricePerGpuHour * gpus,
    spotPerHour: null,
    oneYearPerHour: null,
    threeYearPerHour: null,
  };
}

function durationHours(args: PlanArgs): number | undefined {
  const given = (['hours', 'days', 'time'] as const).filter((k) => args.has(k));
  if (given.length > 1) args.fail(`${given.map((k) => args.token(k)).join(' and ')}: give the duration once`);
  const seconds = args.measure('hours', 'time', 'h') ?? args.measure('days', 'time', 'day') ?? args.measure('time', 'time', 'h');
  return seconds === undefined ? undefined : seconds / 3600;
}

export async function computeTrainCost(text: string, context: CommandContext): Promise<PlanResult> {
  const { catalogs } = context;
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const model = args.words.length ? await resolveModel(args.words.join(' '), context) : undefined;
  const tokens = args.count('tokens');
  const wallHoursGiven = durationHours(args);
  const instance = instanceArg(args, catalogs);
  const gpuFamily = gpuFamilyArg(args, catalogs);
  const cloud = cloudArg(args);
  const region = args.text('region');
  const price = args.number('price');
  const mfu = args.fraction('mfu') ?? DEFAULT_MFU;
  const runs = args.integer('runs') ?? 1;
  const recompute = args.flag('recompute');
  const spot = args.flag('spot');
  const checkpointEvery = args.measure('ckpt_every', 'time', 'minute');
  const restart = args.measure('restart', 'time', 'minute') ?? DEFAULT_RESTART_SECONDS;
  const interruptRate = args.rate('interrupt', 'h');

  if (tokens !== undefined && !model) args.fail('tokens= needs a model to count FLOPs, e.g. `70b tokens=2T gpu=h100 gpus=512`');
  if (tokens !== undefined && wallHoursGiven !== undefined)
    args.fail(`${args.token('tokens')} and a duration: give one; burnrate works out the other`);
  if (tokens === undefined && wallHoursGiven === undefined) {
    args.fail(
      'give a duration (`hours=`, `days=`, `time=3 days`) or, with a model, `tokens=`; e.g. `gpus=64 gpu=a100 days=3` or `7b tokens=1T gpu=h100`',
    );
  }
  if ((checkpointEvery !== undefined || interruptRate !== undefined) && !spot)
    args.fail(`${args.token('ckpt_every') ?? args.token('interrupt')} prices spot interruptions; add \`spot\``);
  if (instance && gpuFamily && !gpuFamily.some((g) => g.id === instance.gpuId)) {
    args.fail(`${args.token('instance')} carries ${instance.gpuId}, not ${args.text('gpu')}; give one of them`);
  }
  if (instance && args.has('gpus') && args.has('instances')) args.fail(`${args.token('gpus')} and ${args.token('instances')}: give one`);

  const gpusPerInstance = instance?.gpuCount;
  const instances = args.integer('instances');
  if (instances !== undefined && !instance) args.fail(`${args.token('instances')} needs instance=, e.g. instance=p4d.24xlarge instances=4`);
  const gpus = args.integer('gpus') ?? (instance ? (instances ?? 1) * gpusPerInstance! : DEFAULT_GPUS);
  const gpusAssumed = !args.has('gpus') && !instance;
  const gpu = instance ? catalogs.gpus.find((g) => g.id === instance.gpuId)! : gpuFamily?.[0];

  const assumptions: string[] = gpusAssumed ? [`gpus=${DEFAULT_GPUS} assumed (one 8-GPU node); set gpus=`] : [];
  const method: string[] = [];
  const figures: Record<string, Figure> = { gpus: { value: gpus, unit: 'count' } };
  const rows: [string, string][] = [];
  const tables: PlanTable[] = [];

  // with tokens, time depends on the exact GPU, so only that GPU's instances may price it
  const pricedGpus = tokens !== undefined && gpu ? [gpu] : gpuFamily;
  let rate: Rate | undefined;
  if (price !== undefined) {
    rate = instance
      ? { ...givenRate(price, gpus), what: `${Math.ceil(gpus / gpusPerInstance!)} × ${instance.instance} at ${hourlyPrice(price)} per GPU` }
      : givenRate(price, gpus);
  } else if (instance) {
    rate = rateOf(jobOffer(instance, gpus, catalogs.terms));
  } else if (pricedGpus) {
    const offers = jobOffers(
      catalogs.prices,
      pricedGpus.map((g) => g.id),
      gpus,
      catalogs.terms,
      { cloud, region },
    );
    if (!offers.length)
      args.fail(
        `no ${args.text('gpu')} instance is priced in the catalog${cloud ? ` on ${cloud}` : ''}${region ? ` in ${region}` : ''}; give price= in $ per GPU-hour`,
      );
    rate = rateOf(offers[0]!);
    if (pricedGpus.length > 1 || offers.length > 1)
      assumptions.push(`cheapest catalog offer for ${gpus} × ${args.text('gpu')}: ${rate.what}`);
  }

  let wallHours: number;
  if (tokens !== undefined) {
    const m = model!;
    const compute = trainingFlops(m.activeParams, tokens, recompute);
    figures.flops = { value: compute, unit: 'FLOP' };
    figures.tokens = { value: tokens, unit: 'count' };
    const chosen = gpu ?? findGpu(catalogs.gpus, 'h100')!;
    if (!gpu) assumptions.push(`no gpu= or instance= given: H100 SXM assumed; the table compares every GPU`);
    wallHours = trainingSeconds(compute, gpus, chosen.bf16Flops, mfu) / 3600;
    method.push(
      `FLOPs = 6 × N × D${recompute ? ' × 4/3 (activation recomputation repeats the forward pass)' : ''} = 6 × ${count(m.activeParams)}${m.activeParams < m.params ? ' active' : ''} × ${count(tokens)} tokens = ${flops(compute)}`,
      `time = FLOPs ÷ (GPUs × dense BF16 peak × MFU) = ${flops(compute)} ÷ (${gpus} × ${chosen.bf16Flops / 1e12} TFLOP/s × ${percent(mfu)}) = ${duration(wallHours * 3600)}`,
    );
    rows.push(
      ['Model', `${m.id} (${count(m.params)} params${m.activeParams < m.params ? `, ${count(m.activeParams)} active` : ''})`],
      ['Compute', flops(compute)],
      ['Time', `${duration(wallHours * 3600)} on ${gpus} × ${chosen.name}`],
    );
    if (!rate) {
      const offers = jobOffers(catalogs.prices, [chosen.id], gpus, catalogs.terms, { cloud, region });
      if (offers[0]) rate = rateOf(offers[0]);
    }
    tables.push(compareGpus(catalogs, m, tokens, gpus, mfu, recompute, cloud, region));
    if (m.assumedArchitecture) assumptions.push(m.assumedArchitecture);
  } else {
    wallHours = wallHoursGiven!;
    rows.push(['Time', `${duration(wallHours * 3600)} on ${gpus} GPU${gpus > 1 ? 's' : ''}${runs > 1 ? `, ${runs} runs` : ''}`]);
    if (model && gpu) {
      const trained = tokensTrained(wallHours * 3600, gpus, gpu.bf16Flops, mfu, model.activeParams, recompute);
      figures.tokensTrained = { value: trained, unit: 'count' };
      rows.push(['Trains', `≈ ${count(trained)} tokens of ${model.id} at ${percent(mfu)} MFU`]);
      method.push(
        `tokens = GPUs × peak × MFU × time ÷ (6 × N) = ${gpus} × ${gpu.bf16Flops / 1e12} TFLOP/s × ${percent(mfu)} × ${formatHours(wallHours)} ÷ (6 × ${count(model.activeParams)})`,
      );
    }
  }
  figures.hours = { value: wallHours * runs, unit: 'h' };
  figures.gpuHours = { value: wallHours * gpus * runs, unit: 'GPU·h' };
  figures.mfu = { value: mfu * 100, unit: '%' };
  rows.push(['GPU-hours', formatHours(wallHours * gpus * runs).replace(' h', '')]);

  if (!rate) {
    return finish(
      text,
      rows,
      tables,
      figures,
      assumptions,
      method,
      undefined,
      `${duration(wallHours * 3600)} on ${gpus} GPUs · no price (give price= or gpu=)`,
    );
  }
  const paid = wallHours * runs;
  const onDemand = rate.onDemandPerHour * paid;
  figures.onDemand = { value: onDemand, unit: 'USD' };
  figures.perGpuHour = { value: rate.onDemandPerHour / gpus, unit: 'USD/GPU·h' };
  rows.push(['Paying for', rate.what]);
  rows.push(['On-demand', `${money(onDemand)} (${hourlyPrice(rate.onDemandPerHour)})`]);
  method.push(
    `cost = ${hourlyPrice(rate.onDemandPerHour)} × ${formatHours(wallHours)}${runs > 1 ? ` × ${runs} runs` : ''} = ${money(onDemand)}`,
  );

  let spotCost: number | undefined;
  if (rate.spotPerHour !== null) {
    let spotHours = paid;
    if (spot && checkpointEvery !== undefined) {
      const cloudOfRate = instance?.cloud ?? cloud ?? 'aws';
      const perHour = interruptRate !== undefined ? interruptRate * 3600 : catalogs.terms[cloudOfRate].spotInterruptionsPerHour;
      const rework = spotRework(paid, perHour, checkpointEvery / 3600, restart / 3600);
      if (!rework)
        args.fail(
          `at ${percent(perHour, 1)} interruptions an hour, a checkpoint every ${duration(checkpointEvery)} loses more than the run gains; checkpoint more often`,
        );
      spotHours = rework.totalHours;
      figures.spotInterruptions = { value: rework.interruptions, unit: 'count' };
      figures.spotReworkHours = { value: rework.lostHours, unit: 'h' };
      rows.push(['Spot rework', `≈ ${rework.interruptions.toFixed(1)} interruptions, ${formatHours(rework.lostHours)} redone`]);
      method.push(
        `spot time = work ÷ (1 − rate × (interval ÷ 2 + restart)) = ${formatHours(paid)} ÷ (1 − ${percent(perHour, 1)}/h × (${duration(checkpointEvery / 2)} + ${duration(restart)})) = ${formatHours(spotHours)}`,
      );
      assumptions.push(
        `interruptions at ${percent(perHour, 1)} an hour${interruptRate === undefined ? ' (catalog planning rate; set interrupt=)' : ''}; each loses half a checkpoint interval plus ${duration(restart)} to restart (restart=)`,
      );
    } else if (spot) {
      assumptions.push('spot rework not priced: add ckpt_every=30m to add the work redone after interruptions');
    }
    spotCost = rate.spotPerHour * spotHours;
    figures.spot = { value: spotCost, unit: 'USD' };
    rows.push(['Spot', `${money(spotCost)} (${hourlyPrice(rate.spotPerHour)})`]);
  }
  if (rate.oneYearPerHour !== null && rate.threeYearPerHour !== null) {
    figures.oneYear = { value: rate.oneYearPerHour * paid, unit: 'USD' };
    figures.threeYear = { value: rate.threeYearPerHour * paid, unit: 'USD' };
    rows.push(['1-year commitment', money(rate.oneYearPerHour * paid)], ['3-year commitment', money(rate.threeYearPerHour * paid)]);
    assumptions.push("commitment prices apply the catalog's typical discounts for the hours used; a commitment is paid for its whole term");
  }
  const headline =
    spot && spotCost !== undefined
      ? `${money(spotCost)} on spot (on-demand ${money(onDemand)})`
      : `${money(onDemand)} on-demand${spotCost !== undefined ? ` (spot ${money(spotCost)})` : ''}`;
  const what =
    tokens !== undefined
      ? `${duration(wallHours * 3600)} on ${gpus} × ${gpu?.name ?? 'H100 SXM'}`
      : `${rate.what} × ${formatHours(wallHours)}${runs > 1 ? ` × ${runs} runs` : ''}`;
  return finish(text, rows, tables, figures, assumptions, method, rate, `${headline} · ${what}`);
}

function finish(
  input: string,
  rows: [string, string][],
  tables: PlanTable[],
  figures: Record<string, Figure>,
  assumptions: string[],
  method: string[],
  rate: Rate | undefined,
  summary: string,
): PlanResult {
  return {
    command: 'train-cost',
    input,
    summary,
    figures,
    rows,
    tables,
    assumptions,
    method,
    prices: rate?.asOf
      ? `Prices: config/prices.yaml, as of ${rate.asOf}; Linux, per hour, before tax and discounts you negotiated.`
      : undefined,
  };
}

/** The same job on every GPU with a price: time and cheapest on-demand cost, ranked by cost. */
function compareGpus(
  catalogs: Catalogs,
  model: ResolvedModel,
  tokens: number,
  gpus: number,
  mfu: number,
  recompute: boolean,
  cloud?: Cloud,
  region?: string,
): PlanTable {
  const compute = trainingFlops(model.activeParams, tokens, recompute);
  const options = catalogs.gpus
    .filter((g) => g.trains)
    .flatMap((g) => {
      const offer = jobOffers(catalogs.prices, [g.id], gpus, catalogs.terms, { cloud, region })[0];
      if (!offer) return [];
      const hoursNeeded = trainingSeconds(compute, gpus, g.bf16Flops, mfu) / 3600;
      return [
        {
          gpu: g,
          offer,
          hoursNeeded,
          cost: offer.onDemandPerHour * hoursNeeded,
          spot: offer.spotPerHour === null ? null : offer.spotPerHour * hoursNeeded,
        },
      ];
    });
  const byTime = [...options].sort((a, b) => a.hoursNeeded - b.hoursNeeded);
  return {
    title: `The same run on ${gpus} of each GPU, cheapest first`,
    header: ['GPU', 'Time', 'On-demand', 'Spot', 'Instance', 'Speed rank'],
    rows: options
      .sort((a, b) => a.cost - b.cost)
      .map((o) => [
        o.gpu.name,
        duration(o.hoursNeeded * 3600),
        money(o.cost),
        o.spot === null ? '—' : money(o.spot),
        `${o.offer.instances} × ${o.offer.price.instance} (${o.offer.price.cloud})`,
        `#${byTime.indexOf(o) + 1}`,
      ]),
  };
}

export const trainCostCommand: Command<PlanResult> = {
  name: 'train-cost',
  view: 'plan',
  description: 'What a training run costs: from a model and tokens, or GPUs × time, or instances × time',
  usage:
    '[model tokens=] [gpu= gpus= | instance= instances=] [hours=|days=|time=] [price=] [mfu=40%] [spot ckpt_every=30m interrupt=5%/h] [recompute] [runs=]',
  usageHint: '[model tokens=1T] gpu=h100 gpus=64 [days=3] [spot]',
  examples: [
    'gpus=64 gpu=a100 days=3 price=3',
    'instance=p4d.24xlarge instances=4 hours=24',
    '70b tokens=2T gpu=h100 gpus=512',
    '7b instance=p4d.24xlarge hours=8 spot ckpt_every=30m',
    'instance=g5.xlarge runs=50 hours=2',
  ],
  run: computeTrainCost,
};
