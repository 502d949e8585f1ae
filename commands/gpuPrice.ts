// /gpu-price: what a GPU (or an instance's GPU) costs across AWS, GCP and Azure, per instance and
// per GPU-hour, on-demand and spot, cheapest first.
import { findInstance } from '../src/calc/pricing.ts';
import { type Cloud, findGpuFamily, type Gpu, type InstancePrice } from '../src/catalogs/hardware.ts';
import { hourlyPrice } from '../src/present/format.ts';
import { cloudArg } from './catalogArgs.ts';
import type { Command, CommandContext } from './command.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult, PlanTable } from './planResult.ts';

const GRAMMAR: PlanGrammar = {
  words: true,
  keys: { cloud: 'cloud', region: 'region', gpu: 'gpu', instance: 'instance' },
  flags: { spot: 'spot' },
};

const perGpu = (p: InstancePrice, hourly: number | null) => (hourly === null ? null : hourly / p.gpuCount);

interface LiveOutcome {
  /** the offers, AWS ones at their live price where it was found */
  offers: InstancePrice[];
  /** the offers priced live */
  live: Set<InstancePrice>;
  notes: string[];
  tables: PlanTable[];
}

/**
 * Replaces AWS on-demand prices with the Price List API's, and adds Compute Engine's per-GPU SKU
 * prices, when credentials allow. Failures leave the catalog's prices and say so.
 */
async function livePrices(
  offers: InstancePrice[],
  context: CommandContext,
  gcpRegion: string | undefined,
  gpuIds: Set<string>,
  cloud?: Cloud,
): Promise<LiveOutcome> {
  const outcome: LiveOutcome = { offers, live: new Set(), notes: [], tables: [] };
  const live = context.livePrices;
  if (!live?.enabled) return outcome;
  if (live.settings.aws && cloud !== 'gcp' && cloud !== 'azure') {
    // by the offer's place in the list, not by which lookup failed first: the note is the same however the lookups race
    const failures: (string | undefined)[] = [];
    outcome.offers = await Promise.all(
      offers.map(async (offer, k) => {
        if (offer.cloud !== 'aws') return offer;
        try {
          const price = await live.awsOnDemand(offer.instance, offer.region);
          if (price.value === null) return offer;
          const updated = { ...offer, onDemandPerHour: price.value, asOf: price.fetchedAt.slice(0, 10) };
          outcome.live.add(updated);
          return updated;
        } catch (error) {
          failures[k] = `${offer.instance}: ${(error as Error).message}`;
          return offer;
        }
      }),
    );
    if (outcome.live.size) {
      const fetched = [...outcome.live].map((p) => p.asOf).sort()[0];
      outcome.notes.push(`AWS on-demand: AWS Price List API (fetched ${fetched}, cached a day); spot from the catalog.`);
    }
    const failed = failures.filter((f) => f !== undefined);
    if (failed.length) outcome.notes.push(`Live AWS prices unavailable (${failed[0]}); catalog prices shown for those instances.`);
  }
  if (live.settings.gcp && gcpRegion && cloud !== 'aws' && cloud !== 'azure') {
    try {
      const gpus = (await live.gcpGpus(gcpRegion)).value.filter((g) => gpuIds.has(g.gpuId));
      if (gpus.length) {
        outcome.tables.push({
          title: `Compute Engine GPU prices in ${gcpRegion} (per GPU, accelerator only: the VM's vCPUs and memory are billed on top)`,
          header: ['GPU', 'On-demand', 'Spot'],
          rows: gpus.map((g) => [
            g.gpuId,
            g.onDemandPerHour === null ? '—' : hourlyPrice(g.onDemandPerHour),
            g.spotPerHour === null ? '—' : hourlyPrice(g.spotPerHour),
          ]),
        });
        outcome.notes.push('GCP GPU SKUs: Cloud Billing Catalog API (cached a day).');
      }
    } catch (error) {
      outcome.notes.push(`Live GCP prices unavailable (${(error as Error).message}).`);
    }
  }
  return outcome;
}

export async function computeGpuPrice(text: string, context: CommandContext): Promise<PlanResult> {
  const { catalogs } = context;
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const name = args.words.join(' ') || args.text('gpu') || args.text('instance');
  if (!name) args.fail('name a GPU or an instance, e.g. `h100` or `g5.xlarge`');
  const cloud = cloudArg(args);
  const region = args.text('region');
  const bySpot = args.flag('spot');

  const asked = findInstance(catalogs.prices, name);
  const gpus: Gpu[] = asked ? catalogs.gpus.filter((g) => g.id === asked.gpuId) : findGpuFamily(catalogs.gpus, name);
  if (!gpus.length) {
    args.fail(`"${name}" is neither a GPU nor an instance in the catalog; GPUs: ${catalogs.gpus.map((g) => g.id).join(', ')}`);
  }
  const ids = new Set(gpus.map((g) => g.id));
  const key = (p: InstancePrice) => (bySpot ? (perGpu(p, p.spotPerHour) ?? Infinity) : p.onDemandPerHour / p.gpuCount);
  const listed = catalogs.prices.filter((p) => ids.has(p.gpuId) && (!cloud || p.cloud === cloud) && (!region || p.region === region));
  const label = asked ? `${asked.instance}'s ${gpus[0]!.name}` : gpus.map((g) => g.name).join(' / ');
  if (!listed.length) {
    args.fail(
      `no instance with ${label} is priced in the catalog${cloud ? ` on ${cloud}` : ''}${region ? ` in ${region}` : ''}; drop cloud= or region= to see every offer`,
    );
  }

  const live = await livePrices(listed, context, region ?? listed.find((p) => p.cloud === 'gcp')?.region, ids, cloud);
  const offers = [...live.offers].sort((a, b) => key(a) - key(b) || a.gpuCount - b.gpuCount);
  const cheapest = offers[0]!;
  // the asked-for instance as priced now (live where available)
  const instance = asked && (offers.find((p) => p.instance === asked.instance && p.region === asked.region) ?? asked);
  const cheapestSpot = offers
    .filter((p) => p.spotPerHour !== null)
    .sort((a, b) => perGpu(a, a.spotPerHour)! - perGpu(b, b.spotPerHour)!)[0];
  const figures: Record<string, Figure> = {
    cheapestOnDemandPerGpuHour: { value: cheapest.onDemandPerHour / cheapest.gpuCount, unit: 'USD/GPU·h' },
    offers: { value: offers.length, unit: 'count' },
  };
  if (cheapestSpot) figures.cheapestSpotPerGpuHour = { value: perGpu(cheapestSpot, cheapestSpot.spotPerHour)!, unit: 'USD/GPU·h' };
  if (instance) {
    figures.instanceOnDemand = { value: instance.onDemandPerHour, unit: 'USD/h' };
    if (instance.spotPerHour !== null) figures.instanceSpot = { value: instance.spotPerHour, unit: 'USD/h' };
  }
  const lead = instance
    ? `${instance.instance}: ${hourlyPrice(instance.onDemandPerHour)} on-demand${instance.spotPerHour !== null ? `, ${hourlyPrice(instance.spotPerHour)} spot` : ''} (${instance.gpuCount} × ${gpus[0]!.name}, ${instance.cloud} ${instance.region})`
    : `${label}: from ${hourlyPrice(cheapest.onDemandPerHour / cheapest.gpuCount)} per GPU on-demand (${cheapest.instance}, ${cheapest.cloud})`;
  const spotNote =
    !instance && cheapestSpot
      ? ` · spot from ${hourlyPrice(perGpu(cheapestSpot, cheapestSpot.spotPerHour)!)} (${cheapestSpot.instance})`
      : '';
  const asOf = [...new Set(offers.filter((p) => !live.live.has(p)).map((p) => p.asOf))].sort().join(', ');
  const pricesNote = [
    ...live.notes,
    asOf
      ? `${live.live.size ? 'Other prices' : 'Prices'}: bundled catalog config/prices.yaml, as of ${asOf}. Verify on the provider's page before committing a budget.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    command: 'gpu-price',
    input: text,
    summary: `${lead}${spotNote}`,
    figures,
    rows: gpus.map((g): [string, string] => [
      g.name,
      `${g.memoryGb} GB · ${g.bf16Flops / 1e12} TFLOP/s BF16 dense · ${g.memoryBandwidth / 1e9} GB/s`,
    ]),
    tables: [
      ...[
        {
          title: `Instances with ${label}, cheapest per GPU-hour ${bySpot ? 'on spot ' : ''}first`,
          header: ['Instance', 'Cloud', 'Region', 'GPUs', 'On-demand', 'Per GPU', 'Spot', 'Spot per GPU'],
          rows: offers.map((p) => [
            p.instance,
            p.cloud,
            p.region,
            String(p.gpuCount),
            hourlyPrice(p.onDemandPerHour),
            hourlyPrice(p.onDemandPerHour / p.gpuCount),
            p.spotPerHour === null ? '—' : hourlyPrice(p.spotPerHour),
            p.spotPerHour === null ? '—' : hourlyPrice(p.spotPerHour / p.gpuCount),
          ]),
        },
      ],
      ...live.tables,
    ],
    assumptions: ['Linux on-demand and spot list prices; spot prices move hourly and by zone'],
    method: ['per GPU = instance price ÷ GPUs in the instance'],
    prices: pricesNote,
  };
}

export const gpuPriceCommand: Command<PlanResult> = {
  name: 'gpu-price',
  view: 'plan',
  description: 'What a GPU costs per hour across AWS, GCP and Azure, on-demand and spot, cheapest first',
  usage: '<gpu | instance> [cloud=aws|gcp|azure] [region=] [spot]',
  usageHint: 'h100 | g5.xlarge [cloud=gcp] [region=us-central1]',
  examples: ['h100', 'g5.xlarge', 'a100 cloud=gcp region=us-central1', 'l4 spot'],
  run: computeGpuPrice,
};
