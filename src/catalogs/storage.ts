// Storage tier catalog (config/storage.yaml) for /storage-throughput.
import { join } from 'node:path';
import { z } from 'zod';
import { CONFIG_DIR, readYamlFile } from './yamlFile.ts';

const tierSchema = z.discriminatedUnion('scaling', [
  z.object({ id: z.string(), name: z.string(), scaling: z.literal('per_node'), gbs: z.number().positive(), iops: z.number().positive(), source: z.string() }).strict(),
  z.object({ id: z.string(), name: z.string(), scaling: z.literal('per_tib'), mbs_per_tib: z.number().positive(), min_tib: z.number().positive(), source: z.string() }).strict(),
  z.object({ id: z.string(), name: z.string(), scaling: z.literal('fixed'), max_gbs: z.number().positive(), iops: z.number().positive(), source: z.string() }).strict(),
  z.object({ id: z.string(), name: z.string(), scaling: z.literal('per_stream'), mbs_per_stream: z.number().positive(), requests_per_prefix: z.number().positive(), source: z.string() }).strict(),
]);

export type StorageTier = z.infer<typeof tierSchema>;

const storageSchema = z.object({ as_of: z.union([z.string(), z.date()]), tiers: z.array(tierSchema) });

export function loadStorageCatalog(path = join(CONFIG_DIR, 'storage.yaml')): StorageTier[] {
  return readYamlFile(path, storageSchema).tiers;
}
