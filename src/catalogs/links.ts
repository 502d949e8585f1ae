// Interconnect catalog (config/links.yaml) for /allreduce.
import { join } from 'node:path';
import * as z from 'zod/mini';
import { CONFIG_DIR, readYamlFile } from './yamlFile.ts';

export type LinkScope = 'gpu' | 'port' | 'node';

export interface Link {
  id: string;
  name: string;
  per: LinkScope;
  /** bytes per second in one direction, for one GPU, port or node as `per` says */
  bytesPerSecond: number;
  source: string;
}

const linkSchema = z.object({
  as_of: z.union([z.string(), z.date()]),
  links: z.array(
    z.strictObject({
      id: z.string().check(z.regex(/^[a-z0-9-]+$/)),
      name: z.string(),
      per: z.enum(['gpu', 'port', 'node']),
      gbps: z.number().check(z.positive()),
      source: z.string().check(z.minLength(1)),
    }),
  ),
});

export function loadLinkCatalog(path = join(CONFIG_DIR, 'links.yaml')): Link[] {
  return readYamlFile(path, linkSchema).links.map((l) => ({
    id: l.id,
    name: l.name,
    per: l.per,
    bytesPerSecond: (l.gbps * 1e9) / 8,
    source: l.source,
  }));
}
