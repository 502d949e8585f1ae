import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { embeddedConfigSource } from '../bin/build-lambda.js';
import { loadGpuCatalog, loadPriceCatalog } from '../src/catalogs/hardware.ts';
import { loadLinkCatalog } from '../src/catalogs/links.ts';
import { loadModelRegistry } from '../src/catalogs/models.ts';
import { loadStorageCatalog } from '../src/catalogs/storage.ts';
import { CONFIG_DIR } from '../src/catalogs/yamlFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'burnrate-catalog-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('catalog files', () => {
  it('every price has a region and an as-of date, and names a GPU in the catalog', () => {
    const gpus = loadGpuCatalog();
    const { prices } = loadPriceCatalog(gpus);
    expect(prices.find((p) => p.instance === 'p5.48xlarge')).toMatchObject({
      onDemandPerHour: 98.32,
      spotPerHour: 39.33,
      region: 'us-east-1',
      gpuCount: 8,
    });
    for (const p of prices) expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const cloud of ['aws', 'gcp', 'azure']) expect(prices.some((p) => p.cloud === cloud)).toBe(true);
  });

  it('names the file, the entry and the problem when a registry entry is wrong', () => {
    const path = file(
      'models.yaml',
      'models:\n  - id: Bad Id\n    hf: x/y\n    config: {hidden_size: -1}\nreference_dense: []\nreference_moe: []\n',
    );
    expect(() => loadModelRegistry(path)).toThrow(
      new RegExp(`${path} is invalid:[\\s\\S]*models\\.0\\.id: lower-case id[\\s\\S]*hidden_size`),
    );
  });

  it('says when a YAML file does not parse', () => {
    const path = file('gpus.yaml', 'gpus: [unclosed\n');
    expect(() => loadGpuCatalog(path)).toThrow(new RegExp(`${path} is not valid YAML`));
  });

  it('refuses a price for a GPU the catalog does not have', () => {
    const terms =
      'terms:\n' +
      ['aws', 'gcp', 'azure']
        .map((c) => `  ${c}: {one_year: 0.3, three_year: 0.5, spot_interruptions_per_hour: 0.05, as_of: 2026-01-01}\n`)
        .join('');
    const path = file(
      'prices.yaml',
      `instances:\n  - {cloud: aws, instance: x1, gpu: h900, count: 1, region: r, on_demand: 1, spot: null, as_of: 2026-01-01}\n${terms}`,
    );
    expect(() => loadPriceCatalog(loadGpuCatalog(), path)).toThrow(/x1 names gpu h900, which is not in the GPU catalog/);
  });

  it('says which price term is missing or out of range', () => {
    const path = file(
      'prices-terms.yaml',
      'instances: []\nterms:\n  aws: {one_year: 1.4, three_year: 0.5, spot_interruptions_per_hour: 0.05, as_of: 2026-01-01}\n',
    );
    expect(() => loadPriceCatalog(loadGpuCatalog(), path)).toThrow(/terms\.aws\.one_year[\s\S]*terms\.gcp/);
  });

  it('refuses a link or storage tier with an unknown key, so a typo is not silently dropped', () => {
    const links = file('links.yaml', 'as_of: 2026-01-01\nlinks:\n  - {id: x, name: X, per: gpu, gbps: 1, source: s, gbs: 3}\n');
    expect(() => loadLinkCatalog(links)).toThrow(/links\.0[\s\S]*gbs/);
    const storage = file(
      'storage.yaml',
      'as_of: 2026-01-01\ntiers:\n  - {id: t, name: T (a, b), scaling: fixed, max_gbs: 1, iops: 1, source: s}\n',
    );
    expect(() => loadStorageCatalog(storage)).toThrow(/tiers\.0/);
  });

  it('the bundled link and storage catalogs load', () => {
    expect(loadLinkCatalog().find((l) => l.id === 'nvlink4')!.bytesPerSecond).toBe(450e9);
    expect(loadStorageCatalog().map((t) => t.id)).toContain('fsx-lustre');
  });
});

describe('config/ embedded in the Lambda bundles', () => {
  it('holds every catalog file as parsing it from disk gives, dates as dates', async () => {
    const source = embeddedConfigSource();
    const { EMBEDDED_CONFIG } = (await import(
      /* @vite-ignore */ `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
    )) as { EMBEDDED_CONFIG: Record<string, unknown> };
    const files = readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.yaml') && !f.endsWith('.example.yaml'));
    expect(Object.keys(EMBEDDED_CONFIG).sort()).toEqual(files.sort());
    expect(files).toEqual(expect.arrayContaining(['gpus.yaml', 'models.yaml', 'prices.yaml']));
    for (const f of files) expect(EMBEDDED_CONFIG[f]).toEqual(load(readFileSync(join(CONFIG_DIR, f), 'utf8')));
    expect((EMBEDDED_CONFIG['prices.yaml'] as { terms: { aws: { as_of: unknown } } }).terms.aws.as_of).toBeInstanceOf(Date);
  });
});
