// GPU catalog (config/gpus.yaml) and cloud price catalog (config/prices.yaml).
import { join } from 'node:path';
import * as z from 'zod/mini';
import { COMPUTE_FORMATS, type ComputeFormat } from '../calc/precision.ts';
import { CatalogError, CONFIG_DIR, readYamlFile } from './yamlFile.ts';

export interface Gpu {
  id: string;
  name: string;
  aliases: string[];
  vendor: string;
  memoryGb: number;
  usableBytes: number;
  /** dense BF16 tensor peak, FLOP/s */
  bf16Flops: number;
  /** memory bandwidth, bytes/s */
  memoryBandwidth: number;
  /** false for inference-only accelerators */
  trains: boolean;
  /** number formats its tensor cores compute in */
  native: ComputeFormat[];
  source: string;
}

export type Cloud = 'aws' | 'gcp' | 'azure';

export interface InstancePrice {
  cloud: Cloud;
  instance: string;
  gpuId: string;
  gpuCount: number;
  region: string;
  onDemandPerHour: number;
  spotPerHour: number | null;
  asOf: string;
}

const isoDate = z.pipe(
  z.pipe(
    z.union([z.string(), z.date()]),
    z.transform((d: string | Date) => (d instanceof Date ? d.toISOString().slice(0, 10) : d)),
  ),
  z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')),
);
const positive = () => z.number().check(z.positive());
const positiveInt = () => z.int().check(z.positive());

const gpuSchema = z.object({
  as_of: isoDate,
  gpus: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      aliases: z.array(z.string()),
      vendor: z.string(),
      memory_gb: positive(),
      usable_mib: positiveInt(),
      bf16_tflops: positive(),
      bandwidth_gbs: positive(),
      trains: z._default(z.boolean(), true),
      native: z.array(z.enum(COMPUTE_FORMATS)).check(z.minLength(1)),
      source: z.string().check(z.minLength(1)),
    }),
  ),
});

const share = z.number().check(z.gte(0), z.lte(1));
const termsSchema = z.object({ one_year: share, three_year: share, spot_interruptions_per_hour: share, as_of: isoDate });

const priceSchema = z.object({
  instances: z.array(
    z.object({
      cloud: z.enum(['aws', 'gcp', 'azure']),
      instance: z.string(),
      gpu: z.string(),
      count: positiveInt(),
      region: z.string(),
      on_demand: positive(),
      spot: z.nullable(positive()),
      as_of: isoDate,
    }),
  ),
  terms: z.object({ aws: termsSchema, gcp: termsSchema, azure: termsSchema }),
});

/** Per cloud: commitment discounts (share off on-demand) and the planning spot interruption rate. */
export interface PriceTerms {
  oneYearDiscount: number;
  threeYearDiscount: number;
  spotInterruptionsPerHour: number;
  asOf: string;
}

export function loadGpuCatalog(path = join(CONFIG_DIR, 'gpus.yaml')): Gpu[] {
  return readYamlFile(path, gpuSchema).gpus.map((g) => ({
    id: g.id,
    name: g.name,
    aliases: g.aliases,
    vendor: g.vendor,
    memoryGb: g.memory_gb,
    usableBytes: g.usable_mib * 2 ** 20,
    bf16Flops: g.bf16_tflops * 1e12,
    memoryBandwidth: g.bandwidth_gbs * 1e9,
    trains: g.trains,
    native: g.native,
    source: g.source,
  }));
}

/** prices.yaml: the instance prices (each naming a GPU of the catalog) and each cloud's price terms. */
export function loadPriceCatalog(
  gpus: Gpu[],
  path = join(CONFIG_DIR, 'prices.yaml'),
): { prices: InstancePrice[]; terms: Record<Cloud, PriceTerms> } {
  const known = new Set(gpus.map((g) => g.id));
  const { instances, terms } = readYamlFile(path, priceSchema);
  const prices = instances.map((p) => {
    if (!known.has(p.gpu)) throw new CatalogError(`${path}: ${p.instance} names gpu ${p.gpu}, which is not in the GPU catalog`);
    return {
      cloud: p.cloud,
      instance: p.instance,
      gpuId: p.gpu,
      gpuCount: p.count,
      region: p.region,
      onDemandPerHour: p.on_demand,
      spotPerHour: p.spot,
      asOf: p.as_of,
    };
  });
  const convert = (t: z.infer<typeof termsSchema>): PriceTerms => ({
    oneYearDiscount: t.one_year,
    threeYearDiscount: t.three_year,
    spotInterruptionsPerHour: t.spot_interruptions_per_hour,
    asOf: t.as_of,
  });
  return { prices, terms: { aws: convert(terms.aws), gcp: convert(terms.gcp), azure: convert(terms.azure) } };
}

const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

export function findGpu(gpus: Gpu[], name: string): Gpu | undefined {
  const wanted = squash(name);
  return gpus.find((g) => [g.id, g.name, ...g.aliases].some((n) => squash(n) === wanted));
}

/**
 * Every variant a name can mean, the one the name or an alias names exactly first: `h100` is the SXM
 * part first, then PCIe and NVL; `a100` is the 80 GB and the 40 GB part; `a100-40` only the latter.
 */
export function findGpuFamily(gpus: Gpu[], name: string): Gpu[] {
  const dashed = (s: string) => s.toLowerCase().replace(/[\s_]+/g, '-');
  const wanted = dashed(name);
  const member = (s: string) => s === wanted || s.startsWith(`${wanted}-`);
  const exact = findGpu(gpus, name);
  const family = gpus.filter((g) => g !== exact && (member(g.id) || member(dashed(g.name))));
  return exact ? [exact, ...family] : family;
}

/** The accelerators PyTorch and vLLM run on as the estimates model them (CUDA and ROCm); TPUs and Neuron chips need their own stacks. */
export function runsPyTorch(gpu: Gpu): boolean {
  return gpu.vendor === 'nvidia' || gpu.vendor === 'amd';
}
