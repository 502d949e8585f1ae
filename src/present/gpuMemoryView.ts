// The /gpu-memory result as rows and lines shared by the terminal and Slack renderings, so the
// two can differ in markup only, never in content.
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import type { CloudOffer } from '../calc/fit.ts';
import { grouped } from './format.ts';

export const formatBytes = (bytes: number): string => {
  const gbValue = bytes / 1e9;
  return `${gbValue.toFixed(gbValue < 10 ? 2 : gbValue < 100 ? 1 : 0)} GB`;
};

const money = (dollars: number) => `$${dollars.toFixed(2)}`;

const ITEM_LABELS: Record<keyof GpuMemoryResult['breakdown'], string> = {
  weights: 'Weights',
  kvCache: 'KV cache',
  activations: 'Activations',
  logits: 'Logits',
  gradients: 'Gradients',
  optimizer: 'Optimizer',
  buffers: 'Comm. buffers',
  overhead: 'CUDA + allocator',
};

export function breakdownRows(r: GpuMemoryResult): [string, string][] {
  return (Object.keys(ITEM_LABELS) as (keyof typeof ITEM_LABELS)[])
    .filter((k) => r.breakdown[k] > 0)
    .map((k) => [ITEM_LABELS[k], formatBytes(r.breakdown[k])]);
}

export const FIT_HEADER = ['GPU', 'Need', 'Per GPU', 'Headroom', 'AWS', 'GCP', 'Azure'] as const;
const CLOUDS = ['aws', 'gcp', 'azure'] as const;

function offerCell(offer: CloudOffer | undefined): string {
  if (!offer) return '—';
  const spot = offer.spotPerHour != null ? ` (spot ${money(offer.spotPerHour)})` : '';
  return `${money(offer.onDemandPerHour)}/h${spot} ${offer.instances > 1 ? `${offer.instances}× ` : ''}${offer.instance}`;
}

/** One row per GPU: count and layout needed, memory per GPU, headroom, and the cheapest instance on each cloud. */
export function fitRows(r: GpuMemoryResult): string[][] {
  return r.fits.map((f) => {
    if (f.count === null) return [f.gpuName, '> 64', formatBytes(f.perGpuBytes), '—', '—', '—', '—'];
    const serving = r.serving?.find((s) => s.gpuId === f.gpuId);
    const need = `${f.count}×${f.layout ? ` ${f.layout}` : ''}`;
    const on = serving && serving.gpus !== f.count ? `on ${serving.gpus}×${serving.layout ? ` ${serving.layout}` : ''}: ` : '';
    return [
      f.gpuName,
      serving ? `${need} (${on}${grouped(serving.kvCacheTokens)} KV tokens, ${serving.concurrentSequences} seqs)` : need,
      formatBytes(f.perGpuBytes),
      formatBytes(f.headroomBytes),
      ...CLOUDS.map((cloud) => offerCell(f.offers.find((o) => o.cloud === cloud))),
    ];
  });
}

/** One line per kind of note on the GPUs the job fits on whose tensor cores lack its number format. */
export function computeNoteLines(r: GpuMemoryResult): string[] {
  const gpusByNote = new Map<string, string[]>();
  for (const f of r.fits) {
    if (f.count === null || !f.computeNote) continue;
    gpusByNote.set(f.computeNote, [...(gpusByNote.get(f.computeNote) ?? []), f.gpuName]);
  }
  return [...gpusByNote].map(([note, names]) => `⚠ ${names.join(', ')}: ${note}`);
}

export function headerLine(r: GpuMemoryResult): string {
  const mode =
    r.mode === 'inference'
      ? `inference, ${r.precision}`
      : r.mode === 'train'
        ? `full training, ${r.trainingPrecision}`
        : `${r.mode}, base ${r.precision}`;
  const per = r.gpus > 1 ? ` · ${formatBytes(r.perGpuBytes)} per GPU on ${r.gpus} GPUs` : '';
  return `${r.model.id} (${mode}, batch ${r.batch}, ${grouped(r.tokens)} tokens) · total ${formatBytes(r.totalBytes)}${per}`;
}

export function priceFootnote(r: GpuMemoryResult): string {
  const dates = [...new Set(r.fits.flatMap((f) => f.offers.map((o) => o.asOf)))].sort();
  const regions = [...new Set(r.fits.flatMap((f) => f.offers.map((o) => `${o.cloud} ${o.region}`)))].sort();
  return `Prices: on-demand (spot) $/hour of the cheapest instance per cloud, ${regions.join(', ') || 'no region'}; as of ${dates.join(', ') || 'n/a'} (config/prices.yaml).`;
}
