import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGpuCatalog, loadPriceCatalog } from '../src/catalogs/hardware.ts';
import { loadModelRegistry } from '../src/catalogs/models.ts';

const dir = mkdtempSync(join(tmpdir(), 'burnrate-catalog-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('catalog files', () => {
  it('every price has a region and an as-of date, and names a GPU in the catalog', () => {
    const gpus = loadGpuCatalog();
    const prices = loadPriceCatalog(gpus);
    expect(prices.find((p) => p.instance === 'p5.48xlarge')).toMatchObject({ onDemandPerHour: 98.32, spotPerHour: 39.33, region: 'us-east-1', gpuCount: 8 });
    for (const p of prices) expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const cloud of ['aws', 'gcp', 'azure']) expect(prices.some((p) => p.cloud === cloud)).toBe(true);
  });

  it('names the file, the entry and the problem when a registry entry is wrong', () => {
    const path = file('models.yaml', 'models:\n  - id: Bad Id\n    hf: x/y\n    config: {hidden_size: -1}\nreference_dense: []\nreference_moe: []\n');
    expect(() => loadModelRegistry(path)).toThrow(new RegExp(`${path} is invalid:[\\s\\S]*models\\.0\\.id: lower-case id[\\s\\S]*hidden_size`));
  });

  it('says when a YAML file does not parse', () => {
    const path = file('gpus.yaml', 'gpus: [unclosed\n');
    expect(() => loadGpuCatalog(path)).toThrow(new RegExp(`${path} is not valid YAML`));
  });

  it('refuses a price for a GPU the catalog does not have', () => {
    const path = file('prices.yaml', 'instances:\n  - {cloud: aws, instance: x1, gpu: h900, count: 1, region: r, on_demand: 1, spot: null, as_of: 2026-01-01}\n');
    expect(() => loadPriceCatalog(loadGpuCatalog(), path)).toThrow(/x1 names gpu h900, which is not in the GPU catalog/);
  });
});
