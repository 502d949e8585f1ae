// Storage tier catalog (config/storage.yaml) for /storage-throughput.
import { join } from 'node:path';
import * as z from 'zod/mini';
import { CONFIG_DIR, readYamlFile } from './yamlFile.ts';

const positive = () => z.number().check(z.positive());

const tierSchema = z.discriminatedUnion('scaling', [
  z.strictObject({
    id: z.string(),
    name: z.string(),
    scaling: z.literal('per_node'),
    gbs: positive(),
    iops: positive(),
    source: z.string(),
  }),
  z.strictObject({
    id: z.string(),
    name: z.string(),
    scaling: z.literal('per_tib'),
    mbs_per_tib: positive(),
    min_tib: positive(),
    source: z.string(),
  }),
  z.strictObject({
    id: z.string(),
    name: z.string(),
    scaling: z.literal('fixed'),
    max_gbs: positive(),
    iops: positive(),
    source: z.string(),
  }),
  z.strictObject({
    id: z.string(),
    name: z.string(),
    scaling: z.literal('per_stream'),
    mbs_per_stream: positive(),
    requests_per_prefix: positive(),
    source: z.string(),
  }),
]);

export type StorageTier = z.infer<typeof tierSchema>;

const storageSchema = z.object({ as_of: z.union([z.string(), z.date()]), tiers: z.array(tierSchema) });

export function loadStorageCatalog(path = join(CONFIG_DIR, 'storage.yaml')): StorageTier[] {
  return readYamlFile(path, storageSchema).tiers;
}
