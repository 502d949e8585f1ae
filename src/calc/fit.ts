// Which accelerators a job fits on, how many, and the cheapest instance for it on each cloud.
// Pure: the per-GPU requirement for a given GPU count comes from the caller.
import type { Cloud, Gpu, InstancePrice } from '../catalogs/hardware.ts';

export const GPU_COUNTS = [1, 2, 4, 8, 16, 32, 64] as const;

export interface CloudOffer {
  cloud: Cloud;
  instance: string;
  region: string;
  instances: number;
  onDemandPerHour: number;
  spotPerHour: number | null;
  asOf: string;
}

export interface FitRow {
  gpuId: string;
  gpuName: string;
  usableBytes: number;
  /** GPUs needed, or null when even the largest count tried does not fit */
  count: number | null;
  perGpuBytes: number;
  headroomBytes: number;
  layout: string;
  offers: CloudOffer[];
  /** what running the job's number format on this GPU means when its tensor cores lack it */
  computeNote?: string;
}

export interface Requirement {
  perGpuBytes: number;
  layout: string;
}

/**
 * GPUs of one job must share a node unless whole multi-GPU nodes are joined over the cluster
 * network: two 1-GPU VMs do not make a tensor-parallel pair.
 */
function instancesFor(p: InstancePrice, count: number): number | null {
  if (count <= p.gpuCount) return 1;
  return p.gpuCount >= 8 && count % p.gpuCount === 0 ? count / p.gpuCount : null;
}

export function cheapestOffers(prices: InstancePrice[], gpuId: string, count: number): CloudOffer[] {
  const best = new Map<Cloud, CloudOffer>();
  for (const p of prices) {
    if (p.gpuId !== gpuId) continue;
    const instances = instancesFor(p, count);
    if (instances === null) continue;
    const offer: CloudOffer = {
      cloud: p.cloud,
      instance: p.instance,
      region: p.region,
      instances,
      onDemandPerHour: instances * p.onDemandPerHour,
      spotPerHour: p.spotPerHour === null ? null : instances * p.spotPerHour,
      asOf: p.asOf,
    };
    const current = best.get(p.cloud);
    if (!current || offer.onDemandPerHour < current.onDemandPerHour) best.set(p.cloud, offer);
  }
  return [...best.values()].sort((a, b) => a.onDemandPerHour - b.onDemandPerHour);
}

export function fitTable(gpus: Gpu[], prices: InstancePrice[], requirementFor: (count: number) => Requirement | null): FitRow[] {
  const cache = new Map<number, Requirement | null>();
  const need = (count: number) => {
    if (!cache.has(count)) cache.set(count, requirementFor(count));
    return cache.get(count)!;
  };
  return gpus.map((gpu) => {
    let last: Requirement | null = null;
    for (const count of GPU_COUNTS) {
      const req = need(count);
      if (!req) continue;
      last = req;
      if (req.perGpuBytes <= gpu.usableBytes) {
        return {
          gpuId: gpu.id,
          gpuName: gpu.name,
          usableBytes: gpu.usableBytes,
          count,
          perGpuBytes: req.perGpuBytes,
          headroomBytes: gpu.usableBytes - req.perGpuBytes,
          layout: req.layout,
          offers: cheapestOffers(prices, gpu.id, count),
        };
      }
    }
    return {
      gpuId: gpu.id,
      gpuName: gpu.name,
      usableBytes: gpu.usableBytes,
      count: null,
      perGpuBytes: last?.perGpuBytes ?? 0,
      headroomBytes: gpu.usableBytes - (last?.perGpuBytes ?? 0),
      layout: last?.layout ?? '',
      offers: [],
    };
  });
}
