// The bundled model registry (config/models.yaml): presets by forgiving name, and the reference
// architectures assumed for bare sizes.
import { join } from 'node:path';
import * as z from 'zod/mini';
import { type Architecture, parameterBreakdown } from '../calc/architecture.ts';
import { isPrecisionId, type PrecisionId } from '../calc/precision.ts';
import { architectureFromConfig, hfConfigSchema } from './modelConfig.ts';
import { CatalogError, CONFIG_DIR, readYamlFile } from './yamlFile.ts';

export interface ModelPreset {
  id: string;
  hfRepo: string;
  arch: Architecture;
  /** exact count from the model card, else derived from the config */
  params: number;
  paramsSource: 'model card' | 'derived from config.json';
  nativePrecision: PrecisionId;
  source: string;
}

const entrySchema = z
  .object({
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case id')),
    hf: z.string().check(z.includes('/')),
    aliases: z._default(z.array(z.string()), []),
    params: z.optional(z.int().check(z.positive())),
    extra_params: z._default(z.int().check(z.nonnegative()), 0),
    native_precision: z._default(z.string().check(z.refine(isPrecisionId, 'a known precision')), 'bf16'),
    config: z.optional(hfConfigSchema),
    config_from: z.optional(z.string()),
  })
  .check(z.refine((e) => Boolean(e.config) !== Boolean(e.config_from), 'exactly one of config or config_from'));

const registrySchema = z.object({
  models: z.array(entrySchema),
  reference_dense: z.array(z.string()),
  reference_moe: z.array(z.string()),
});

export interface ModelRegistry {
  presets: ModelPreset[];
  referenceDense: ModelPreset[];
  referenceMoe: ModelPreset[];
  /** normalized name -> preset */
  byName: Map<string, ModelPreset>;
}

/**
 * Lower-case, spaces and underscores to dashes, org prefix and checkpoint suffixes dropped:
 * `meta-llama/Llama-3.1-8B-Instruct` and `Llama 3.1 8B` both become `llama-3.1-8b`.
 */
export function normalizeModelName(name: string): string {
  let n = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  n = n.slice(n.lastIndexOf('/') + 1);
  n = n.replace(/^meta-(?=llama)/, '');
  n = n.replace(/-(instruct|it|chat|base|hf|pt|\d{4})$/g, '');
  n = n.replace(/-(instruct|it|chat|base|hf|pt|\d{4})$/g, '');
  n = n
    .replace(/^llama(\d)/, 'llama-$1')
    .replace(/^qwen-(\d)/, 'qwen$1')
    .replace(/^falcon-(\d)/, 'falcon$1');
  return n;
}

export function loadModelRegistry(path = join(CONFIG_DIR, 'models.yaml')): ModelRegistry {
  const data = readYamlFile(path, registrySchema);
  const entries = new Map(data.models.map((e) => [e.id, e]));
  const presets: ModelPreset[] = data.models.map((entry) => {
    const base = entry.config_from ? entries.get(entry.config_from) : entry;
    if (!base?.config) throw new CatalogError(`${path}: ${entry.id} takes config_from ${entry.config_from}, which has no config`);
    const arch = architectureFromConfig(base.config, entry.extra_params || base.extra_params);
    const params = entry.params ?? (entry.config_from ? base.params : undefined);
    return {
      id: entry.id,
      hfRepo: entry.hf,
      arch,
      params: params ?? parameterBreakdown(arch).total,
      paramsSource: params ? 'model card' : 'derived from config.json',
      nativePrecision: entry.native_precision as PrecisionId,
      source: `https://huggingface.co/${entry.hf}/blob/main/config.json`,
    };
  });
  const byName = new Map<string, ModelPreset>();
  data.models.forEach((entry, index) => {
    const preset = presets[index]!;
    for (const name of [entry.id, entry.hf, ...entry.aliases]) byName.set(normalizeModelName(name), preset);
  });
  const reference = (ids: string[]) =>
    ids.map((id) => {
      const preset = presets.find((p) => p.id === id);
      if (!preset) throw new CatalogError(`${path}: reference architecture ${id} is not in models`);
      return preset;
    });
  return { presets, byName, referenceDense: reference(data.reference_dense), referenceMoe: reference(data.reference_moe) };
}

export function findPreset(registry: ModelRegistry, name: string): ModelPreset | undefined {
  return registry.byName.get(normalizeModelName(name));
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The preset whose name is closest to what was typed, if any is reasonably close. */
export function closestPreset(registry: ModelRegistry, name: string): ModelPreset | undefined {
  const typed = normalizeModelName(name);
  let best: { preset: ModelPreset; distance: number } | undefined;
  for (const [known, preset] of registry.byName) {
    const distance = editDistance(typed, known);
    if (!best || distance < best.distance) best = { preset, distance };
  }
  return best && best.distance <= Math.max(3, Math.floor(typed.length / 3)) ? best.preset : undefined;
}
