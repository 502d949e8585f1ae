import { type Cloud, type Gpu, type InstancePrice, loadGpuCatalog, loadPriceCatalog, type PriceTerms } from './hardware.ts';
import { type Link, loadLinkCatalog } from './links.ts';
import { loadModelRegistry, type ModelRegistry } from './models.ts';
import { loadStorageCatalog, type StorageTier } from './storage.ts';

export interface Catalogs {
  models: ModelRegistry;
  gpus: Gpu[];
  prices: InstancePrice[];
  terms: Record<Cloud, PriceTerms>;
  links: Link[];
  storage: StorageTier[];
}

let bundled: Catalogs | undefined;

/** The catalogs shipped in config/, read and validated once per process. */
export function bundledCatalogs(): Catalogs {
  if (!bundled) {
    const gpus = loadGpuCatalog();
    bundled = { models: loadModelRegistry(), gpus, ...loadPriceCatalog(gpus), links: loadLinkCatalog(), storage: loadStorageCatalog() };
  }
  return bundled;
}
