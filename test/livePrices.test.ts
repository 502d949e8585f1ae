// /gpu-price with live prices: the real AWS SDK and Google Cloud client against loopback fakes of
// the Price List Query API and the Cloud Billing Catalog API, with the day-long cache and fallbacks.
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeGpuPrice } from '../commands/gpuPrice.ts';
import { JsonFileCache } from '../src/cache/jsonFileCache.ts';
import { type LivePriceSettings, LivePrices, livePriceSettingsFromEnv } from '../src/pricing/livePrices.ts';
import { offlineContext } from './support/context.ts';
import { type FakeApi, startFakeCloudCatalog, startFakePriceList } from './support/fakePriceApis.ts';

const savedEnv = { ...process.env };
let priceList: FakeApi;
let catalog: FakeApi;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let savedKeyFile = '';

beforeAll(async () => {
  priceList = await startFakePriceList({ 'us-east-1/p5.48xlarge': '55.0400000000', 'us-east-1/g5.xlarge': '1.0060000000' });
  catalog = await startFakeCloudCatalog([
    {
      description: 'Nvidia Tesla A100 GPU running in Americas',
      usageType: 'OnDemand',
      regions: ['us-central1', 'us-east1'],
      units: '2',
      nanos: 933_908_000,
    },
    {
      description: 'Spot Preemptible Nvidia Tesla A100 GPU running in Americas',
      usageType: 'Preemptible',
      regions: ['us-central1'],
      units: '0',
      nanos: 880_000_000,
    },
    { description: 'Nvidia Tesla A100 80GB GPU running in EMEA', usageType: 'OnDemand', regions: ['europe-west4'], units: '4', nanos: 0 },
    {
      description: 'Commitment v1: Nvidia Tesla A100 GPU running in Americas for 1 Year',
      usageType: 'Commit1Yr',
      regions: ['us-central1'],
      units: '1',
      nanos: 0,
    },
    { description: 'Nvidia L4 GPU running in Americas', usageType: 'OnDemand', regions: ['us-central1'], units: '0', nanos: 560_000_000 },
  ]);
  const keyFile = join(mkdtempSync(join(tmpdir(), 'burnrate-gcp-')), 'key.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'burnrate-test',
      private_key_id: 'k1',
      client_email: 'burnrate@burnrate-test.iam.gserviceaccount.com',
      client_id: '1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      token_uri: `${catalog.url}/token`,
    }),
  );
  savedKeyFile = keyFile;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_PRICING: priceList.url,
    GOOGLE_APPLICATION_CREDENTIALS: keyFile,
    GCP_CLOUDBILLING_ENDPOINT: catalog.url,
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await priceList.close();
  await catalog.close();
});

function live(overrides: Partial<LivePriceSettings> = {}): LivePrices {
  return new LivePrices({
    ...livePriceSettingsFromEnv(process.env),
    cacheDir: mkdtempSync(join(tmpdir(), 'burnrate-prices-')),
    timeoutMs: 10_000,
    ...overrides,
  });
}

describe('AWS Price List API', () => {
  it("replaces the catalog's on-demand price, following pages, and says where the price came from", async () => {
    const livePrices = live({ gcp: false });
    const r = await computeGpuPrice('h100 cloud=aws', { ...offlineContext(), livePrices });
    const p5 = r.tables[0]!.rows.find((row) => row[0] === 'p5.48xlarge')!;
    expect(p5[4]).toBe('$55.04/h');
    expect(p5[6]).toBe('$39.33/h');
    expect(r.prices).toMatch(/AWS on-demand: AWS Price List API \(fetched \d{4}-\d{2}-\d{2}, cached a day\)/);
    await livePrices.close();
  });

  it('sends a signed GetProducts for the instance, region and plain Linux', () => {
    const calls = priceList.requests.filter((r) => r.body.includes('p5.48xlarge'));
    expect(calls).toHaveLength(2);
    const first = calls[0]!;
    expect(first.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(first.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDBURNRATETEST\/\d{8}\/us-east-1\/pricing\/aws4_request/);
    const body = JSON.parse(first.body);
    expect(body.ServiceCode).toBe('AmazonEC2');
    const filters = Object.fromEntries(body.Filters.map((f: { Field: string; Value: string }) => [f.Field, f.Value]));
    expect(filters).toMatchObject({
      instanceType: 'p5.48xlarge',
      regionCode: 'us-east-1',
      operatingSystem: 'Linux',
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
    });
    expect(JSON.parse(calls[1]!.body).NextToken).toBe('page-2');
  });

  it('asks once a day: the next answer comes from the disk cache', async () => {
    const livePrices = live({ gcp: false });
    await computeGpuPrice('g5.xlarge cloud=aws', { ...offlineContext(), livePrices });
    const asked = priceList.requests.length;
    const again = new LivePrices(livePrices.settings);
    const r = await computeGpuPrice('g5.xlarge cloud=aws', { ...offlineContext(), livePrices: again });
    expect(priceList.requests.length).toBe(asked);
    expect(r.figures.instanceOnDemand!.value).toBe(1.006);
    await livePrices.close();
    await again.close();
  });

  it('keeps the catalog price and says so when the API cannot be reached in time', async () => {
    const livePrices = live({ gcp: false, timeoutMs: 300 });
    // accepts the connection and never answers
    const silent = createServer(() => {});
    await new Promise<void>((ready) => silent.listen(0, '127.0.0.1', () => ready()));
    process.env.AWS_ENDPOINT_URL_PRICING = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const r = await computeGpuPrice('g5.xlarge cloud=aws', { ...offlineContext(), livePrices });
      expect(r.figures.instanceOnDemand!.value).toBe(1.01);
      expect(r.prices).toMatch(/Live AWS prices unavailable \(g5\.xlarge: AWS Price List API did not answer within 300 ms\)/);
      expect(r.prices).toMatch(/bundled catalog config\/prices\.yaml, as of 2026-11-22/);
    } finally {
      process.env.AWS_ENDPOINT_URL_PRICING = priceList.url;
      await livePrices.close();
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('an answer that lands after the timeout still fills the cache for the next question', async () => {
    const slow = await startFakePriceList({ 'us-east-1/g5.2xlarge': '1.2120000000' }, 250);
    process.env.AWS_ENDPOINT_URL_PRICING = slow.url;
    const livePrices = live({ gcp: false, timeoutMs: 200 });
    try {
      const first = await computeGpuPrice('g5.2xlarge cloud=aws', { ...offlineContext(), livePrices });
      expect(first.figures.instanceOnDemand!.value).toBe(1.21);
      expect(first.prices).toMatch(/did not answer within 200 ms/);
      await new Promise((r) => setTimeout(r, 800));
      const asked = slow.requests.length;
      const second = await computeGpuPrice('g5.2xlarge cloud=aws', { ...offlineContext(), livePrices });
      expect(second.figures.instanceOnDemand!.value).toBe(1.212);
      expect(slow.requests.length).toBe(asked);
    } finally {
      process.env.AWS_ENDPOINT_URL_PRICING = priceList.url;
      await livePrices.close();
      await slow.close();
    }
  });
});

describe('Cloud Billing Catalog API', () => {
  it("adds Compute Engine's per-GPU prices for the region, on-demand and spot, from every page", async () => {
    const livePrices = live({ aws: false });
    const r = await computeGpuPrice('a100 cloud=gcp region=us-central1', { ...offlineContext(), livePrices });
    const table = r.tables.find((t) => /Compute Engine GPU prices in us-central1/.test(t.title))!;
    expect(table.rows).toEqual([['a100-40gb', '$2.93/h', '$0.880/h']]);
    expect(r.prices).toMatch(/GCP GPU SKUs: Cloud Billing Catalog API/);
    await livePrices.close();
  });

  it('keeps the catalog and says why when the API is unreachable or the key file is missing', async () => {
    const unreachable = live({ aws: false, gcpEndpoint: 'http://127.0.0.1:9' });
    const r = await computeGpuPrice('l4 cloud=gcp', { ...offlineContext(), livePrices: unreachable });
    expect(r.prices).toMatch(/Live GCP prices unavailable \(.*ECONNREFUSED/);
    expect(r.tables).toHaveLength(1);
    await unreachable.close();

    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/nonexistent/key.json';
    const keyless = live({ aws: false });
    try {
      const k = await computeGpuPrice('l4 cloud=gcp', { ...offlineContext(), livePrices: keyless });
      expect(k.prices).toMatch(/Live GCP prices unavailable \(The file at \/nonexistent\/key\.json does not exist/);
    } finally {
      process.env.GOOGLE_APPLICATION_CREDENTIALS = savedKeyFile;
      await keyless.close();
    }
  });

  it('authenticates with the service account: a bearer JWT signed by its key', () => {
    const call = catalog.requests.find((r) => r.url.startsWith('/v1/services/6F81-5844-456A/skus'))!;
    const token = /^Bearer (.+)$/.exec(String(call.headers.authorization))![1]!;
    const [header, payload, signature] = token.split('.');
    const verified = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature!, 'base64url'));
    expect(verified).toBe(true);
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString()).iss).toBe('burnrate@burnrate-test.iam.gserviceaccount.com');
    expect(catalog.requests.some((r) => /pageToken=page-2/.test(r.url))).toBe(true);
  });
});

describe('settings', () => {
  it('turns each source on only with its credentials', () => {
    expect(livePriceSettingsFromEnv({}).aws).toBe(false);
    expect(livePriceSettingsFromEnv({ AWS_PROFILE: 'finops' }).aws).toBe(true);
    expect(livePriceSettingsFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }).gcp).toBe(true);
  });

  it('names a setting that is set but unusable', () => {
    expect(() => livePriceSettingsFromEnv({ BURNRATE_PRICE_TIMEOUT_MS: 'soon' })).toThrow(
      /BURNRATE_PRICE_TIMEOUT_MS must be a whole number of milliseconds/,
    );
    expect(() => livePriceSettingsFromEnv({ GCP_CLOUDBILLING_ENDPOINT: 'cloudbilling' })).toThrow(
      /GCP_CLOUDBILLING_ENDPOINT must be a base URL/,
    );
  });

  it('the cache forgets after a day', async () => {
    const cache = new JsonFileCache(mkdtempSync(join(tmpdir(), 'burnrate-cache-')));
    const now = Date.parse('2026-11-22T12:00:00Z');
    await cache.write('k', 42, now);
    expect((await cache.read<number>('k', 86_400_000, now + 3_600_000))?.value).toBe(42);
    expect(await cache.read<number>('k', 86_400_000, now + 86_400_001)).toBeUndefined();
  });
});
