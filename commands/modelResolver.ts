// A model named in a command: a preset, a bare size (`70b`, `8x7b`) or a Hugging Face repo id,
// resolved to an architecture and its parameter counts. Shared by every command that takes a model.
import { type Architecture, parameterBreakdown } from '../src/calc/architecture.ts';
import type { PrecisionId } from '../src/calc/precision.ts';
import { parseQuantity, QuantityError } from '../src/calc/quantity.ts';
import { architectureFromConfig, hfConfigSchema, textConfigOf } from '../src/catalogs/modelConfig.ts';
import { closestPreset, findPreset, type ModelPreset, type ModelRegistry } from '../src/catalogs/models.ts';
import { HubError, isHubRepoId } from '../src/hub/hubModel.ts';
import { type CommandContext, UsageError } from './command.ts';

export interface ResolvedModel {
  id: string;
  arch: Architecture;
  params: number;
  /** parameters each token passes through: all of them for dense models, shared + top-k experts for MoE */
  activeParams: number;
  paramsSource: string;
  nativePrecision: PrecisionId;
  source: string;
  /** set when the model is a stand-in (bare size): which architecture was assumed */
  assumedArchitecture?: string;
}

/** Active parameters in proportion to the architecture's own count, so a scaled or hub-reported total keeps its MoE share. */
function activeShare(arch: Architecture, params: number): number {
  const breakdown = parameterBreakdown(arch);
  return params * (breakdown.activePerToken / (breakdown.total - breakdown.extra));
}

function describeArchitecture(id: string, arch: Architecture): string {
  const moe = arch.moe ? `, ${arch.moe.experts} experts (top-${arch.moe.topK})` : '';
  return `${id}: ${arch.layers} layers, hidden ${arch.hiddenSize}, ${arch.kvHeads} KV heads × ${arch.headDim}, vocab ${arch.vocabSize}${moe}`;
}

function fromPreset(p: ModelPreset): ResolvedModel {
  return {
    id: p.id,
    arch: p.arch,
    params: p.params,
    activeParams: activeShare(p.arch, p.params),
    paramsSource: p.paramsSource,
    nativePrecision: p.nativePrecision,
    source: p.source,
  };
}

function nearestByParams(candidates: ModelPreset[], params: number): ModelPreset {
  return candidates.reduce((best, p) => (Math.abs(Math.log(p.params / params)) < Math.abs(Math.log(best.params / params)) ? p : best));
}

/** `70b`, `7e9`, `1.5t`, `8x7b`: a reference architecture of that size, named in the answer. */
function fromBareSize(registry: ModelRegistry, text: string): ResolvedModel | undefined {
  const moe = /^(\d+)x(\d+(?:\.\d+)?)b$/i.exec(text);
  if (moe) {
    // references are named like mixtral-8x7b: experts × nominal expert size
    const nominal = (p: ModelPreset) => {
      const m = /(\d+)x(\d+(?:\.\d+)?)b/.exec(p.id);
      return m ? Number(m[1]) * Number(m[2]) : p.params / 1e9;
    };
    const wanted = Number(moe[1]) * Number(moe[2]);
    const reference = registry.referenceMoe.reduce((best, p) =>
      Math.abs(Math.log(nominal(p) / wanted)) < Math.abs(Math.log(nominal(best) / wanted)) ? p : best,
    );
    const exact = nominal(reference) === wanted;
    return {
      id: text.toLowerCase(),
      arch: reference.arch,
      params: reference.params * (wanted / nominal(reference)),
      activeParams: activeShare(reference.arch, reference.params * (wanted / nominal(reference))),
      paramsSource: exact ? `${reference.id}'s count` : `scaled from ${reference.id}`,
      nativePrecision: 'bf16',
      source: reference.source,
      assumedArchitecture: `${text} is assumed to be a mixture of experts shaped like ${describeArchitecture(reference.id, reference.arch)}`,
    };
  }
  if (!/^[\d.]+(e\d+)?[kmbt]?$/i.test(text)) return undefined;
  let params: number;
  try {
    params = parseQuantity(text);
  } catch (error) {
    if (error instanceof QuantityError) return undefined;
    throw error;
  }
  if (params < 1e6) {
    throw new UsageError(`${text} parameters is too small to be a model; write the size with a suffix, e.g. 7b or 70b`);
  }
  const reference = nearestByParams(registry.referenceDense, params);
  return {
    id: text.toLowerCase(),
    arch: reference.arch,
    params,
    activeParams: activeShare(reference.arch, params),
    paramsSource: 'as typed',
    nativePrecision: 'bf16',
    source: reference.source,
    assumedArchitecture: `a ${text} dense model is assumed to be shaped like ${describeArchitecture(reference.id, reference.arch)}`,
  };
}

export async function resolveModel(name: string, context: CommandContext): Promise<ResolvedModel> {
  const registry = context.catalogs.models;
  const preset = findPreset(registry, name);
  if (preset) return fromPreset(preset);
  const bare = fromBareSize(registry, name);
  if (bare) return bare;
  if (isHubRepoId(name)) {
    let hubModel;
    try {
      hubModel = await context.hub.fetchModel(name);
    } catch (error) {
      if (error instanceof HubError) throw new UsageError(`${error.message}`, { suggestion: closestPreset(registry, name)?.id });
      throw error;
    }
    const parsed = hfConfigSchema.safeParse(textConfigOf(hubModel.config));
    if (!parsed.success) {
      const missing = parsed.error.issues
        .map((i) => i.path.join('.'))
        .filter(Boolean)
        .slice(0, 5)
        .join(', ');
      throw new UsageError(`${name}'s config.json is not a decoder-only transformer burnrate can size (missing or odd: ${missing})`);
    }
    const arch = architectureFromConfig(parsed.data);
    const derived = parameterBreakdown(arch).total;
    return {
      id: name,
      arch,
      params: hubModel.params ?? derived,
      activeParams: activeShare(arch, hubModel.params ?? derived),
      paramsSource: hubModel.params ? 'Hugging Face Hub (safetensors)' : 'derived from config.json',
      nativePrecision: 'bf16',
      source: `https://huggingface.co/${name}/blob/main/config.json`,
    };
  }
  const words = name.split(' ');
  for (let keep = words.length - 1; keep >= 1; keep--) {
    const prefix = words.slice(0, keep).join(' ');
    if (findPreset(registry, prefix) || fromBareSize(registry, prefix)) {
      const rest = words.slice(keep);
      throw new UsageError(`did not understand ${rest.map((w) => `"${w}"`).join(', ')}`, { understood: [prefix], notUnderstood: rest });
    }
  }
  const suggestion = closestPreset(registry, name)?.id;
  throw new UsageError(
    `unknown model "${name}"${suggestion ? `; did you mean ${suggestion}?` : ''} Use a preset (\`/gpu-memory help\` lists them), a size like 70b, or a Hugging Face repo id like org/name`,
    { notUnderstood: [name], suggestion },
  );
}
