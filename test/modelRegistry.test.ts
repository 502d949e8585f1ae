import { describe, expect, it } from 'vitest';
import { parameterBreakdown } from '../src/calc/architecture.ts';
import { findPreset, loadModelRegistry, normalizeModelName } from '../src/catalogs/models.ts';

const registry = loadModelRegistry();

describe('model registry', () => {
  it('derives each published parameter count from the config shapes to within 0.1%', () => {
    const published = registry.presets.filter((p) => p.paramsSource === 'model card');
    expect(published.length).toBeGreaterThan(25);
    for (const preset of published) {
      const derived = parameterBreakdown(preset.arch).total;
      expect(Math.abs(derived - preset.params) / preset.params, preset.id).toBeLessThan(0.001);
    }
  });

  it('derives the headline sizes of models whose card gives only a rounded count', () => {
    const billions = (id: string) => parameterBreakdown(findPreset(registry, id)!.arch).total / 1e9;
    expect(billions('deepseek-v3')).toBeCloseTo(671, 0);
    expect(billions('qwen3-235b-a22b')).toBeCloseTo(235, 0);
    expect(billions('qwen3-30b-a3b')).toBeCloseTo(30.5, 0);
    expect(billions('gpt-oss-120b')).toBeCloseTo(116.8, 0);
    expect(billions('gpt-oss-20b')).toBeCloseTo(20.9, 0);
    expect(billions('llama-4-maverick')).toBeGreaterThan(399);
    expect(parameterBreakdown(findPreset(registry, 'llama-4-scout')!.arch).activePerToken / 1e9).toBeCloseTo(17.2, 0);
    expect(parameterBreakdown(findPreset(registry, 'mixtral-8x7b')!.arch).activePerToken / 1e9).toBeCloseTo(12.9, 0);
  });

  it('covers every family the issue names', () => {
    const ids = registry.presets.map((p) => p.id);
    for (const family of [
      /^llama-3\.1-/,
      /^llama-3\.2-/,
      /^llama-3\.3-/,
      /^llama-4-scout/,
      /^llama-4-maverick/,
      /^mistral-7b/,
      /^mistral-small/,
      /^mistral-nemo/,
      /^mistral-large/,
      /^mixtral-8x7b/,
      /^mixtral-8x22b/,
      /^qwen2\.5-0\.5b/,
      /^qwen2\.5-72b/,
      /^qwen2\.5-coder-/,
      /^qwen3-\d/,
      /^qwen3-.*-a\d+b/,
      /^gemma-2-/,
      /^gemma-3-/,
      /^phi-3-mini/,
      /^phi-3-small/,
      /^phi-3-medium/,
      /^phi-4/,
      /^deepseek-v3/,
      /^deepseek-r1$/,
      /^deepseek-r1-distill-/,
      /^gpt-oss-/,
      /^falcon3-/,
      /^olmo-2-/,
    ]) {
      expect(
        ids.some((id) => family.test(id)),
        String(family),
      ).toBe(true);
    }
  });

  it('forgives case, spaces, org prefixes and checkpoint suffixes', () => {
    for (const name of ['llama-3.1-8b', 'Llama 3.1 8B', 'meta-llama/Llama-3.1-8B-Instruct', 'Meta-Llama-3.1-8B', 'LLAMA_3.1_8B']) {
      expect(findPreset(registry, name)?.id, name).toBe('llama-3.1-8b');
    }
    expect(findPreset(registry, 'Qwen/Qwen2.5-7B-Instruct')?.id).toBe('qwen2.5-7b');
    expect(normalizeModelName('google/gemma-2-9b-it')).toBe('gemma-2-9b');
  });
});
