// Values the planning calculators look up in the catalogs, read from their arguments with the
// same answers when they are wrong.

import { findInstance } from '../src/calc/pricing.ts';
import type { Catalogs } from '../src/catalogs/catalogs.ts';
import { type Cloud, findGpuFamily, type Gpu, type InstancePrice } from '../src/catalogs/hardware.ts';
import type { PlanArgs } from './planGrammar.ts';

export const CLOUDS: Cloud[] = ['aws', 'gcp', 'azure'];

/** `instance=`: a catalog instance, or a UsageError suggesting the family's instances. */
export function instanceArg(args: PlanArgs, catalogs: Catalogs): InstancePrice | undefined {
  const name = args.text('instance');
  if (!name) return undefined;
  const found = findInstance(catalogs.prices, name);
  if (!found) {
    const family = name.replace(/^ml\./i, '').split('.')[0]!.toLowerCase();
    const similar = catalogs.prices.filter((p) => p.instance.toLowerCase().startsWith(family)).map((p) => p.instance);
    args.fail(
      `instance=${name} is not in the price catalog${similar.length ? `; did you mean ${similar.slice(0, 4).join(', ')}?` : ''} (config/prices.yaml lists every instance)`,
    );
  }
  return found;
}

/** `cloud=`: aws, gcp or azure. */
export function cloudArg(args: PlanArgs): Cloud | undefined {
  const cloud = args.text('cloud')?.toLowerCase();
  if (cloud !== undefined && !CLOUDS.includes(cloud as Cloud)) args.fail(`cloud=${cloud} is not one of: ${CLOUDS.join(', ')}`);
  return cloud as Cloud | undefined;
}

/** `gpu=`: every variant the name can mean, the exact one first, or a UsageError listing the catalog. */
export function gpuFamilyArg(args: PlanArgs, catalogs: Catalogs): Gpu[] | undefined {
  const name = args.text('gpu');
  if (!name) return undefined;
  const family = findGpuFamily(catalogs.gpus, name);
  if (!family.length) args.fail(`gpu=${name} is not in the GPU catalog; known: ${catalogs.gpus.map((g) => g.id).join(', ')}`);
  return family;
}
