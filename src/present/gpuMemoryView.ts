// The /gpu-memory result as rows and lines shared by the terminal and Slack renderings, so the
// two can differ in markup only, never in content.
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';

export const formatBytes = (bytes: number): string => {
  const gbValue = bytes / 1e9;
  return `${gbValue.toFixed(gbValue < 10 ? 2 : gbValue < 100 ? 1 : 0)} GB`;
};

const money = (dollars: number) => `$${dollars.toFixed(2)}`;

const ITEM_LABELS: Record<keyof GpuMemoryResult['breakdown'], string> = {
  weights: 'Weights', kvCache: 'KV cache', activations: 'Activations', logits: 'Logits',
  gradients: 'Gradients', optimizer: 'Optimizer', overhead: 'CUDA + allocator',
};

export function breakdownRows(r: GpuMemoryResult): [string, string][] {
  return (Object.keys(ITEM_LABELS) as (keyof typeof ITEM_LABELS)[])
    .filter((k) => r.breakdown[k] > 0)
    .map((k) => [ITEM_LABELS[k], formatBytes(r.breakdown[k])]);
}

export const FIT_HEADER = ['GPU', 'Need', 'Per GPU', 'Headroom', 'On-demand', 'Spot', 'Instance'] as const;

export function fitRows(r: GpuMemoryResult): string[][] {
  return r.fits.map((f) => {
    if (f.count === null) return [f.gpuName, '> 64', formatBytes(f.perGpuBytes), '—', '—', '—', 'does not fit'];
    const offer = f.offers[0];
    const serving = r.serving?.find((s) => s.gpuId === f.gpuId);
    const need = `${f.count}×${f.layout ? ` ${f.layout}` : ''}`;
    return [
      f.gpuName,
      serving ? `${need} (${serving.kvCacheTokens.toLocaleString('en-US')} KV tokens, ${serving.concurrentSequences} seqs)` : need,
      formatBytes(f.perGpuBytes),
      formatBytes(f.headroomBytes),
      offer ? `${money(offer.onDemandPerHour)}/h` : '—',
      offer?.spotPerHour != null ? `${money(offer.spotPerHour)}/h` : '—',
      offer ? `${offer.instances > 1 ? `${offer.instances}× ` : ''}${offer.instance} (${offer.cloud}, ${offer.region})` : 'no listed instance',
    ];
  });
}

export function headerLine(r: GpuMemoryResult): string {
  const mode = r.mode === 'inference' ? `inference, ${r.precision}` : r.mode === 'train' ? `full training, ${r.trainingPrecision}` : `${r.mode}, base ${r.precision}`;
  const per = r.gpus > 1 ? ` · ${formatBytes(r.perGpuBytes)} per GPU on ${r.gpus} GPUs` : '';
  return `${r.model.id} (${mode}, batch ${r.batch}, ${r.tokens.toLocaleString('en-US')} tokens) · total ${formatBytes(r.totalBytes)}${per}`;
}

export function priceFootnote(r: GpuMemoryResult): string {
  const dates = [...new Set(r.fits.flatMap((f) => f.offers.map((o) => o.asOf)))].sort();
  return `Prices: on-demand and spot $/hour per listed region, as of ${dates.join(', ') || 'n/a'} (config/prices.yaml).`;
}
