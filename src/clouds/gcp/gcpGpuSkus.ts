// Per-GPU hourly prices from the Cloud Billing Catalog API (Compute Engine's GPU SKUs). GCP bills
// the accelerator apart from the VM's vCPUs and memory, so these are the GPU's share only.
import type { CloudCatalogClient } from '@google-cloud/billing';

/** Compute Engine's service id in the Cloud Billing Catalog */
export const COMPUTE_ENGINE_SERVICE = 'services/6F81-5844-456A';

export interface GcpGpuPrice {
  gpuId: string;
  region: string;
  onDemandPerHour: number | null;
  spotPerHour: number | null;
}

/** SKU descriptions name the GPU model ("Nvidia Tesla A100 80GB GPU running in Americas"); most specific first. */
const GPU_NAMES: [RegExp, string][] = [
  [/\bA100 80GB\b/i, 'a100-80gb'],
  [/\bA100\b/i, 'a100-40gb'],
  [/\bH200\b/i, 'h200'],
  [/\bH100\b/i, 'h100-sxm'],
  [/\bB200\b/i, 'b200'],
  [/\bL4\b/i, 'l4'],
  [/\bT4\b/i, 't4'],
  [/\bV100\b/i, 'v100-16gb'],
];

interface Money {
  units?: string | number | null | { toString(): string };
  nanos?: number | null;
}

const dollars = (m: Money | null | undefined) => Number(m?.units?.toString() ?? 0) + (m?.nanos ?? 0) / 1e9;

export async function gcpGpuHourly(client: CloudCatalogClient, region: string): Promise<GcpGpuPrice[]> {
  const byGpu = new Map<string, GcpGpuPrice>();
  for await (const sku of client.listSkusAsync({ parent: COMPUTE_ENGINE_SERVICE }, { autoPaginate: false })) {
    if (sku.category?.resourceGroup !== 'GPU' || !sku.serviceRegions?.includes(region)) continue;
    const usage = sku.category.usageType;
    if (usage !== 'OnDemand' && usage !== 'Preemptible') continue;
    const gpuId = GPU_NAMES.find(([pattern]) => pattern.test(sku.description ?? ''))?.[1];
    const rates = sku.pricingInfo?.[0]?.pricingExpression;
    if (!gpuId || rates?.usageUnit !== 'h') continue;
    const hourly = Math.max(0, ...(rates.tieredRates ?? []).map((r) => dollars(r.unitPrice as Money)));
    if (!(hourly > 0)) continue;
    const entry = byGpu.get(gpuId) ?? { gpuId, region, onDemandPerHour: null, spotPerHour: null };
    if (usage === 'OnDemand') entry.onDemandPerHour = hourly;
    else entry.spotPerHour = hourly;
    byGpu.set(gpuId, entry);
  }
  return [...byGpu.values()];
}
