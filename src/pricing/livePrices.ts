// Live list prices when credentials are there: AWS from the Price List API, GCP GPUs from the Cloud
// Billing Catalog. Each answer is cached on disk for a day; a slow or failing source costs at most
// the timeout and leaves the bundled catalog in place, with a note saying so.
import { join } from 'node:path';
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { CloudCatalogClient } from '@google-cloud/billing';
import { cacheDirFromEnv } from '../cache/cacheDir.ts';
import { JsonFileCache } from '../cache/jsonFileCache.ts';
import { hasAwsCredentials } from '../clouds/credentials.ts';
import type { GcpGpuPrice } from '../clouds/gcp/gcpGpuSkus.ts';

export const LIVE_PRICE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface LivePriceSettings {
  /** AWS credentials are configured (the SDK's default chain finds them) */
  aws: boolean;
  /** GOOGLE_APPLICATION_CREDENTIALS is set */
  gcp: boolean;
  /** GCP_CLOUDBILLING_ENDPOINT: another Cloud Billing endpoint (staging, tests), e.g. http://127.0.0.1:8085 */
  gcpEndpoint?: string;
  cacheDir: string;
  timeoutMs: number;
}

/** Reads the settings; throws LivePriceError naming a setting that is set but unusable. */
export function livePriceSettingsFromEnv(env: NodeJS.ProcessEnv): LivePriceSettings {
  const timeout = env.BURNRATE_PRICE_TIMEOUT_MS;
  if (timeout !== undefined && timeout !== '' && !(/^\d+$/.test(timeout) && Number(timeout) > 0)) {
    throw new LivePriceError(`BURNRATE_PRICE_TIMEOUT_MS must be a whole number of milliseconds, e.g. 2500; got "${timeout}"`);
  }
  const endpoint = env.GCP_CLOUDBILLING_ENDPOINT;
  if (endpoint && !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(endpoint)) {
    throw new LivePriceError(
      `GCP_CLOUDBILLING_ENDPOINT must be a base URL like https://cloudbilling.googleapis.com or http://127.0.0.1:8085; got "${endpoint}"`,
    );
  }
  return {
    aws: hasAwsCredentials(env),
    gcp: Boolean(env.GOOGLE_APPLICATION_CREDENTIALS),
    gcpEndpoint: endpoint || undefined,
    cacheDir: join(cacheDirFromEnv(env), 'prices'),
    timeoutMs: timeout ? Number(timeout) : 2500,
  };
}

export interface Live<T> {
  value: T;
  fetchedAt: string;
  source: string;
}

export class LivePriceError extends Error {
  override name = 'LivePriceError';
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LivePriceError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// the SDKs load only when a live price is asked for: the CLI and calculators start without them
async function gcpClient(settings: LivePriceSettings): Promise<CloudCatalogClient> {
  const { catalogClient } = await import('../clouds/gcp/gcpBillingClients.ts');
  const client = catalogClient(settings.gcpEndpoint);
  // Unloadable credentials fail here, where we can catch them: inside the first call, google-gax
  // would also leave a rejected promise of its own unhandled, which ends a Node process.
  await client.auth.getClient();
  return client;
}

export class LivePrices {
  private readonly cache: JsonFileCache;
  private pricing?: PricingClient;
  private catalog?: CloudCatalogClient;

  constructor(readonly settings: LivePriceSettings) {
    this.cache = new JsonFileCache(settings.cacheDir);
  }

  get enabled(): boolean {
    return this.settings.aws || this.settings.gcp;
  }

  /**
   * The day's cached answer, or a fresh one. A fetch that outlasts the timeout keeps going and
   * fills the cache when it lands, so the next question is answered from it.
   */
  private async cached<T>(key: string, source: string, fetch: () => Promise<T>): Promise<Live<T>> {
    const hit = await this.cache.read<T>(key, LIVE_PRICE_MAX_AGE_MS);
    if (hit) return { ...hit, source };
    const work = fetch().then((value) => this.cache.write(key, value));
    work.catch(() => {}); // a late failure is reported to the caller that waited, not unhandled
    return { ...(await withTimeout(work, this.settings.timeoutMs, source)), source };
  }

  /** On-demand $/h of an EC2 instance type in a region, from the Price List API or the day's cache. */
  awsOnDemand(instanceType: string, region: string): Promise<Live<number | null>> {
    return this.cached(`aws-${region}-${instanceType}`, 'AWS Price List API', async () => {
      const { PricingClient } = await import('@aws-sdk/client-pricing');
      const { awsOnDemandHourly } = await import('../clouds/aws/awsPriceList.ts');
      // the Price List Query API is served from us-east-1 whatever region is priced
      this.pricing ??= new PricingClient({ region: 'us-east-1' });
      return (await awsOnDemandHourly(this.pricing, instanceType, region)) ?? null;
    });
  }

  /** Compute Engine GPU SKU prices in a region, per GPU-hour, from the Cloud Billing Catalog or the day's cache. */
  gcpGpus(region: string): Promise<Live<GcpGpuPrice[]>> {
    return this.cached(`gcp-gpus-${region}`, 'Cloud Billing Catalog API', async () => {
      const { gcpGpuHourly } = await import('../clouds/gcp/gcpGpuSkus.ts');
      this.catalog ??= await gcpClient(this.settings);
      return gcpGpuHourly(this.catalog, region);
    });
  }

  async close(): Promise<void> {
    this.pricing?.destroy();
    // closing a client whose start failed rethrows that failure; it was reported already
    await this.catalog?.close().catch(() => {});
  }
}
