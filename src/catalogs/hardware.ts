// GPU catalog (config/gpus.yaml) and cloud price catalog (config/prices.yaml).
import { join } from 'node:path';
import { z } from 'zod';
import { CatalogError, CONFIG_DIR, readYamlFile } from './yamlFile.ts';

export interface Gpu {
  id: string;
  name: string;
  aliases: string[];
  vendor: string;
  memoryGb: number;
  usableBytes: number;
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

const isoDate = z.union([z.string(), z.date()]).transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'));

const gpuSchema = z.object({
  as_of: isoDate,
  gpus: z.array(z.object({
    id: z.string(), name: z.string(), aliases: z.array(z.string()), vendor: z.string(),
    memory_gb: z.number().positive(), usable_mib: z.number().int().positive(), source: z.string().min(1),
  })),
});

const priceSchema = z.object({
  instances: z.array(z.object({
    cloud: z.enum(['aws', 'gcp', 'azure']), instance: z.string(), gpu: z.string(), count: z.number().int().positive(),
    region: z.string(), on_demand: z.number().positive(), spot: z.number().positive().nullable(), as_of: isoDate,
  })),
});

export function loadGpuCatalog(path = join(CONFIG_DIR, 'gpus.yaml')): Gpu[] {
  return readYamlFile(path, gpuSchema).gpus.map((g) => ({
    id: g.id, name: g.name, aliases: g.aliases, vendor: g.vendor, memoryGb: g.memory_gb,
    usableBytes: g.usable_mib * 2 ** 20, source: g.source,
  }));
}

export function loadPriceCatalog(gpus: Gpu[], path = join(CONFIG_DIR, 'prices.yaml')): InstancePrice[] {
  const known = new Set(gpus.map((g) => g.id));
  return readYamlFile(path, priceSchema).instances.map((p) => {
    if (!known.has(p.gpu)) throw new CatalogError(`${path}: ${p.instance} names gpu ${p.gpu}, which is not in the GPU catalog`);
    return {
      cloud: p.cloud, instance: p.instance, gpuId: p.gpu, gpuCount: p.count, region: p.region,
      onDemandPerHour: p.on_demand, spotPerHour: p.spot, asOf: p.as_of,
    };
  });
}

const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

export function findGpu(gpus: Gpu[], name: string): Gpu | undefined {
  const wanted = squash(name);
  return gpus.find((g) => [g.id, g.name, ...g.aliases].some((n) => squash(n) === wanted));
}
