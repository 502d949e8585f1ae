// Prices for a job of N GPUs for some hours: whole instances, on-demand, spot and committed.
import type { Cloud, InstancePrice, PriceTerms } from '../catalogs/hardware.ts';

/** Hours in an average month (365 × 24 ÷ 12), as AWS's and GCP's pricing calculators count them. */
export const HOURS_PER_MONTH = 730;

export interface JobOffer {
  price: InstancePrice;
  /** whole instances needed for the GPUs asked for */
  instances: number;
  onDemandPerHour: number;
  spotPerHour: number | null;
  oneYearPerHour: number;
  threeYearPerHour: number;
}

/**
 * Whole instances for a job of `gpus` GPUs, or null: past one instance, a job spans only nodes of
 * 8 or more GPUs, which clouds join with a cluster network (as /gpu-memory's fit does).
 */
export function instancesNeeded(price: InstancePrice, gpus: number): number | null {
  if (gpus <= price.gpuCount) return 1;
  return price.gpuCount >= 8 ? Math.ceil(gpus / price.gpuCount) : null;
}

/** The price of `gpus` GPUs on this instance type, in whole instances (the caller chose the instance). */
export function jobOffer(price: InstancePrice, gpus: number, terms: Record<Cloud, PriceTerms>): JobOffer {
  const instances = Math.ceil(gpus / price.gpuCount);
  const onDemandPerHour = instances * price.onDemandPerHour;
  const t = terms[price.cloud];
  return {
    price,
    instances,
    onDemandPerHour,
    spotPerHour: price.spotPerHour === null ? null : instances * price.spotPerHour,
    oneYearPerHour: onDemandPerHour * (1 - t.oneYearDiscount),
    threeYearPerHour: onDemandPerHour * (1 - t.threeYearDiscount),
  };
}

/** Offers for `gpus` GPUs of any of `gpuIds` on instances that can hold the job, cheapest on-demand first. */
export function jobOffers(
  prices: InstancePrice[],
  gpuIds: string[],
  gpus: number,
  terms: Record<Cloud, PriceTerms>,
  filter: { cloud?: Cloud; region?: string } = {},
): JobOffer[] {
  return prices
    .filter((p) => gpuIds.includes(p.gpuId) && instancesNeeded(p, gpus) !== null)
    .filter((p) => (!filter.cloud || p.cloud === filter.cloud) && (!filter.region || p.region === filter.region))
    .map((p) => jobOffer(p, gpus, terms))
    .sort((a, b) => a.onDemandPerHour - b.onDemandPerHour || a.instances - b.instances);
}

export function findInstance(prices: InstancePrice[], name: string): InstancePrice | undefined {
  const wanted = name.toLowerCase();
  return prices.find((p) => p.instance.toLowerCase() === wanted);
}
