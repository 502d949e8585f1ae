// /gpu-price: what a GPU (or an instance's GPU) costs across AWS, GCP and Azure, per instance and
// per GPU-hour, on-demand and spot, cheapest first.
import { findInstance } from '../src/calc/pricing.ts';
import { type Cloud, findGpuFamily, type Gpu, type InstancePrice } from '../src/catalogs/hardware.ts';
import { hourlyPrice } from '../src/present/format.ts';
import type { Command, CommandContext } from './command.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult } from './planResult.ts';

const GRAMMAR: PlanGrammar = { words: true, keys: { cloud: 'cloud', region: 'region', gpu: 'gpu', instance: 'instance' }, flags: { spot: 'spot' } };
const CLOUDS: Cloud[] = ['aws', 'gcp', 'azure'];

const perGpu = (p: InstancePrice, hourly: number | null) => (hourly === null ? null : hourly / p.gpuCount);

export async function computeGpuPrice(text: string, context: CommandContext): Promise<PlanResult> {
  const { catalogs } = context;
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const name = args.words.join(' ') || args.text('gpu') || args.text('instance');
  if (!name) args.fail('name a GPU or an instance, e.g. `h100` or `g5.xlarge`');
  const cloud = args.text('cloud')?.toLowerCase();
  if (cloud !== undefined && !CLOUDS.includes(cloud as Cloud)) args.fail(`cloud=${cloud} is not one of: ${CLOUDS.join(', ')}`);
  const region = args.text('region');
  const bySpot = args.flag('spot');

  const instance = findInstance(catalogs.prices, name);
  const gpus: Gpu[] = instance ? catalogs.gpus.filter((g) => g.id === instance.gpuId) : findGpuFamily(catalogs.gpus, name);
  if (!gpus.length) {
    args.fail(`"${name}" is neither a GPU nor an instance in the catalog; GPUs: ${catalogs.gpus.map((g) => g.id).join(', ')}`);
  }
  const ids = new Set(gpus.map((g) => g.id));
  const key = (p: InstancePrice) => (bySpot ? perGpu(p, p.spotPerHour) ?? Infinity : p.onDemandPerHour / p.gpuCount);
  const offers = catalogs.prices
    .filter((p) => ids.has(p.gpuId) && (!cloud || p.cloud === cloud) && (!region || p.region === region))
    .sort((a, b) => key(a) - key(b) || a.gpuCount - b.gpuCount);
  const label = instance ? `${instance.instance}'s ${gpus[0]!.name}` : gpus.map((g) => g.name).join(' / ');
  if (!offers.length) {
    args.fail(`no instance with ${label} is priced in the catalog${cloud ? ` on ${cloud}` : ''}${region ? ` in ${region}` : ''}; drop cloud= or region= to see every offer`);
  }

  const cheapest = offers[0]!;
  const cheapestSpot = offers.filter((p) => p.spotPerHour !== null).sort((a, b) => perGpu(a, a.spotPerHour)! - perGpu(b, b.spotPerHour)!)[0];
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
  const spotNote = !instance && cheapestSpot ? ` · spot from ${hourlyPrice(perGpu(cheapestSpot, cheapestSpot.spotPerHour)!)} (${cheapestSpot.instance})` : '';
  const asOf = [...new Set(offers.map((p) => p.asOf))].sort().join(', ');
  return {
    command: 'gpu-price', input: text, summary: `${lead}${spotNote}`, figures,
    rows: gpus.map((g): [string, string] => [g.name, `${g.memoryGb} GB · ${g.bf16Flops / 1e12} TFLOP/s BF16 dense · ${g.memoryBandwidth / 1e9} GB/s`]),
    tables: [{
      title: `Instances with ${label}, cheapest per GPU-hour ${bySpot ? 'on spot ' : ''}first`,
      header: ['Instance', 'Cloud', 'Region', 'GPUs', 'On-demand', 'Per GPU', 'Spot', 'Spot per GPU'],
      rows: offers.map((p) => [
        p.instance, p.cloud, p.region, String(p.gpuCount), hourlyPrice(p.onDemandPerHour), hourlyPrice(p.onDemandPerHour / p.gpuCount),
        p.spotPerHour === null ? '—' : hourlyPrice(p.spotPerHour), p.spotPerHour === null ? '—' : hourlyPrice(p.spotPerHour / p.gpuCount),
      ]),
    }],
    assumptions: ['Linux on-demand and spot list prices; spot prices move hourly and by zone'],
    method: ['per GPU = instance price ÷ GPUs in the instance'],
    prices: `Prices: bundled catalog config/prices.yaml, as of ${asOf}. Verify on the provider's page before committing a budget.`,
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
